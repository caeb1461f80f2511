"""The production settings, plus one URL that fails, so a test can make a real daphne raise."""

from sosoon_site.settings import *  # noqa: F403

ROOT_URLCONF = "tests.deploy.failing_urls"
