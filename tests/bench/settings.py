"""Benchmark settings: the test profile, answering requests the way production does.

The runner starts from the development profile (no production secrets, no collectstatic) and
the test profile's fast password hasher, which keeps seeding quick. DEBUG is then off, so
templates and database cursors skip the bookkeeping production never pays for.
"""

from tests.settings import *  # noqa: F403

DEBUG = False
# The host django.test.Client sends.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver"]  # noqa: F405
