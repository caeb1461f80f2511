"""feeds_post_latest becomes a CoveringIndex (sosoon_site/covering_index.py): on SQLite it is
built again with its INCLUDE columns as trailing keys; PostgreSQL's index, which already
had them, is left as it is."""

from django.db import migrations, models

from sosoon_site.covering_index import CoveringIndex

INCLUDE = ("community", "author", "audience", "min_tier", "circle", "deleted")
BEFORE = models.Index(fields=["-created", "-id"], include=INCLUDE, name="feeds_post_latest")
AFTER = CoveringIndex(fields=["-created", "-id"], include=INCLUDE, name="feeds_post_latest")


def rebuild(old, new):
    def operation(apps, schema_editor):
        if schema_editor.connection.features.supports_covering_indexes:
            return
        post = apps.get_model("feeds", "Post")
        schema_editor.remove_index(post, old)
        schema_editor.add_index(post, new)

    return operation


class Migration(migrations.Migration):
    dependencies = [("feeds", "0008_posting_slots_account_groups")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="post", name="feeds_post_latest"),
                migrations.AddIndex(model_name="post", index=AFTER),
            ],
            database_operations=[
                migrations.RunPython(rebuild(BEFORE, AFTER), rebuild(AFTER, BEFORE))
            ],
        )
    ]
