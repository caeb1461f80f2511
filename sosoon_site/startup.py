"""Load settings before anything else, so a configuration mistake is one clear line."""

import os
import sys
from importlib import import_module

from sosoon_site.environment import ConfigurationError


def load_settings_or_exit() -> None:
    """Import the settings module; on a ConfigurationError, exit with its message."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sosoon_site.settings")
    try:
        import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except ConfigurationError as error:
        sys.exit(f"Sosoon cannot start: {error}")
