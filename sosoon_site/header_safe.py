"""Names that may end up in an email header must be one plain line.

A community's name is the subject of its invitation emails, and people's display names are
the kind of text that reaches a subject or a From name. A line break there is header
injection ("Synth\\nBcc: victim@example.com"): Django refuses to send such a message
(BadHeaderError), so a name stored with one breaks every later email. Forms refuse these
characters where the name is typed, and the email paths refuse a name stored before the rule
with the same message, before anything is saved.

Refused: control characters (Unicode category Cc: CR, LF, tab, NUL, DEL, the C1 range with
NEL), the Unicode line and paragraph separators (which mail clients and `str.splitlines`
treat as line breaks) and lone surrogates (which no email encoding can carry).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

UNSAFE_CATEGORIES = {"Cc", "Zl", "Zp", "Cs"}


def is_header_safe(value: str) -> bool:
    """Whether `value` has no character that could break or extend an email header."""
    return not any(unicodedata.category(character) in UNSAFE_CATEGORIES for character in value)


def validate_header_safe(value: str, *, what: str = "A name") -> None:
    """ValidationError (code "header_unsafe") when `value` has a line break or control
    character; `what` starts the message ("A community's name")."""
    if not is_header_safe(value):
        raise ValidationError(
            _("%(what)s must be one line without control characters (no line breaks or tabs)."),
            code="header_unsafe",
            params={"what": what},
        )
