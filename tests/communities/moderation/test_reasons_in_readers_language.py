# ruff: noqa: RUF001 (the assertions are Bulgarian: Cyrillic letters that look Latin are meant)
"""Why auto-moderation hid or held something, as each reader reads it.

The reason is stored in English (for the admin, the logs and search) with its words beside;
the queue and its log put the words in the reader's language, with the count filled in. The
author of a held post is told at once, in their own language. Bulgarian is active while the
content is reported or posted, so the stored English cannot be an accident of the request's
language. One moderator reads Bulgarian (their profile's choice), the other English.
"""

from html import unescape

import pytest
from django.urls import reverse

from communities.models import AutoModeration, ModerationAction, Report, WithheldContent
from communities.moderation.services.reports import check_file_report
from feeds.models import Post
from tests.factories import add_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("bulgarian")]

QUEUE = reverse("communities:moderation", kwargs={"slug": "wine"})
HELD = "Held for review: it matched the community's filter."
HELD_BG = "Задържано за преглед: съвпадна с филтъра на общността."


@pytest.fixture
def readers(moderator, owner):
    """The moderator reads Sosoon in Bulgarian, the owner in English."""
    moderator.language, owner.language = "bg", "en"
    moderator.save(update_fields=["language"])
    owner.save(update_fields=["language"])
    return moderator, owner


def queue(client, person) -> str:
    client.force_login(person)
    return unescape(client.get(QUEUE).text)


def reported_by(community, note, count: int) -> None:
    for _ in range(count):
        reporter = add_member(community).user
        check_file_report(reporter, label="note", target_id=note.pk, reason="spam")


@pytest.mark.parametrize(
    ("reporters", "english", "bulgarian"),
    [
        (
            1,
            "Hidden for review after 1 member reported it.",
            "Скрито за преглед, след като 1 член подаде сигнал за него.",
        ),
        (
            3,
            "Hidden for review after 3 members reported it.",
            "Скрито за преглед, след като 3 членове подадоха сигнал за него.",
        ),
    ],
)
def test_an_auto_hidden_note_says_why_in_each_readers_language(
    readers, client, community, note, reporters, english, bulgarian
):
    moderator, owner = readers
    AutoModeration.objects.create(community=community, auto_hide_reports=reporters)
    reported_by(community, note, reporters)

    assert WithheldContent.objects.get(target_id=note.pk).reason == english
    assert ModerationAction.objects.get().reason == english
    assert Report.objects.count() == reporters
    assert bulgarian in queue(client, moderator)
    seen = queue(client, owner)
    assert english in seen and bulgarian not in seen


def test_a_held_post_says_why_to_its_author_and_to_each_moderator(
    readers, client, community, author
):
    moderator, owner = readers
    AutoModeration.objects.create(community=community, blocked_words="casino", filter_action="hold")
    author.language = "bg"
    author.save(update_fields=["language"])
    client.force_login(author)

    told = unescape(
        client.post(
            reverse("feeds:compose", kwargs={"slug": "wine"}),
            {"body": "Casino night", "audience": "community"},
            follow=True,
        ).text
    )

    assert HELD_BG in told and HELD not in told
    post = Post.objects.get()
    assert WithheldContent.objects.get(target_id=post.pk).reason == HELD
    assert ModerationAction.objects.get().reason == HELD
    assert HELD_BG in queue(client, moderator)
    seen = queue(client, owner)
    assert HELD in seen and HELD_BG not in seen


def test_a_moderators_own_reason_stays_as_they_wrote_it(readers, client, note):
    moderator, _owner = readers
    client.force_login(moderator)
    client.post(
        "/c/wine/moderation/act/",
        {"label": "note", "target_id": note.pk, "action": "hide", "reason": "Selling watches"},
    )

    assert "Selling watches" in queue(client, moderator)
