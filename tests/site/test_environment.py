"""Settings come from the environment, and a mistake is one clear line naming the variable."""

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from sosoon_site.environment import ConfigurationError, Environment

FERNET_KEY = Fernet.generate_key().decode()


def start(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process with exactly these settings variables."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SOSOON_FIELD_KEYS", "DATABASE_URL"}
        | {"REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ["check"])],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "sosoon.example.org",
    "SOSOON_FIELD_KEYS": FERNET_KEY,
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "SOSOON_FIELD_KEYS"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}

    result = start(env)

    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.count("\n") == 0, "one line, not a traceback"
    assert message.startswith("Sosoon cannot start:")
    assert missing in message


@pytest.mark.parametrize("length", [1, 20, 49])
def test_production_refuses_a_secret_key_shorter_than_50_characters(length):
    result = start({**PRODUCTION, "SECRET_KEY": "k" * length})

    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.count("\n") == 0, message
    assert message.startswith("Sosoon cannot start:")
    assert "SECRET_KEY" in message


def test_production_accepts_a_secret_key_of_50_characters():
    result = start({**PRODUCTION, "SECRET_KEY": "k" * 50})

    assert result.returncode == 0, result.stderr


def test_production_starts_with_the_required_variables():
    result = start(PRODUCTION)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://root@localhost/sosoon"),
        ("DATABASE_URL", "not a url at all"),
        ("REDIS_URL", "http://127.0.0.1:6379/0"),
        ("REDIS_URL", "redis://127.0.0.1:notaport/0"),
        ("SOSOON_FIELD_KEYS", "not-a-fernet-key"),
        ("DEBUG", "maybe"),
        ("SENTRY_DSN", "not a dsn"),
        ("SENTRY_TRACES_SAMPLE_RATE", "2"),
        ("SENTRY_TRACES_SAMPLE_RATE", "often"),
    ],
)
def test_malformed_variables_fail_with_one_line_naming_them(variable, value):
    result = start({**PRODUCTION, variable: value})

    assert result.returncode != 0
    message = result.stderr.strip()
    assert message.count("\n") == 0, message
    assert variable in message


def test_debug_mode_needs_nothing_set():
    result = start({"DEBUG": "1"})

    assert result.returncode == 0, result.stderr


def test_database_url_selects_postgresql():
    config = Environment({"DATABASE_URL": "postgres://sosoon@db.internal:5432/sosoon"}).database(
        settings.VAR_DIR / "unused.sqlite3", crosspost_concurrency=16
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5432, "sosoon")


def test_postgresql_connections_run_without_jit():
    """JIT compilation cost feed pages ten times their query time (docs/deploy.md)."""
    config = Environment({"DATABASE_URL": "postgres://sosoon@db.internal:5432/sosoon"}).database(
        settings.VAR_DIR / "unused.sqlite3", crosspost_concurrency=16
    )

    assert config["OPTIONS"]["options"] == "-c jit=off"


def postgres_config(**variables) -> dict:
    values = {"DATABASE_URL": "postgres://sosoon@db.internal:5432/sosoon", **variables}
    return Environment(values).database(
        settings.VAR_DIR / "unused.sqlite3", crosspost_concurrency=7
    )


def test_postgresql_connections_come_from_a_pool_not_one_per_thread():
    """Under daphne each request has a thread of its own: a connection kept per thread
    (CONN_MAX_AGE) is a PostgreSQL session per request until it ages out."""
    config = postgres_config()

    assert config["CONN_MAX_AGE"] == 0 and config["CONN_HEALTH_CHECKS"]
    assert config["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}


def test_pool_sizes_and_wait_come_from_the_environment():
    config = postgres_config(
        SOSOON_DB_POOL_MIN_SIZE="2", SOSOON_DB_POOL_MAX_SIZE="12", SOSOON_DB_POOL_TIMEOUT="3"
    )

    assert config["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 12, "timeout": 3}


def test_a_pool_smaller_than_a_workers_publishing_threads_is_refused():
    with pytest.raises(
        ConfigurationError, match="SOSOON_DB_POOL_MAX_SIZE \\(6\\) must be at least"
    ):
        postgres_config(SOSOON_DB_POOL_MAX_SIZE="6")


def test_a_pool_whose_minimum_exceeds_its_maximum_is_refused():
    with pytest.raises(ConfigurationError, match="SOSOON_DB_POOL_MIN_SIZE"):
        postgres_config(SOSOON_DB_POOL_MIN_SIZE="9", SOSOON_DB_POOL_MAX_SIZE="8")


def test_embedded_default_is_sqlite_in_wal_mode(tmp_path):
    config = Environment({}).database(tmp_path / "db.sqlite3", crosspost_concurrency=16)

    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_field_keys_keep_their_order_so_the_first_one_encrypts():
    older = Fernet.generate_key().decode()

    keys = Environment({"SOSOON_FIELD_KEYS": f"{FERNET_KEY}, {older}"}).fernet_keys()

    assert keys == [FERNET_KEY, older]


@pytest.mark.parametrize("raw", ["-3", "three"])
def test_integers_are_checked(raw):
    with pytest.raises(ConfigurationError, match="SOSOON_Q_WORKERS"):
        Environment({"SOSOON_Q_WORKERS": raw}).integer("SOSOON_Q_WORKERS", 2, minimum=1)


def test_redis_url_switches_layer_cache_and_broker():
    """Run in a fresh process: the layer, the cache and q2's broker all follow REDIS_URL."""
    code = (
        "from django.conf import settings as s; "
        "print(s.CHANNEL_LAYERS['default']['BACKEND'], s.CACHES['default']['BACKEND'], "
        "s.Q_CLUSTER.get('redis'), s.Q_CLUSTER.get('orm'))"
    )
    with_redis = start(
        {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/3"}, "shell", "-v", "0", "-c", code
    )
    without = start({"DEBUG": "1"}, "shell", "-v", "0", "-c", code)

    assert with_redis.stdout.split() == [
        "channels_redis.core.RedisChannelLayer",
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
        "None",
    ]
    assert without.stdout.split() == [
        "channels.layers.InMemoryChannelLayer",
        "django.core.cache.backends.locmem.LocMemCache",
        "None",
        "default",
    ]


def test_q2_retries_only_after_a_task_could_have_timed_out():
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    assert settings.Q_CLUSTER["catch_up"] is False
