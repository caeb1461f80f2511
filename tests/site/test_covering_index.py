"""The home feed's newest-first index carries the policy's post columns on every database
(sosoon_site/covering_index.py), and the silenced "INCLUDE ignored on SQLite" check stays
true: every index with INCLUDE columns is a CoveringIndex."""

import pytest
from django.apps import apps
from django.db import connection, models

from sosoon_site.covering_index import CoveringIndex

COVERED = [
    *("community_id", "author_id", "audience", "min_tier_id", "circle_id", "staged", "deleted"),
]


@pytest.mark.django_db
def test_the_newest_first_index_carries_the_policys_columns():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM pragma_index_info('feeds_post_latest') ORDER BY seqno")
            columns = [name for (name,) in cursor.fetchall()]
            assert columns == ["created", "id", *COVERED]
        else:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'feeds_post_latest'")
            (definition,) = cursor.fetchone()
            keys, _, included = definition.partition(" INCLUDE ")
            assert keys.endswith("(created DESC, id DESC)")
            assert included == f"({', '.join(COVERED)})"


def test_every_index_with_include_columns_covers_them_on_sqlite_too():
    plain = [
        f"{model._meta.label}.{index.name}"
        for model in apps.get_models()
        for index in model._meta.indexes
        if isinstance(index, models.Index)
        and index.include
        and not isinstance(index, CoveringIndex)
    ]
    assert plain == []
