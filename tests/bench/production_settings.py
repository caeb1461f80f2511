"""Bench-only settings for a production daphne: Sosoon's own production settings, served with
tests/bench/floor_urls.py (the site's URLs plus a bare view as the floor). Never used by a
deployment; the benchmark points DJANGO_SETTINGS_MODULE here."""

from sosoon_site.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.floor_urls"
