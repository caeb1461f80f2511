"""Chat messages' text indexed for search across communities (sosoon_site/text_search.py),
on PostgreSQL."""

from django.db import migrations

from sosoon_site.text_search import words_index


class Migration(migrations.Migration):
    dependencies = [("communities", "0008_chat_sequence")]

    operations = [
        words_index("communities_chatmessage", "body", "communities_chatmessage_body_words")
    ]
