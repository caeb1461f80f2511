"""The one parser of client frames: text in, a checked dict out, or a FrameError.

Every frame passes here before any handler sees it, so a handler only ever reads fields of
the types it declared: ids are real integers (not booleans, floats or numeric strings)
within PostgreSQL's bigint range, text is a string without lone surrogates or NUL (which
UTF-8 and PostgreSQL refuse), and nesting is bounded. A failure is an error frame for the
client; the socket stays open.
"""

import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1
MAX_DEPTH = 8
MAX_CLIENT_ID_CHARS = 64


class FrameError(Exception):
    """Why a frame was refused: an error `code` and a sentence for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Field:
    """One field a frame type reads: `kind` is "id" (a whole number >= 0) or "text"."""

    kind: str
    required: bool = True


def Id(*, required: bool = True) -> Field:
    return Field("id", required)


def Text(*, required: bool = True) -> Field:
    return Field("text", required)


def decode(text: str, *, max_bytes: int) -> dict:
    """The frame object in `text`, checked for size, JSON, shape and nesting depth."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise FrameError(
            "frame_too_large",
            _("Frames are limited to %(count)d bytes.") % {"count": max_bytes},
        )
    if _nesting_depth(text) > MAX_DEPTH:
        raise FrameError(
            "bad_frame", _("Frames nest at most %(count)d levels deep.") % {"count": MAX_DEPTH}
        )
    try:
        frame = json.loads(text)
    except (ValueError, RecursionError):
        raise FrameError("bad_json", _("That frame is not valid JSON.")) from None
    if not isinstance(frame, dict):
        raise FrameError("bad_frame", _("A frame is a JSON object with a 'type'."))
    return frame


def _nesting_depth(text: str) -> int:
    """How deeply `text`'s arrays and objects nest, counted without recursion and without
    decoding, so a frame of thousands of "[" costs one pass rather than a RecursionError.
    Brackets inside strings do not count."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def client_id(frame: dict):
    """The frame's `id` if it is one a reply may echo (short text or a whole number), else
    None: a reply never carries back a value the server would not accept."""
    value = frame.get("id")
    if isinstance(value, str) and len(value) <= MAX_CLIENT_ID_CHARS and is_clean_text(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_ID:
        return value
    return None


def is_clean_text(value: str) -> bool:
    """Whether `value` can be stored as text: no NUL (PostgreSQL refuses it) and no lone
    surrogate (UTF-8 cannot encode it). Forms and services use it too."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_fields(frame: dict, fields: dict[str, Field]) -> dict:
    """`frame` with every declared field of the right type and range (absent optional ones
    as None); FrameError("invalid") naming the first field that is not."""
    if "id" in frame and frame["id"] is not None and client_id(frame) is None:
        raise FrameError(
            "invalid",
            _("id is a short text or a whole number (at most %(count)d).")
            % {"count": MAX_CLIENT_ID_CHARS},
        )
    checked = dict(frame)
    for name, field in fields.items():
        value = frame.get(name)
        if value is None:
            if field.required:
                raise FrameError("invalid", _("This frame needs '%(name)s'.") % {"name": name})
            checked[name] = None
        elif field.kind == "id":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
                raise FrameError(
                    "invalid",
                    _("'%(name)s' is a whole number from 0 to %(most)d.")
                    % {"name": name, "most": MAX_ID},
                )
        elif not isinstance(value, str):
            raise FrameError("invalid", _("'%(name)s' is text.") % {"name": name})
        elif not is_clean_text(value):
            raise FrameError(
                "invalid", _("'%(name)s' holds characters that are not text.") % {"name": name}
            )
    return checked
