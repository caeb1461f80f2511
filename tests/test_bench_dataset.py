"""The benchmarks' kept dataset (tests/bench/bulk_data.py) is reused only when it holds the
size asked for and was seeded by the code of this checkout; otherwise it is seeded anew."""

import sqlite3
from pathlib import Path

from tests.bench.bulk_data import MARKER, fingerprint, is_seeded


def kept(path, *, posts: int, made_by: str) -> str:
    with sqlite3.connect(path) as database:
        database.execute(f"CREATE TABLE {MARKER} (posts bigint, fingerprint text)")
        database.execute(f"INSERT INTO {MARKER} VALUES (?, ?)", (posts, made_by))
    return f"sqlite:///{path}"


def test_a_dataset_of_the_size_asked_for_seeded_by_this_code_is_reused(tmp_path):
    url = kept(tmp_path / "bulk.sqlite3", posts=50_000, made_by=fingerprint())

    assert is_seeded(url, posts=50_000)
    assert (tmp_path / "bulk.sqlite3").exists()


def test_a_dataset_of_another_size_is_removed_to_be_seeded_again(tmp_path):
    url = kept(tmp_path / "bulk.sqlite3", posts=50_000, made_by=fingerprint())

    assert not is_seeded(url, posts=1_000_000)
    assert not (tmp_path / "bulk.sqlite3").exists()


def test_a_dataset_seeded_by_other_code_is_removed_to_be_seeded_again(tmp_path):
    url = kept(tmp_path / "bulk.sqlite3", posts=50_000, made_by="before-a-migration")

    assert not is_seeded(url, posts=50_000)
    assert not (tmp_path / "bulk.sqlite3").exists()


def test_an_interrupted_seeding_without_its_marker_is_not_reused(tmp_path):
    sqlite3.connect(tmp_path / "bulk.sqlite3").close()

    assert not is_seeded(f"sqlite:///{tmp_path / 'bulk.sqlite3'}", posts=50_000)


def test_a_dataset_of_another_shape_is_known_by_its_own_fingerprint(tmp_path):
    """bench_insights keeps one community of its own: its members count and module are part
    of what made it, so the bulk dataset's fingerprint does not open it, nor another size."""
    insights = fingerprint(Path(__file__), size="insights 5000 members")
    url = kept(tmp_path / "insights.sqlite3", posts=50_000, made_by=insights)

    assert insights != fingerprint()
    assert insights != fingerprint(Path(__file__), size="insights 300 members")
    assert is_seeded(url, posts=50_000, made_by=insights)
    assert not is_seeded(url, posts=50_000)
