"""deploy/production.env.example, read the way systemd's EnvironmentFile= reads it, and filled
in for a run on this machine: real secrets, the test's database and Redis, paths of its own."""

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from tests.launcher import BASE_DIR

EXAMPLE_ENV = BASE_DIR / "deploy" / "production.env.example"
# The host name the example's ALLOWED_HOSTS and the nginx site's server_name share.
HOST = "sosoon.example.org"
# Variables a developer's shell (or pytest's tests.settings) may export that would change the
# profile under test; the example file or filled_in() decides them instead.
INHERITED_SETTINGS = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "STATIC_ROOT"}


def read_env_file(path: Path = EXAMPLE_ENV) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile= and compose's env_file: read them."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, separator, value = line.partition("=")
        assert separator and name.strip().isidentifier(), f"not a KEY=value line: {line!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[name.strip()] = value
    return values


def filled_in(*, database_url: str, workdir: Path, **overrides: str) -> dict[str, str]:
    """The process environment of a production install on this machine.

    The example's blanks get fresh secrets; its database, Redis and paths are replaced by the
    test's own (REDIS_URL only when the run has one: otherwise the embedded layer and broker).
    Mail goes to a closed local port, so nothing can leave the machine.
    """
    example = read_env_file()
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in example and name not in INHERITED_SETTINGS and not name.startswith("SENTRY_")
    }
    environment |= example
    environment |= {
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SOSOON_FIELD_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "SOSOON_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "STATIC_ROOT": str(workdir / "static"),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "9",
    }
    environment.pop("REDIS_URL", None)
    if os.environ.get("REDIS_URL"):
        environment["REDIS_URL"] = os.environ["REDIS_URL"]
    return environment | overrides
