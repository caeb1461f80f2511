"""X's weighted count (twitter-text v3)."""

import pytest

from feeds.crossposting.tweet_length import weighted_length


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("hello", 5),
        ("a" * 280, 280),
        ("こんにちは", 10),  # outside the light-weight ranges: 2 each
        ("Read https://example.com/a/very/long/path?with=query", 28),  # URL = 23
        ("see example.com.", 28),
        ("👍", 2),
        ("👍🏽", 2),  # skin tone modifier: one emoji
        ("👨‍👩‍👧", 2),  # zero-width-joiner family
        ("🇵🇹", 2),  # flag
        ("1️⃣", 2),  # keycap
        ("“quoted” — dash", 15),  # punctuation in U+2010-U+201F counts 1
        ("write to a@b.com", 16),  # an email address is not a link
    ],
)
def test_weighted_length(text, length):
    assert weighted_length(text) == length
