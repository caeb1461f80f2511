"""Turn environment variables into settings values, failing early with one clear line.

Only `sosoon_site/settings.py` reads the environment; it hands the mapping to `Environment`,
which knows how each variable is spelled and what a malformed value looks like. Every problem
raises `ConfigurationError` naming the variable, and `manage.py` and `asgi.py` print that one
line instead of a traceback.
"""

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from cryptography.fernet import Fernet


class ConfigurationError(Exception):
    """A setting is missing or malformed; the message names the variable and the fix."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
REDIS_SCHEMES = {"redis", "rediss", "unix"}


class Environment:
    """Typed, validated access to a mapping of environment variables."""

    def __init__(self, values: Mapping[str, str]):
        self.values = values

    def text(self, name: str, default: str = "") -> str:
        return self.values.get(name, default).strip()

    def flag(self, name: str, *, default: bool) -> bool:
        raw = self.values.get(name)
        if raw is None:
            return default
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ConfigurationError(f"{name} must be 1 or 0 (true/false), not {raw!r}.")

    def integer(self, name: str, default: int, *, minimum: int = 0) -> int:
        raw = self.text(name)
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigurationError(f"{name} must be a whole number, not {raw!r}.") from None
        if value < minimum:
            raise ConfigurationError(f"{name} must be at least {minimum}, not {value}.")
        return value

    def fraction(self, name: str, default: float) -> float:
        """A number from 0 to 1, such as a sampling rate."""
        raw = self.text(name)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise ConfigurationError(f"{name} must be a number from 0 to 1, not {raw!r}.") from None
        if not 0 <= value <= 1:
            raise ConfigurationError(f"{name} must be a number from 0 to 1, not {value}.")
        return value

    def listing(self, name: str) -> list[str]:
        return [item.strip() for item in self.text(name).split(",") if item.strip()]

    def required(self, name: str, value, *, why: str):
        """`value`, or a ConfigurationError saying that production needs `name`."""
        if not value:
            raise ConfigurationError(f"{name} is not set; {why}.")
        return value

    def database(self, default_path: Path, *, crosspost_concurrency: int) -> dict:
        """DATABASES["default"] from DATABASE_URL, or SQLite (WAL) under var/.

        On PostgreSQL each process gets a pool of connections (psycopg-pool). Under daphne
        every request runs in a thread of its own, so a connection kept per thread
        (CONN_MAX_AGE) is one more PostgreSQL session per request until it ages out; with the
        pool a request borrows a connection and gives it back when it ends, and a process
        never holds more than the pool's maximum. A q2 worker publishing cross-posts holds
        one connection per publishing thread (`crosspost_concurrency`) plus its own, so the
        maximum may not be smaller than that, or the threads would queue for connections."""
        url = self.text("DATABASE_URL")
        if not url:
            return sqlite_database(default_path)
        try:
            config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
        except (ValueError, KeyError) as error:
            raise ConfigurationError(
                f"DATABASE_URL is not a database URL ({error}); "
                "expected postgres://user@host:5432/name or sqlite:///path/to/db.sqlite3."
            ) from None
        engine = config.get("ENGINE", "")
        if engine.endswith("sqlite3"):
            return sqlite_database(Path(config["NAME"]))
        if not engine.endswith("postgresql") or not config.get("NAME"):
            raise ConfigurationError(
                "DATABASE_URL must name a PostgreSQL database (postgres://user@host:5432/name) "
                f"or a SQLite file; got {url!r}."
            )
        options = config.setdefault("OPTIONS", {})
        # PostgreSQL's JIT compiler off for this app's connections: the planner prices the
        # audience policy per candidate row, so a feed query reading a few hundred rows
        # (Top's window) crosses jit_above_cost and then spends ~40 ms compiling a query that
        # runs in ~4 ms (EXPLAIN ANALYZE at 1M posts). JIT pays off for long analytical scans,
        # which a web app's page queries never are.
        options["options"] = "-c jit=off"
        # Parameters bound on the server, and a query run five times on one connection kept
        # as a prepared statement: the feed's policy queries cost PostgreSQL more to plan
        # than to run (1 ms planning against 0.5 ms running at 1M posts), and the pool keeps
        # connections, and so their statements, from one request to the next. (Django turns
        # this off by default for transaction-mode poolers, which Sosoon does not use.)
        options["server_side_binding"] = True
        options["prepare_threshold"] = 5
        options["pool"] = self.database_pool(crosspost_concurrency=crosspost_concurrency)
        return config

    def database_pool(self, *, crosspost_concurrency: int) -> dict:
        """psycopg-pool's sizes and wait from SOSOON_DB_POOL_*; see `database`."""
        needed = crosspost_concurrency + 1
        max_size = self.integer("SOSOON_DB_POOL_MAX_SIZE", needed, minimum=1)
        if max_size < needed:
            raise ConfigurationError(
                f"SOSOON_DB_POOL_MAX_SIZE ({max_size}) must be at least "
                f"SOSOON_CROSSPOST_CONCURRENCY + 1 ({needed}): each cross-post a worker "
                "publishes holds a database connection; lower SOSOON_CROSSPOST_CONCURRENCY "
                "or raise the pool."
            )
        min_size = self.integer("SOSOON_DB_POOL_MIN_SIZE", 1, minimum=0)
        if min_size > max_size:
            raise ConfigurationError(
                f"SOSOON_DB_POOL_MIN_SIZE ({min_size}) must not exceed "
                f"SOSOON_DB_POOL_MAX_SIZE ({max_size})."
            )
        # A request that finds every connection busy waits this long, then fails with
        # psycopg_pool.PoolTimeout naming the pool, rather than hanging its client forever.
        timeout = self.integer("SOSOON_DB_POOL_TIMEOUT", 10, minimum=1)
        return {"min_size": min_size, "max_size": max_size, "timeout": timeout}

    def redis_url(self) -> str:
        """REDIS_URL, checked for shape; empty when unset (the embedded default)."""
        url = self.text("REDIS_URL")
        if not url:
            return ""
        parts = urlsplit(url)
        if parts.scheme not in REDIS_SCHEMES or not (parts.hostname or parts.path):
            raise ConfigurationError(
                f"REDIS_URL is not a Redis URL: {url!r}; expected redis://host:6379/0."
            )
        try:
            parts.port  # noqa: B018 - urlsplit validates the port lazily
        except ValueError:
            raise ConfigurationError(f"REDIS_URL has a malformed port: {url!r}.") from None
        return url

    def fernet_keys(self) -> list[str]:
        """SOSOON_FIELD_KEYS: comma-separated Fernet keys, the first one encrypts."""
        keys = self.listing("SOSOON_FIELD_KEYS")
        for position, key in enumerate(keys, start=1):
            try:
                Fernet(key)
            except (ValueError, TypeError):
                raise ConfigurationError(
                    f"SOSOON_FIELD_KEYS key #{position} is not a Fernet key; generate one with "
                    "python -c 'from cryptography.fernet import Fernet; "
                    "print(Fernet.generate_key().decode())'."
                ) from None
        return keys


def sqlite_database(path: Path) -> dict:
    """SQLite in WAL mode with immediate write transactions, so the web process and the q2
    cluster can share one file without 'database is locked' errors under normal load."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
