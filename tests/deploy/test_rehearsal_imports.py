"""The rehearsal (`make rehearse`, CI's third pass) imports its sandbox networks before
Django is set up: a module they import that asks the settings at import time breaks it."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def test_the_rehearsal_starts_without_django_set_up():
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    imported = subprocess.run(
        [sys.executable, "-c", "import tests.rehearsal.__main__"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
