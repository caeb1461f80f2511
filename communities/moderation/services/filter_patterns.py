"""Owner-supplied filter patterns, run on RE2.

Any verified member may found a community and save patterns, so a pattern is hostile input.
Python's `re` backtracks: `(a|aa)+$` against 28 "a" and a "!" holds a process for seconds and
each extra character doubles it. RE2 cannot backtrack; it checks any text in time linear in
its length, and it refuses what needs backtracking (backreferences, lookahead, lookbehind).

Patterns keep the meaning they had under `re` (matched anywhere, any case, Unicode classes):
RE2's `\\w`, `\\d` and `\\s` know only ASCII, so they are rewritten to the Unicode classes
`re` uses, and Python's `\\Z`, `\\uXXXX` and `\\UXXXXXXXX` to RE2's spelling. A word boundary
(`\\b`, `\\B`) is ASCII-only in RE2 and cannot be rewritten, so it is refused with a pointer
to the blocked-words list, which matches whole words in any language.

A stored pattern RE2 refuses (saved before patterns ran on RE2) is not in force: the filter
skips it and the settings page names it with the reason, until the owner fixes or removes it.
"""

import functools
import re

import re2
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# What Python's `re` means by \w, \d and \s in a str pattern, as RE2 class contents.
_WORD = r"\p{L}\p{N}_"
_DIGIT = r"\p{Nd}"
_SPACE = r"\t-\r\x{1c}-\x{20}\x{85}\p{Z}"

_OUTSIDE_CLASS = {
    "w": f"[{_WORD}]",
    "W": f"[^{_WORD}]",
    "d": _DIGIT,
    "D": r"\P{Nd}",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "Z": r"\z",
}
_INSIDE_CLASS = {"w": _WORD, "d": _DIGIT, "D": r"\P{Nd}", "s": _SPACE}
_HEX_ESCAPES = {"u": 4, "U": 8}

_BACKREFERENCE = re.compile(r"invalid escape sequence: \\[1-9]|invalid perl operator: \(\?P=")
_LOOKAROUND = re.compile(r"invalid perl operator: \(\?<?[=!]")

REFUSED_FEATURES = gettext_lazy(
    "patterns here are checked in linear time, which rules out backreferences (\\1), "
    "lookahead (?=…) and lookbehind (?<=…)"
)


class PatternRefused(ValueError):
    """A pattern the filter cannot run; the message says why, for the owner."""


def _options() -> re2.Options:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    return options


def translate(pattern: str) -> str:
    """`pattern` in RE2's syntax with the meaning it has under Python's `re`; PatternRefused
    for what has no such meaning (word boundaries, negated classes inside brackets)."""
    out = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            letter = pattern[i + 1]
            i += 2
            if letter == "b" and in_class:
                out.append(r"\x{8}")  # backspace, as in re
                continue
            if letter in "bB":
                raise PatternRefused(
                    _(
                        "word boundaries (\\b) are not available here: list whole words under "
                        "Blocked words instead (they match whole words in any language)"
                    )
                )
            if letter in _HEX_ESCAPES:
                digits = pattern[i : i + _HEX_ESCAPES[letter]]
                if len(digits) != _HEX_ESCAPES[letter] or not all(
                    c in "0123456789abcdefABCDEF" for c in digits
                ):
                    raise PatternRefused(
                        _("\\%(letter)s needs %(count)s hex digits")
                        % {"letter": letter, "count": _HEX_ESCAPES[letter]}
                    )
                out.append(f"\\x{{{digits}}}")
                i += len(digits)
                continue
            if in_class and letter in "WS":
                raise PatternRefused(
                    _(
                        "\\%(letter)s cannot be combined inside [...]: write it outside the "
                        "brackets, as in (?:[...]|\\%(letter)s)"
                    )
                    % {"letter": letter}
                )
            table = _INSIDE_CLASS if in_class else _OUTSIDE_CLASS
            out.append(table.get(letter, "\\" + letter))
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            i += 1
            # A "]" first in the class (after an optional "^") is a literal, as in re.
            if pattern.startswith("^", i):
                out.append("^")
                i += 1
            if pattern.startswith("]", i):
                out.append("\\]")
                i += 1
            continue
        if char == "]" and in_class:
            in_class = False
        out.append(char)
        i += 1
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str):
    """The RE2 program for an owner's pattern, matched in any case; PatternRefused with a
    reason the owner can act on when RE2 cannot run it."""
    try:
        return re2.compile(translate(pattern), _options())
    except re2.error as error:
        detail = error.args[0] if error.args else ""
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        if _BACKREFERENCE.search(detail):
            raise PatternRefused(
                _("it uses a backreference, and %(why)s") % {"why": REFUSED_FEATURES}
            ) from None
        if _LOOKAROUND.search(detail):
            raise PatternRefused(
                _("it uses lookahead or lookbehind, and %(why)s") % {"why": REFUSED_FEATURES}
            ) from None
        raise PatternRefused(
            _("it is not a valid pattern (%(detail)s)") % {"detail": detail}
        ) from None


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text`. PatternRefused when it cannot run."""
    return compile_pattern(pattern).search(text) is not None
