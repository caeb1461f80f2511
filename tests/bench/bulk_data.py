"""The benchmarks' large dataset, kept between runs: seeding a million posts takes minutes,
and the benchmarks that read it (pages, memory, capacity) change nothing they measure.

On PostgreSQL it is the database `<DATABASE_URL's name>_b` on the same server; on the embedded
default a SQLite file in var/bench/. A table of its own (`bench_dataset`) records what was
seeded (posts, and a fingerprint of the code that seeded it); a database that does not match
the run's size and code is dropped and seeded again, so `--posts=N` always measures N posts
and a branch's new migrations or seeding never meet data made without them.

seed_bulk's people and communities (2,000 members in 50 communities, five each), POSTS posts
over a year with comments and reactions; READERS get a password and a verified address, as
people who signed up through the site have. Sessions for the simulated members of the
capacity benchmark are made by `sessions_for` (Django's own session store and auth hash).
"""

import hashlib
import random
import sqlite3
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent.parent
MEMBERS = 2_000
READERS = [f"bulk_{n}" for n in range(7, 7 + 32)]
PASSWORD = "bench-reader-password"
SQLITE_DIRECTORY = BASE_DIR / "var" / "bench"
MARKER = "bench_dataset"


def fingerprint(*also: Path, size: str = "") -> str:
    """What the kept data was made by: this module, feeds/bulk_seed.py and every migration
    (and the modules `also` and the `size` of a dataset of another shape). A change to any of
    them (a new denormalised column the seeder fills, say) seeds anew."""
    digest = hashlib.sha256(size.encode())
    sources = [Path(__file__), BASE_DIR / "feeds" / "bulk_seed.py", *also]
    sources += sorted(BASE_DIR.glob("*/migrations/*.py")) + sorted(
        BASE_DIR.glob("*/*/migrations/*.py")
    )
    for source in sources:
        digest.update(str(source.relative_to(BASE_DIR)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def database_url(configured_url: str, *, posts: int) -> str:
    """Where the dataset of `posts` posts lives for this configuration (see module doc)."""
    config = dj_database_url.parse(configured_url) if configured_url else {}
    if not config.get("ENGINE", "").endswith("postgresql"):
        SQLITE_DIRECTORY.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{SQLITE_DIRECTORY / f'bulk-{posts}.sqlite3'}"
    return urlsplit(configured_url)._replace(path=f"/{config['NAME']}_b").geturl()


def is_seeded(url: str, *, posts: int, made_by: str | None = None) -> bool:
    """Whether the database at `url` holds `posts` posts seeded by this code (`made_by`, by
    default fingerprint()); a PostgreSQL database that does not is dropped and created empty,
    a SQLite file removed."""
    wanted = (posts, made_by or fingerprint())
    if url.startswith("sqlite:"):
        path = Path(urlsplit(url).path)
        if path.exists():
            with sqlite3.connect(path) as database:
                if marker_row(database.cursor()) == wanted:
                    return True
            path.unlink()
        return False
    name = urlsplit(url).path.lstrip("/")
    server = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as maintenance:
        exists = maintenance.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            with psycopg.connect(url) as database:
                if marker_row(database.cursor()) == wanted:
                    return True
            maintenance.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return False


def marker_row(cursor) -> tuple[int, str] | None:
    try:
        cursor.execute(f"SELECT posts, fingerprint FROM {MARKER}")
    except (sqlite3.OperationalError, psycopg.ProgrammingError):
        return None
    row = cursor.fetchone()
    return tuple(row) if row else None


def seed(posts: int, rng_seed: int = 4) -> None:
    """Seed the (migrated, empty) database Django is set up on, then record what it holds.
    Production's password hasher for the readers, not the test profile's fast one."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from feeds.bulk_seed import seed_people, seed_posts
    from sosoon_site.accounts.models import User

    rng = random.Random(rng_seed)
    world = seed_people(members=MEMBERS, communities=50, per_member=5, rng=rng)
    seed_posts(
        world,
        posts=posts,
        days=365,
        comments_per_post=0.5,
        reactions_per_post=1.5,
        rng=rng,
        progress=lambda done: print(f"  {done:,} posts", file=sys.stderr),
    )
    hasher = PBKDF2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    for reader in User.objects.filter(handle__in=READERS):
        # One hash for all: a million-iteration hash per reader would only slow seeding.
        reader.password = encoded
        reader.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=reader, email=reader.email, defaults={"verified": True, "primary": True}
        )
    mark_seeded(posts, fingerprint())


def mark_seeded(posts: int, made_by: str) -> None:
    """Refresh the planner's statistics, then record what the database holds (is_seeded)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Statistics and the visibility map autovacuum would have built by now on a real
            # site (tests/bench/bench_feed.py's analyze() says why).
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
        cursor.execute(f"CREATE TABLE {MARKER} (posts bigint, fingerprint text)")
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s, %s)", [posts, made_by])


def reader_emails(count: int) -> list[str]:
    """The first `count` readers' addresses (they sign in through the login form)."""
    from sosoon_site.accounts.models import User

    if count > len(READERS):
        raise ValueError(f"at most {len(READERS)} readers have a password")
    return list(
        User.objects.filter(handle__in=READERS[:count])
        .order_by("pk")
        .values_list("email", flat=True)
    )


def sessions_for(count: int, *, secret_key: str) -> list[tuple[int, str]]:
    """Session keys for `count` bulk members (a member beyond the 2,000 people is one of them
    on a second device), made the way django.contrib.auth.login() makes them, signed with the
    serving daphne's `secret_key`: (user id, session key) each.

    Signing in thousands through the form would measure PBKDF2's million iterations, not the
    site; the benchmarks' page figures use readers who did sign in through the form."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import override_settings

    from sosoon_site.accounts.models import User

    people = list(User.objects.filter(handle__startswith="bulk_").order_by("pk")[:MEMBERS])
    made = []
    with override_settings(SECRET_KEY=secret_key):
        for number in range(count):
            user = people[number % len(people)]
            session = SessionStore()
            session["_auth_user_id"] = str(user.pk)
            session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            session["_auth_user_hash"] = user.get_session_auth_hash()
            session.create()
            made.append((user.pk, session.session_key))
    return made
