"""Test settings: the development profile, plus a fast password hasher.

Only development defaults are filled in; anything set in the environment (DATABASE_URL,
REDIS_URL in CI's second pass) is kept.
"""

import os

os.environ.setdefault("DEBUG", "1")

from sosoon_site.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Background jobs run in the calling process, so a test sees their effect at once.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
