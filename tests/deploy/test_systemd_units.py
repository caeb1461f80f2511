"""The systemd units in deploy/systemd start what the docs say, with the documented files.

Read as systemd reads them (INI sections, `%i` the instance); `systemd-analyze verify` runs
where it exists, on copies whose /srv/sosoon is this checkout (it checks that ExecStart's
program exists and is executable).
"""

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.deploy.environment_file import read_env_file
from tests.launcher import unit_service

ROOT = Path(settings.BASE_DIR)
UNITS = ROOT / "deploy" / "systemd"
INSTALL_DIR = "/srv/sosoon"
ENVIRONMENT_FILE = "/etc/sosoon/production.env"
UNIT_NAMES = ["sosoon-daphne@.service", "sosoon-qcluster.service"]


def in_checkout(path: str) -> Path:
    """Where `path` under the unit's install directory is in this checkout."""
    assert path.startswith(INSTALL_DIR + "/"), f"{path} is outside {INSTALL_DIR}"
    return ROOT / path.removeprefix(INSTALL_DIR + "/")


@pytest.mark.parametrize("name", UNIT_NAMES)
def test_units_read_the_documented_environment_file_and_write_only_the_media_paths(name):
    service = unit_service(name)
    example = read_env_file()

    assert service["WorkingDirectory"] == INSTALL_DIR
    assert service["EnvironmentFile"] == ENVIRONMENT_FILE
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"].split() == [
        example["MEDIA_ROOT"],
        example["SOSOON_PRIVATE_MEDIA_ROOT"],
    ]
    assert service["User"] == "sosoon"
    docs = (ROOT / "docs" / "deploy.md").read_text()
    assert f"deploy/systemd/{name}" in docs
    assert ENVIRONMENT_FILE in docs


def test_daphne_unit_runs_this_venvs_daphne_on_the_instance_port():
    argv = shlex.split(unit_service("sosoon-daphne@.service")["ExecStart"])

    program = in_checkout(argv[0])
    assert program.name == "daphne" and program.is_file() and program.stat().st_mode & 0o111
    assert argv[argv.index("--port") + 1] == "%i"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1"
    assert "--proxy-headers" in argv
    module, _, attribute = argv[-1].partition(":")
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file() and attribute == "application"


def test_qcluster_unit_runs_manage_py_qcluster_with_this_venvs_python():
    argv = shlex.split(unit_service("sosoon-qcluster.service")["ExecStart"])

    assert in_checkout(argv[0]).name == "python" and in_checkout(argv[0]).exists()
    assert argv[1:] == ["manage.py", "qcluster"]
    assert (ROOT / argv[1]).is_file()
    result = subprocess.run(
        [str(in_checkout(argv[0])), argv[1], "help", "qcluster"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    for name in UNIT_NAMES:
        text = (UNITS / name).read_text().replace(INSTALL_DIR, str(ROOT))
        (tmp_path / name.replace("@.", "@8001.")).write_text(text)
        if "@." in name:
            (tmp_path / name).write_text(text)
    instances = sorted(str(path) for path in tmp_path.iterdir() if "@." not in path.name)

    result = subprocess.run(
        ["systemd-analyze", "verify", *instances], capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert "is not executable" not in result.stderr
