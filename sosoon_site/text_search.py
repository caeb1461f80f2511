"""Words typed into a search box, and a text column that holds all of them.

On PostgreSQL a column matches through full-text search with prefix matching ("tast" finds
"tasting"), in the `simple` configuration: it neither stems nor drops stop words, so English
and Bulgarian are matched alike, and a GIN index on the same expression
(`to_tsvector('simple', column)`, made by the posts' and chat messages' migrations) answers
it without reading the rows that do not match. On the embedded default each word is a
case-insensitive substring test (SQLite's LIKE: ASCII letters only), which is what a small
SQLite install can afford.

Only runs of letters and digits become words, so nothing a person types reaches the query
language of either database as syntax.
"""

import re

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Expression, F
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sosoon_site.frames import is_clean_text

MIN_CHARS = 2
MAX_CHARS = 200
MAX_WORDS = 8
_WORD = re.compile(r"\w+")


def search_words(query) -> list[str]:
    """The words of `query` to look for, or ValidationError saying what to type instead."""
    if not isinstance(query, str) or not is_clean_text(query):
        raise ValidationError(_("Search for some text."))
    query = query.strip()
    if len(query) < MIN_CHARS:
        raise ValidationError(
            ngettext(
                "Search for at least %(count)d character.",
                "Search for at least %(count)d characters.",
                MIN_CHARS,
            )
            % {"count": MIN_CHARS}
        )
    if len(query) > MAX_CHARS:
        raise ValidationError(
            ngettext(
                "A search is at most %(count)d character.",
                "A search is at most %(count)d characters.",
                MAX_CHARS,
            )
            % {"count": MAX_CHARS}
        )
    words = list(dict.fromkeys(word.lower() for word in _WORD.findall(query)))
    if not words:
        raise ValidationError(_("Search for a word: letters or digits."))
    return words[:MAX_WORDS]


def _like_pattern(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class HasWords(Expression):
    """True where the text column `field` holds every one of `words` (from `search_words`):
    `queryset.filter(HasWords("body", words))`."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, words: list[str]):
        super().__init__()
        if not words:
            raise ValueError("HasWords needs at least one word")
        self.column = F(field)
        self.words = list(words)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        tests = " AND ".join(f"{column} LIKE %s ESCAPE '\\'" for _ in self.words)
        values = [value for word in self.words for value in [*params, _like_pattern(word)]]
        return f"({tests})", values

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        prefixes = " & ".join(f"{word}:*" for word in self.words)
        sql = f"(to_tsvector('simple'::regconfig, {column}) @@ to_tsquery('simple'::regconfig, %s))"
        return sql, [*params, prefixes]


def words_index(table: str, column: str, name: str):
    """A migration operation that builds the GIN index `HasWords` uses on `table.column`, on
    PostgreSQL only (the embedded default has no full-text search to index). The table is
    analysed at once: until PostgreSQL has statistics for the indexed expression it guesses
    that any word is common and walks the newest-first index through every row instead
    (seconds at a million posts for a word nobody wrote, against milliseconds after)."""
    from django.db import migrations

    def create(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            quote = schema_editor.quote_name
            schema_editor.execute(
                f"CREATE INDEX {quote(name)} ON {quote(table)} "
                f"USING gin (to_tsvector('simple'::regconfig, {quote(column)}))"
            )
            schema_editor.execute(f"ANALYZE {quote(table)}")

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(create, drop)
