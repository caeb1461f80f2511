"""A database of its own for processes that run outside the test process's database.

The live site of the browser tests and the benchmarks each migrate and seed a database they
own. It sits next to the configured one: `<name>_<suffix>` on the same PostgreSQL server when
DATABASE_URL names one (CI's second pass), otherwise a SQLite file in a directory the caller
owns. The developer's own database (var/sosoon.sqlite3, or DATABASE_URL's) is never touched.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
from psycopg import sql


@contextmanager
def scratch_database(configured_url: str, *, suffix: str, directory: Path) -> Iterator[str]:
    """Yield the DATABASE_URL of an empty database; a PostgreSQL one is dropped on exit.

    A PostgreSQL database left behind by an interrupted run is dropped and created afresh.
    """
    config = dj_database_url.parse(configured_url) if configured_url else {}
    if not config.get("ENGINE", "").endswith("postgresql"):
        yield f"sqlite:///{directory / f'{suffix}.sqlite3'}"
        return
    name = f"{config['NAME']}_{suffix}"
    server = {
        "dbname": "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(**server, autocommit=True) as maintenance:
        maintenance.execute(drop)
        maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(configured_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(**server, autocommit=True) as maintenance:
            maintenance.execute(drop)
