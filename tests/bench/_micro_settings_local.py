from tests.bench.settings import *  # noqa
ROOT_URLCONF = "tests.bench.floor_urls"
LOGGING_CONFIG = None
