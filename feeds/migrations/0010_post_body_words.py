"""Posts' text indexed for search across communities (sosoon_site/text_search.py), on
PostgreSQL."""

from django.db import migrations

from sosoon_site.text_search import words_index


class Migration(migrations.Migration):
    dependencies = [("feeds", "0009_post_latest_covers_on_sqlite")]

    operations = [words_index("feeds_post", "body", "feeds_post_body_words")]
