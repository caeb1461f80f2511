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
from django.utils.translation import gettext, ngettext
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
    """Words written once by whoever causes them and read by each person in their own
    language: a reason pushed to other people's sockets (why a room closed for them), or one
    stored on a row (why a cross-post failed) and shown to whoever opens the page.

    `text` is the English message, marked at the call site with `gettext_noop` so
    `make messages` finds it; `params` fill its `%(name)s` places. A param may itself be
    `ReadersWords` (a reason inside a reason: "Gave up after 5 attempts. Last answer:
    %(answer)s"), read in the same language; any other param (a number, a handle, a
    network's own message) goes in as it is. The words cross the channel layer, and are
    stored beside the English text, as a plain dict (`payload`); `readable` puts them in the
    active language, `in_english` in the language the stored text keeps.
    """

    text: str
    params: dict = field(default_factory=dict)
    # A counted sentence's plural (`counted`): the catalog picks the form by `params["count"]`.
    plural: str = ""

    @classmethod
    def counted(cls, forms: tuple[str, str], count: int, **params) -> "ReadersWords":
        """Words with a number in them: `forms` from `ngettext_noop(singular, plural)`, each
        with a `%(count)s` place."""
        singular, plural = forms
        return cls(singular, {"count": count, **params}, plural=plural)

    def payload(self) -> dict:
        payload = {
            "text": self.text,
            "params": {
                name: value.payload() if isinstance(value, ReadersWords) else value
                for name, value in self.params.items()
            },
        }
        if self.plural:
            payload["plural"] = self.plural
        return payload

    def __str__(self) -> str:
        return readable(self.payload())


def ngettext_noop(singular: str, plural: str) -> tuple[str, str]:
    """Mark a counted sentence for the catalog without translating it (`make messages` finds
    both forms, sosoon_site/management/commands/makemessages.py); for `ReadersWords.counted`."""
    return singular, plural


def words_of(reason: "ReadersWords | str") -> ReadersWords:
    """`reason` as words: a plain string is words without params (a `gettext_noop` message,
    or text that reads the same in every language)."""
    return reason if isinstance(reason, ReadersWords) else ReadersWords(str(reason))


def readable(reason) -> str:
    """A reason in the active language: `ReadersWords` or their payload (nested words read
    in the same language), or text as it came."""
    if isinstance(reason, ReadersWords):
        reason = reason.payload()
    if _is_words(reason):
        params = {
            name: readable(value) if _is_words(value) else value
            for name, value in (reason.get("params") or {}).items()
        }
        if reason.get("plural"):
            return ngettext(reason["text"], reason["plural"], params["count"]) % params
        text = gettext(reason["text"]) if reason["text"] else ""
        return text % params if params else text
    return str(reason)


def _is_words(value) -> bool:
    """Whether `value` is words' payload (any other dict, a network's, goes in as it came)."""
    return isinstance(value, dict) and isinstance(value.get("text"), str)


def in_english(reason) -> str:
    """A reason as the stored text keeps it, whoever's request or job writes it: in English,
    so Django admin, logs and search read one language."""
    with translation.override("en"):
        return readable(reason)


def in_reader_language(text: str, words: dict | None = None) -> str:
    """A stored reason for the person reading it now: its words (the payload stored beside
    the text) in the active language; without them (rows written before words were stored,
    a person's own words) the text, through the catalog in case it is a fixed message."""
    if words:
        try:
            return readable(words)
        except (KeyError, TypeError, ValueError):
            # Words the catalog's sentence no longer fits: the English stays readable.
            return text
    return gettext(text) if text else ""


def pushed(reason) -> "dict | str":
    """What the channel layer carries for `reason` (plain text or `ReadersWords`)."""
    return reason.payload() if isinstance(reason, ReadersWords) else str(reason)
