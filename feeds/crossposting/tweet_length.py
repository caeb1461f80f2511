"""X's weighted length of a post, by the twitter-text v3 rules (config/v3.json).

- Text is NFC-normalised first.
- Each URL counts 23 (transformedURLLength), whatever its length: X wraps it in t.co.
- Each emoji counts 2 (defaultWeight), however many code points build it: skin tones,
  zero-width-joiner families, flags and keycaps are one emoji each (emojiParsingEnabled).
- Any other code point counts 1 inside the light-weight ranges (U+0000-U+10FF: Latin,
  Greek, Cyrillic, Hebrew, Arabic, Devanagari...; U+2000-U+200D, U+2010-U+201F,
  U+2032-U+2037: spaces, dashes, quotes, primes) and 2 outside them (CJK, most symbols).
The limit is 280. URL recognition follows twitter-text's common cases (a scheme, `www.`, or
a host ending in a well-known top-level domain); an address it misses counts by its
characters, which errs on the long side and never lets an over-long post through.
"""

import re
import unicodedata

MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23
EMOJI_WEIGHT = 2
LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))

_TLDS = (
    "com|org|net|edu|gov|io|co|app|dev|me|info|biz|shop|store|club|social|blog|news|xyz|ai"
    "|uk|us|ca|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|pt|br|mx|ar|au|nz|jp|kr|cn|in|ru"
)
URL_PATTERN = re.compile(
    r"(?:https?://[^\s<>\"]+|(?<![@\w.])(?:www\.)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    rf"(?:{_TLDS})\b(?:[/?#][^\s<>\"]*)?)",
    re.IGNORECASE,
)
# Punctuation that ends a sentence is not part of the address before it.
URL_TRAILING = ".,:;!?'\")]}"

_PICTOGRAPHIC = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21ff\u231a-\u23ff\u24c2\u25aa-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2bff\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001faff"
)
_MODIFIERS = "\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
EMOJI_PATTERN = re.compile(
    r"[0-9#*]\ufe0f?\u20e3"  # keycaps
    r"|[\U0001f1e6-\U0001f1ff]{2}"  # flags: two regional indicators
    rf"|[{_PICTOGRAPHIC}][{_MODIFIERS}]*(?:\u200d[{_PICTOGRAPHIC}][{_MODIFIERS}]*)*"
)


def _code_point_weight(character: str) -> int:
    point = ord(character)
    return 1 if any(start <= point <= end for start, end in LIGHT_RANGES) else 2


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in URL_PATTERN.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in URL_TRAILING:
            end -= 1
        spans.append((start, end))
    return spans


def weighted_length(text: str) -> int:
    """How many of X's 280 characters `text` uses."""
    text = unicodedata.normalize("NFC", text)
    urls = dict(_url_spans(text))
    length = 0
    position = 0
    while position < len(text):
        if position in urls:
            length += URL_WEIGHT
            position = urls[position]
            continue
        emoji = EMOJI_PATTERN.match(text, position)
        if emoji and _is_emoji(emoji.group()):
            length += EMOJI_WEIGHT
            position = emoji.end()
            continue
        length += _code_point_weight(text[position])
        position += 1
    return length


def _is_emoji(sequence: str) -> bool:
    """© and ® alone are text; with U+FE0F (or inside a sequence) they are emoji."""
    return not (len(sequence) == 1 and sequence in "\u00a9\u00ae\u203c\u2049\u2122\u2139")
