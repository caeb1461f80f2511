"""deploy/docker-compose.yml gives every Sosoon container the same two media directories.

Docker cannot run here, so the file is read as compose reads it (YAML with merge keys), with
PyYAML when this venv has it, else with the system Python's (Debian's python3-yaml); without
either, the test is skipped.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMPOSE = ROOT / "deploy" / "docker-compose.yml"
SYSTEM_PYTHON = "/usr/bin/python3"
TO_JSON = "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"


def load_compose() -> dict:
    try:
        import yaml
    except ImportError:
        pass
    else:
        return yaml.safe_load(COMPOSE.read_text())
    if shutil.which(SYSTEM_PYTHON):
        result = subprocess.run(
            [SYSTEM_PYTHON, "-c", TO_JSON],
            input=COMPOSE.read_text(),
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode == 0:
            return json.loads(result.stdout)
    pytest.skip("no YAML parser: PyYAML is in neither this venv nor the system Python")


def sosoon_services(compose: dict) -> dict[str, dict]:
    """The services that run the Sosoon image (not PostgreSQL or Redis)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("image") == "sosoon:latest"
    }


def test_web_processes_and_the_worker_share_media_and_private_media():
    compose = load_compose()
    services = sosoon_services(compose)

    assert {"web-1", "web-2", "worker", "migrate"} <= set(services)
    for name, service in services.items():
        environment = service["environment"]
        mounts = {volume.split(":")[-1]: volume.split(":")[0] for volume in service["volumes"]}
        assert mounts.get(environment["MEDIA_ROOT"]), f"{name} has no MEDIA_ROOT volume"
        private = environment["SOSOON_PRIVATE_MEDIA_ROOT"]
        assert mounts.get(private), f"{name} has no SOSOON_PRIVATE_MEDIA_ROOT volume"
        assert private != environment["MEDIA_ROOT"]
    sources = {tuple(sorted(service["volumes"])) for service in services.values()}
    assert len(sources) == 1, "every Sosoon container mounts the same host directories"


def test_the_image_creates_and_owns_the_directories_compose_mounts():
    """A named volume takes its owner from the image's directory: uid 10001, the image's user."""
    web = sosoon_services(load_compose())["web-1"]
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    created = dockerfile.split("mkdir -p", 1)[1].split("\\")[0].split()
    owned = dockerfile.split("chown sosoon:sosoon", 1)[1].splitlines()[0].split()

    assert web["build"]["dockerfile"] == "deploy/Dockerfile"
    assert "--uid 10001" in dockerfile
    for variable in ("MEDIA_ROOT", "SOSOON_PRIVATE_MEDIA_ROOT"):
        path = web["environment"][variable]
        assert f"{variable}={path}" in dockerfile
        assert path in created and path in owned
