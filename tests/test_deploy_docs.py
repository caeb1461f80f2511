"""The production documentation cannot silently drift from the code.

docs/deploy.md must name every environment variable settings.py reads; the example environment
file (deploy/production.env.example) may only set variables settings.py reads (a misspelt name
would be ignored without a word); the Dockerfile must copy every project package; and the
example environment, filled in with real secrets and this machine's PostgreSQL and Redis, must
pass `manage.py check --deploy` without a single warning.

Variable names are found by reading the source (ast), not by importing settings: importing
shows only the values of one environment, while the source shows every name in every branch
(DEBUG on and off).
"""

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from tests.deploy.environment_file import EXAMPLE_ENV, read_env_file

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SOURCE = ROOT / "sosoon_site" / "settings.py"
ENVIRONMENT_SOURCE = ROOT / "sosoon_site" / "environment.py"
DEPLOY_DOC = ROOT / "docs" / "deploy.md"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"

REQUIRED_IN_PRODUCTION = {"SECRET_KEY", "ALLOWED_HOSTS", "SOSOON_FIELD_KEYS"}


def environment_readers() -> tuple[set[str], dict[str, set[str]]]:
    """How each `Environment` method finds its variable, read from environment.py.

    Methods whose first parameter is `name` (text, flag, integer, listing, required) read the
    variable their caller names. The others (database, redis_url, fernet_keys) read fixed
    variables through those, e.g. `self.text("DATABASE_URL")`, or through each other
    (`database` calls `database_pool`); deriving these here means a renamed variable in
    environment.py cannot slip past the documentation check.
    """
    tree = ast.parse(ENVIRONMENT_SOURCE.read_text())
    environment = next(
        node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Environment"
    )
    methods = [node for node in environment.body if isinstance(node, ast.FunctionDef)]
    named = {
        method.name
        for method in methods
        if len(method.args.args) > 1 and method.args.args[1].arg == "name"
    }
    fixed = {}
    for method in methods:
        if method.name in named or method.name.startswith("_"):
            continue
        fixed[method.name] = {
            call.args[0].value
            for call in ast.walk(method)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "self"
            and call.func.attr in named
            and call.args
            and isinstance(call.args[0], ast.Constant)
        }
    # A method that calls another of these (database -> database_pool) reads its variables too.
    calls = {
        method.name: {
            call.func.attr
            for call in ast.walk(method)
            if isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "self"
            and call.func.attr in fixed
        }
        for method in methods
        if method.name in fixed
    }
    changed = True
    while changed:
        changed = False
        for name, callees in calls.items():
            for callee in callees:
                if not fixed[callee] <= fixed[name]:
                    fixed[name] |= fixed[callee]
                    changed = True
    return named, fixed


def variables_settings_reads() -> set[str]:
    """Every variable name settings.py reads through `env.<method>(...)`."""
    named, fixed = environment_readers()
    names = set()
    for call in ast.walk(ast.parse(SETTINGS_SOURCE.read_text())):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "env"
        ):
            continue
        method = call.func.attr
        if method in named:
            first = call.args[0]
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                f"settings.py line {call.lineno}: env.{method}() needs the variable name as a "
                "string literal, so this test can check the docs name it"
            )
            names.add(first.value)
        elif method in fixed:
            names |= fixed[method]
        else:
            pytest.fail(f"settings.py line {call.lineno}: unknown reader env.{method}()")
    return names


def test_settings_reader_finds_the_fixed_variables():
    """Guards the two tests below against passing because the parser found nothing, or
    missed what one reader method reads through another (the pool sizes)."""
    names = variables_settings_reads()
    fixed = {"DEBUG", "DATABASE_URL", "REDIS_URL", "SOSOON_DB_POOL_MAX_SIZE"}
    assert fixed | REQUIRED_IN_PRODUCTION <= names


def test_deploy_doc_names_every_variable_settings_reads():
    doc = DEPLOY_DOC.read_text()
    missing = sorted(
        name
        for name in variables_settings_reads()
        if not re.search(rf"(?<![A-Z0-9_]){name}(?![A-Z0-9_])", doc)
    )
    assert not missing, f"docs/deploy.md does not mention {', '.join(missing)}"


def test_example_env_sets_only_variables_settings_reads():
    example = read_env_file(EXAMPLE_ENV)
    unknown = sorted(set(example) - variables_settings_reads())
    assert not unknown, f"settings.py never reads {', '.join(unknown)}"
    assert set(example) >= REQUIRED_IN_PRODUCTION
    assert example["DEBUG"] == "0"


def test_dockerfile_copies_every_project_package():
    """The Dockerfile lists what it copies (so .venv and var/ stay out); a new app must be
    added there, or the image would fail to import it."""
    copied = {
        part.strip("./")
        for line in DOCKERFILE.read_text().splitlines()
        if line.startswith("COPY ") and "--from" not in line
        for part in line.split()[1:-1]
    }
    packages = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
    }
    needed = packages | {"manage.py", "templates", "static", "requirements.lock"}
    assert needed <= copied, f"deploy/Dockerfile does not copy {sorted(needed - copied)}"


@pytest.mark.postgres
@pytest.mark.redis
def test_example_env_passes_check_deploy():
    """The example, with real secrets and this machine's services, gives no deploy warnings.

    Variables settings.py reads are dropped from the inherited environment first, so the
    result depends on the example file, not on whatever the developer's shell exports.
    """
    read_by_settings = variables_settings_reads()
    environment = {
        name: value for name, value in os.environ.items() if name not in read_by_settings
    }
    environment |= read_env_file(EXAMPLE_ENV)
    environment |= {
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SOSOON_FIELD_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "REDIS_URL": settings.REDIS_URL,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper(), output
    assert "System check identified no issues" in output, output
