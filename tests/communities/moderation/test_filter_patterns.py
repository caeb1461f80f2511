"""Owner-supplied filter patterns run on RE2: no pattern can hold a process, patterns RE2
cannot run are refused with a reason, and the rest mean what they meant under Python's re."""

import re
import time

import pytest
from django.urls import reverse

from communities.chat import services as chat
from communities.models import AutoModeration, ChatRoom, WithheldContent
from communities.moderation.services.automod import screen_content
from communities.moderation.services.filter_patterns import pattern_matches
from feeds.models import Post

pytestmark = pytest.mark.django_db

# Each of these backtracks exponentially under Python's re on the texts below.
CATASTROPHIC = [
    "((a+))+$",
    "(a|a)+$",
    "(a|aa)+$",
    "((a)+)+$",
    "(?:(?:a)+)+$",
    r"\w*\w*\w*\w*!",
]


def save_settings(client, community, **fields):
    data = {
        "blocked_words": "",
        "patterns": "",
        "filter_action": "hold",
        "new_member_holds": 0,
        "auto_hide_reports": 3,
        **fields,
    }
    return client.post(reverse("communities:automod", kwargs={"slug": community.slug}), data)


def test_patterns_that_backtrack_on_re_are_saved_and_checked_in_milliseconds(
    client, community, owner, author
):
    client.force_login(owner)
    response = save_settings(client, community, patterns="\n".join(CATASTROPHIC))
    assert response.status_code == 302
    assert AutoModeration.objects.get(community=community).pattern_list() == CATASTROPHIC

    client.force_login(author)
    general = ChatRoom.objects.get(community=community, name="general")
    started = time.perf_counter()
    posted = client.post(
        reverse("feeds:compose", kwargs={"slug": community.slug}),
        {"body": "a" * 28 + "!", "audience": "community"},
    )
    message = chat.check_send_message(author, general.pk, "a" * 26 + "#")
    elapsed = time.perf_counter() - started

    assert elapsed < 0.5, f"posting and chatting took {elapsed:.2f} s"
    assert posted.status_code == 302
    # `\w*\w*\w*\w*!` matches the post, so it waits for review; the message matches nothing.
    held = WithheldContent.objects.values_list("target_label", "target_id")
    assert list(held) == [("post", Post.objects.get(author=author).pk)]
    assert message.pk


def test_a_pattern_with_a_backreference_is_refused_with_a_reason_and_nothing_is_saved(
    client, community, owner
):
    client.force_login(owner)
    response = save_settings(client, community, blocked_words="casino", patterns=r"(\w)\1{5}")
    assert response.status_code == 200
    assert "uses a backreference" in response.text
    assert not AutoModeration.objects.filter(community=community).exists()


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"buy(?=\s*now)", "lookahead or lookbehind"),
        (r"(?<!free )money", "lookahead or lookbehind"),
        (r"(?P<x>a)(?P=x)", "backreference"),
        (r"\bcasino\b", "list whole words under Blocked words"),
        (r"[\W_]", "write it outside the brackets"),
        ("buy (cheap", "not a valid pattern"),
        ("x" * 201, "longer than"),
    ],
)
def test_patterns_re2_cannot_run_are_form_errors(client, community, owner, pattern, reason):
    client.force_login(owner)
    response = save_settings(client, community, patterns=pattern)
    assert response.status_code == 200
    assert reason in response.text
    assert not AutoModeration.objects.filter(community=community).exists()


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"bit\.ly/\w+", "see BIT.LY/abc"),
        (r"спам\w*", "Това е СПАМЕРСКО"),  # noqa: RUF001 (Bulgarian on purpose)
        (r"\w+@\w+", "пиши на иван@поща"),
        (r"[\w.-]+\.ru", "мой-сайт.ru"),
        (r"\d{3}", "٣٤٥"),
        (r"a\sb", "a\u00a0b"),
        (r"a\Sb", "a\u00a0b"),
        (r"\Wx", "жx"),
        (r"\u0416", "ж"),
        (r"[^\d]z", "9z"),
        (r"[]x]", "]"),
        (r"end\Z", "the end"),
        (r"end\Z", "the ending"),
        (r"(?s)a.b", "a\nb"),
        (r"a.b", "a\nb"),
        (r"^casino", "Casino night"),
        (r"^casino", "a casino night"),
    ],
)
def test_a_pattern_means_what_it_meant_under_re(pattern, text):
    assert pattern_matches(pattern, text) == bool(re.search(pattern, text, re.IGNORECASE))


def test_a_stored_pattern_re2_refuses_is_skipped_and_named_on_the_settings_page(
    client, community, owner, author
):
    AutoModeration.objects.create(
        community=community, patterns=r"(\w)\1{5}" + "\ncasino", filter_action="block"
    )
    assert screen_content(author, community, "Casino tonight").blocked
    assert screen_content(author, community, "zzzzzzz").allowed

    client.force_login(owner)
    page = client.get(reverse("communities:automod", kwargs={"slug": community.slug}))
    assert "Pattern 1 ((\\w)\\1{5}) is not in force: it uses a backreference" in page.text
