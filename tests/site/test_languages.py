# ruff: noqa: RUF001 (the assertions are Bulgarian: Cyrillic letters that look Latin are meant)
"""Words written once and read in each reader's language (sosoon_site.languages): a reason
inside a reason, a counted sentence, the English a row keeps, and rows from before words."""

import json

from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_noop

from sosoon_site.languages import (
    ReadersWords,
    in_english,
    in_reader_language,
    ngettext_noop,
    readable,
)

ANSWER = ReadersWords(
    gettext_noop("%(network)s had a server error (%(status)s); Sosoon will try again."),
    {"network": "X", "status": 503},
)
GAVE_UP = ReadersWords(
    gettext_noop("Gave up after %(attempts)s attempts. Last answer: %(answer)s Retry later."),
    {"attempts": 5, "answer": ANSWER},
)


def test_a_reason_inside_a_reason_is_read_in_the_same_language(bulgarian):
    payload = json.loads(json.dumps(GAVE_UP.payload()))  # as a JSONField gives it back

    assert readable(payload) == (
        "Отказахме се след 5 опита. Последен отговор: X имаше сървърна грешка (503); Sosoon "
        "ще опита отново. Опитайте отново по-късно."
    )
    assert in_english(payload) == (
        "Gave up after 5 attempts. Last answer: X had a server error (503); Sosoon will try "
        "again. Retry later."
    )


def test_a_counted_sentence_takes_the_form_its_number_needs(bulgarian):
    forms = ngettext_noop(
        "Hidden for review after %(count)s member reported it.",
        "Hidden for review after %(count)s members reported it.",
    )

    assert str(ReadersWords.counted(forms, 1)) == (
        "Скрито за преглед, след като 1 член подаде сигнал за него."
    )
    assert in_english(ReadersWords.counted(forms, 4)) == (
        "Hidden for review after 4 members reported it."
    )


def test_a_stored_reason_reads_through_its_words_else_through_the_catalog(bulgarian):
    assert in_reader_language("anything", GAVE_UP.payload()).startswith("Отказахме се след 5")
    assert (
        in_reader_language("Cancelled: the account was disconnected.")
        == "Отменен: профилът беше изключен."
    )
    assert in_reader_language("A moderator's own words") == "A moderator's own words"
    assert in_reader_language("") == ""
    # Words the sentence no longer fits (a param gone missing) fall back to the English.
    broken = {"text": GAVE_UP.text, "params": {"attempts": 5}}
    assert in_reader_language("Gave up after 5 attempts.", broken) == "Gave up after 5 attempts."


def test_the_template_filter_reads_the_words_in_the_pages_language(bulgarian):
    template = Template("{{ reason|in_reader_language:words }}")
    context = Context({"reason": in_english(ANSWER), "words": ANSWER.payload()})

    assert template.render(context) == "X имаше сървърна грешка (503); Sosoon ще опита отново."
    with translation.override("en"):
        assert template.render(context) == "X had a server error (503); Sosoon will try again."
