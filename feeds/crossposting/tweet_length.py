"""X's weighted length and validity of a post, by twitter-text's own rules (config v3).

twitter-text-parser is the port of X's reference implementation, so a post it calls valid is
one X accepts and its count is the one X shows: URLs count 23 however long (but only what
twitter-text recognises as a URL: domain labels of at most 63 characters, hosts that are
valid after punycode, known top-level domains including ccTLDs such as `bit.ly`), emoji 2,
CJK and most symbols 2, and characters X refuses (U+FFFE, U+FEFF, U+FFFF, directional
overrides U+202A-U+202E) make a post invalid whatever its length.
"""

from dataclasses import dataclass

from twitter_text import parse_tweet
from twitter_text.config import config
from twitter_text.has_invalid_characters import has_invalid_characters

MAX_WEIGHTED_LENGTH = config["defaults"]["max_weighted_tweet_length"]


@dataclass(frozen=True)
class TweetLength:
    """How X counts `text`: its weighted length and whether X would take it."""

    weighted_length: int
    valid: bool
    has_invalid_characters: bool


def measure(text: str) -> TweetLength:
    """X's verdict on `text` (an empty text is invalid, as X needs text or media)."""
    parsed = parse_tweet(text)
    return TweetLength(
        weighted_length=parsed.weightedLength,
        valid=parsed.valid,
        has_invalid_characters=has_invalid_characters(text),
    )


def weighted_length(text: str) -> int:
    """How many of X's 280 characters `text` uses."""
    return parse_tweet(text).weightedLength
