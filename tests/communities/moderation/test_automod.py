"""Auto-moderation: the word and pattern filter, new-member slow mode, pattern checks
(what patterns RE2 runs and refuses: test_filter_patterns.py)."""

import pytest
from django.core.exceptions import ValidationError

from communities.models import AutoModeration
from communities.moderation.services.automod import (
    PATTERN_MAX,
    check_save_automod,
    hold_for_review,
    screen_content,
    validate_patterns,
)

pytestmark = pytest.mark.django_db


def settings(community, **fields):
    return AutoModeration.objects.create(community=community, **fields)


@pytest.mark.parametrize(("action", "verdict"), [("block", "block"), ("hold", "hold")])
def test_a_blocked_word_blocks_or_holds_as_configured(community, author, action, verdict):
    settings(community, blocked_words="casino\nfree money", filter_action=action)

    assert screen_content(author, community, "Try our CASINO tonight").verdict == verdict
    assert screen_content(author, community, "Free money!").verdict == verdict
    assert screen_content(author, community, "Occasional tasting notes").allowed


def test_a_pattern_matches_anywhere_in_any_case(community, author):
    settings(community, patterns=r"bit\.ly/\w+", filter_action="block")
    screened = screen_content(author, community, "see BIT.LY/abc")
    assert screened.blocked and "does not allow" in screened.reason


def test_new_members_first_posts_are_held_until_they_have_enough_out(
    community, author, moderator, make_note
):
    settings(community, new_member_holds=2)
    assert screen_content(author, community, "hello").held
    first = make_note(author, community)
    hold_for_review(first, reason="New member")
    assert screen_content(author, community, "hello").held  # held ones do not count
    make_note(author, community)
    make_note(author, community)
    assert screen_content(author, community, "hello").allowed
    assert screen_content(moderator, community, "hello").allowed


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("buy (cheap", "not a valid pattern"),
        (r"(a)\1", "uses a backreference"),
        ("x" * (PATTERN_MAX + 1), "longer than"),
    ],
)
def test_malformed_or_unrunnable_patterns_are_refused(pattern, message):
    with pytest.raises(ValidationError, match=message):
        validate_patterns(pattern)


def test_sound_patterns_pass(community):
    assert validate_patterns(r"  bit\.ly/\w+ " + "\n\n" + r"(buy|sell) now") == (
        r"bit\.ly/\w+" + "\n" + r"(buy|sell) now"
    )


def test_nothing_is_saved_when_one_field_is_wrong(community, admin):
    with pytest.raises(ValidationError) as raised:
        check_save_automod(
            admin,
            community,
            blocked_words="casino",
            patterns="(unclosed",
            filter_action="block",
            new_member_holds=0,
            auto_hide_reports=3,
        )
    assert "patterns" in raised.value.message_dict
    assert not AutoModeration.objects.exists()


def test_the_auto_hide_threshold_is_at_least_one(community, admin):
    with pytest.raises(ValidationError):
        check_save_automod(
            admin,
            community,
            blocked_words="",
            patterns="",
            filter_action="hold",
            new_member_holds=0,
            auto_hide_reports=0,
        )
