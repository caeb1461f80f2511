"""An index that covers the same reads on every database Sosoon runs on.

PostgreSQL stores an index's `include` columns in its leaves; SQLite has no INCLUDE, and
Django then silently creates the index without them, so a walk that reads those columns
visits the table for every entry it passes. The home feed walks the newest posts of every
community to find the viewer's (ten posts passed for each one kept, for a member of five
communities in fifty), and on SQLite those table visits were most of its time. There the
columns become trailing keys instead: they follow the ordering keys, so the order the index
gives is unchanged, and the walk reads every column the audience policy needs from the
index alone.
"""

from django.db import models


class CoveringIndex(models.Index):
    """`models.Index` whose `include` columns are trailing keys where INCLUDE is missing."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if self.include and not schema_editor.connection.features.supports_covering_indexes:
            keyed = models.Index(
                fields=[*self.fields, *self.include],
                name=self.name,
                db_tablespace=self.db_tablespace,
                condition=self.condition,
            )
            return keyed.create_sql(model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
