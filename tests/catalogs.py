"""The translation catalogs, compiled for the tests that read Sosoon in Bulgarian."""

import subprocess
from pathlib import Path

import pytest
from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parent.parent


def compile_catalogs() -> None:
    """Build each .mo the .po beside it is newer than (as `make compilemessages` does), so
    these tests also run straight from pytest; then forget translations already loaded."""
    for source in ROOT.glob("locale/*/LC_MESSAGES/*.po"):
        target = source.with_suffix(".mo")
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        partial = target.with_suffix(f".{id(target)}.tmp")
        try:
            subprocess.run(
                ["msgfmt", "--check", "--output-file", str(partial), str(source)],
                check=True,
                capture_output=True,
                text=True,
            )
        except FileNotFoundError:
            pytest.fail("msgfmt is missing: install GNU gettext (apt-get install gettext)")
        partial.replace(target)
    trans_real._translations = {}
    trans_real._default = None
