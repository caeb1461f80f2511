"""Which language a person reads Sosoon in, and the one way to write to them in it.

A member may choose a language on their profile (`User.language`); blank means "follow my
browser", which Django's LocaleMiddleware reads from Accept-Language. Pages follow the
reader; anything sent to a person (an email, a notification's text) follows the recipient,
who may not be the person whose request or job is sending it; a socket's replies follow the
person whose socket it is. docs/translations.md says how to use each.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation.trans_real import parse_accept_lang_header


def chosen_language(user) -> str | None:
    """The language `user` chose on their profile, if it is one the site offers; else None."""
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else None


@contextmanager
def in_language_of(user) -> Iterator[str]:
    """Render what is sent to `user` inside this block, in their language; yields its code.

    Their chosen language if they have one; otherwise the language already active: the
    browser's during the request that sends it (so a visitor's sign-up mail matches the page
    they signed up on), the site's default (LANGUAGE_CODE) in a background job. `user` may be
    None (an address with no account yet), which also keeps the active language.
    """
    language = chosen_language(user) or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        yield language


def browser_language(accept_language: str) -> str | None:
    """The first language of an Accept-Language header the site offers, as LocaleMiddleware
    picks it for a page; None when it asks for none of them."""
    for code, _quality in parse_accept_lang_header(accept_language):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def socket_language(user, headers) -> str:
    """The language a socket's replies are written in: the member's choice, else what the
    browser asked for when it opened the socket (its ASGI `headers`), else LANGUAGE_CODE."""
    accept = dict(headers).get(b"accept-language", b"").decode("latin-1")
    return chosen_language(user) or browser_language(accept) or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class ReadersWords:
    """Words pushed to other people's sockets (why a room closed for them), written once by
    whoever causes it and read by each socket in its own person's language.

    `text` is the English message, marked at the call site with `gettext_noop` so
    `make messages` finds it; `params` fill its `%(name)s` places. It crosses the channel
    layer as a plain dict (`payload`), and the socket puts it in its language (`readable`).
    """

    text: str
    params: dict = field(default_factory=dict)

    def payload(self) -> dict:
        return {"text": self.text, "params": self.params}

    def __str__(self) -> str:
        return readable(self.payload())


def readable(reason) -> str:
    """A pushed reason in the active language: `ReadersWords`' payload, or text as it came."""
    if isinstance(reason, dict):
        return (
            gettext(reason["text"]) % reason["params"]
            if reason["params"]
            else gettext(reason["text"])
        )
    return str(reason)


def pushed(reason) -> "dict | str":
    """What the channel layer carries for `reason` (plain text or `ReadersWords`)."""
    return reason.payload() if isinstance(reason, ReadersWords) else str(reason)
