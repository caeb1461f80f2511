"""Two languages: every word a person reads goes through the translation machinery, the
Bulgarian catalog is complete, and each person reads the site (and their mail) in theirs.

The completeness check reads each template as Django's lexer does: what is inside
{% translate %} or {% blocktranslate %} is marked; any other text with letters between the
tags, and the attributes a person reads or hears (title, placeholder, aria-label, alt, a
button's value), is reported as template:line. Only what is not language is allowed bare:
the brand's name and symbols. docs/translations.md says how to mark a string.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.core import mail
from django.template.base import Lexer, TokenType
from django.utils import translation

from sosoon_site.asgi import application
from sosoon_site.moments import moment_text
from tests.catalogs import compile_catalogs
from tests.site.test_socket import HOST, ORIGIN, session_cookie_for

ROOT = Path(settings.BASE_DIR)
TEMPLATES_DIR = ROOT / "templates"
BULGARIAN = ROOT / "locale" / "bg" / "LC_MESSAGES" / "django.po"

# Words that read the same in every language. Nothing else may stand bare in a template.
NOT_LANGUAGE = {"Sosoon"}
# Attributes a person reads (a tooltip, an empty field's hint, an image's stand-in) or a
# screen reader says; `value` only where it is a button's label.
READ_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
BUTTON_INPUTS = {"submit", "button", "reset"}

MARKED = "\ue000"  # stands in for translated text and for {{ variables }}: not a letter
LETTER = re.compile(r"[^\W\d_]")
ALLOWED_WORDS = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(NOT_LANGUAGE))) + r")\b")
# {% include "x.html" with label="Words" %} and {% with label="Words" %} pass text along;
# `current="calendar"` names the tab a navigation include marks, a key and not words.
NAMES_NOT_WORDS = {"current"}
LITERAL_ARGUMENT = re.compile(r"""\b(?P<name>\w+)=(?P<quote>["'])(?P<text>.*?)(?P=quote)""")
# {{ value|default:"Words" }} shows its literal when the value is empty.
DEFAULT_LITERAL = re.compile(r"""\|default(?:_if_none)?:(?P<quote>["'])(?P<text>.*?)(?P=quote)""")

TEMPLATE_FILES = sorted(
    path.relative_to(TEMPLATES_DIR).as_posix()
    for path in TEMPLATES_DIR.rglob("*")
    if path.suffix in {".html", ".txt"}
)


def has_words(text: str) -> bool:
    """Whether `text` holds language: a letter once the brand's name is taken out."""
    return bool(LETTER.search(ALLOWED_WORDS.sub("", text)))


def unmarked_literals(token_type: TokenType, contents: str) -> list[str]:
    """Literal text a tag or variable hands to the page without translating it."""
    if token_type is TokenType.VAR:
        pattern = DEFAULT_LITERAL
    elif contents.split()[0] in {"include", "with"}:
        pattern = LITERAL_ARGUMENT
    else:
        return []
    return [
        match["text"]
        for match in pattern.finditer(contents)
        if has_words(match["text"])
        and not match["text"].endswith((".html", ".txt"))
        and match.groupdict().get("name") not in NAMES_NOT_WORDS
    ]


def with_translations_marked(source: str) -> tuple[str, list[tuple[int, str]]]:
    """`source` with every translated text and every variable as MARKED and the other tags
    and comments removed, line numbers kept; and the untranslated literals tags hand on."""
    out: list[str] = []
    literals: list[tuple[int, str]] = []
    closing = None  # the tag that ends the block being skipped (blocktranslate, comment)
    for token in Lexer(source).tokenize():
        newlines = "\n" * token.contents.count("\n")
        if closing:
            if token.token_type is TokenType.BLOCK and token.contents.split()[0] in closing:
                closing = None
            out.append(newlines)
            continue
        if token.token_type is TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type is TokenType.VAR:
            out.append(MARKED + newlines)
            literals += [
                (token.lineno, text) for text in unmarked_literals(TokenType.VAR, token.contents)
            ]
        elif token.token_type is TokenType.COMMENT:
            out.append(newlines)
        else:
            name = token.contents.split()[0]
            if name in {"translate", "trans"}:
                out.append(MARKED)
            elif name in {"blocktranslate", "blocktrans"}:
                out.append(MARKED)
                closing = {"endblocktranslate", "endblocktrans"}
            elif name == "comment":
                closing = {"endcomment"}
            else:
                literals += [
                    (token.lineno, text)
                    for text in unmarked_literals(token.token_type, token.contents)
                ]
            # A space keeps the words on either side of a tag apart in the report.
            out.append(" " + newlines)
    return "".join(out), literals


class UnmarkedText(HTMLParser):
    """Collects (line, text) for words a person would read that no translation tag holds."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        self._in_code = tag in {"script", "style"}
        attributes = dict(attrs)
        read = set(READ_ATTRIBUTES)
        if tag == "input" and (attributes.get("type") or "").lower() in BUTTON_INPUTS:
            read.add("value")
        for name, value in attrs:
            if name in read and value and has_words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_endtag(self, tag):
        self._in_code = False

    def handle_data(self, data):
        if self._in_code or not has_words(data):
            return
        first = LETTER.search(ALLOWED_WORDS.sub(lambda m: " " * len(m[0]), data)).start()
        self.found.append((self.getpos()[0] + data[:first].count("\n"), " ".join(data.split())))


def unmarked_text(template: str) -> list[str]:
    """Each user-facing text of `template` outside the translation tags, as "path:line: text"."""
    marked, literals = with_translations_marked((TEMPLATES_DIR / template).read_text())
    if template.endswith(".txt"):
        found = [
            (number, " ".join(line.split()))
            for number, line in enumerate(marked.splitlines(), start=1)
            if has_words(line)
        ]
    else:
        parser = UnmarkedText()
        parser.feed(marked)
        parser.close()
        found = parser.found
    found += [(line, f'literal "{text}"') for line, text in literals]
    return [
        f"templates/{template}:{line}: {text.replace(MARKED, '…')}" for line, text in sorted(found)
    ]


@pytest.mark.parametrize("template", TEMPLATE_FILES)
def test_every_template_marks_its_words_for_translation(template):
    unmarked = unmarked_text(template)

    assert not unmarked, (
        "Wrap these in {% translate %} or {% blocktranslate trimmed %} (docs/translations.md):\n"
        + "\n".join(unmarked)
    )


def test_the_check_reports_bare_words_and_read_attributes_and_passes_marked_ones(tmp_path):
    source = (
        '{% load i18n %}<p>Hello</p>\n<img alt="A cat" src="x">\n<input type="submit" value="Go">\n'
        '<p>{% translate "Marked" %} {{ name }} · Sosoon</p>\n'
        "{% blocktranslate trimmed %}\nAlso marked\n{% endblocktranslate %}\n"
        '{# a comment #}<script>let words = "code";</script>\n'
        '{% include "x.html" with label="Bare label" %}\n'
        '<input type="hidden" name="next" value="somewhere">\n'
    )
    parser = UnmarkedText()
    marked, literals = with_translations_marked(source)
    parser.feed(marked)

    assert parser.found == [(1, "Hello"), (2, 'alt="A cat"'), (3, 'value="Go"')]
    assert literals == [(9, "Bare label")]


PO_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def po_text(quoted: str) -> str:
    """The text of one quoted .po string, its C escapes undone."""
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m[1], m[1]), quoted.strip()[1:-1])


def catalog_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list: one per
    plural form), flags and the line each starts on; obsolete (#~) entries left out."""
    entries: list[dict] = []
    entry: dict | None = None
    field, flags = None, set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if not line or line.startswith("#"):
            field = None
            continue
        if line.startswith('"'):
            value = line
        else:
            field, _, value = line.partition(" ")
            if field == "msgctxt" or (field == "msgid" and (entry is None or "msgid" in entry)):
                entry = {"line": number, "flags": flags, "msgstr": {}}
                entries.append(entry)
                flags = set()
        if field is None or entry is None:
            continue
        plural = re.fullmatch(r"msgstr\[(\d+)\]", field)
        form = int(plural[1]) if plural else 0
        if plural or field == "msgstr":
            entry["msgstr"][form] = entry["msgstr"].get(form, "") + po_text(value)
        else:
            entry[field] = entry.get(field, "") + po_text(value)
    for found in entries:
        found["msgstr"] = [found["msgstr"][form] for form in sorted(found["msgstr"])]
    return entries


CATALOGS = sorted(
    path.relative_to(ROOT).as_posix() for path in ROOT.glob("locale/*/LC_MESSAGES/*.po")
)


def test_there_is_a_bulgarian_catalog():
    assert BULGARIAN.relative_to(ROOT).as_posix() in CATALOGS


@pytest.mark.parametrize("catalog", CATALOGS)
def test_every_catalog_has_no_untranslated_or_fuzzy_entry(catalog):
    path = ROOT / catalog
    header, *messages = catalog_entries(path)
    language = path.parent.parent.name

    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert f"Language: {language}\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=" in header["msgstr"][0]
    unfinished = [
        f"{catalog}:{entry['line']}: {entry['msgid']!r}"
        for entry in messages
        if "fuzzy" in entry["flags"] or not entry["msgstr"] or not all(entry["msgstr"])
    ]
    assert not unfinished, "Translate these and drop their #, fuzzy:\n" + "\n".join(unfinished)
    assert messages


def test_bulgarian_counts_one_and_many():
    (header, *_) = catalog_entries(BULGARIAN)

    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]


@pytest.fixture
def compiled():
    compile_catalogs()
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_member_who_chose_bulgarian_reads_the_site_in_it(compiled, client, user_factory):
    client.force_login(user_factory(language="bg"))

    page = client.get("/").content.decode()

    assert '<html lang="bg">' in page
    assert "Изход" in page and "Начало" in page and "Известия" in page
    assert "Sign out" not in page


def test_a_visitor_whose_browser_asks_for_bulgarian_gets_the_bulgarian_sign_in_page(
    compiled, client, db
):
    page = client.get(
        "/accounts/login/", headers={"accept-language": "bg,en;q=0.5"}
    ).content.decode()

    assert '<html lang="bg">' in page
    assert "<h1>Вход</h1>" in page
    assert "Sign in" not in page


def test_a_member_who_chose_english_reads_english_whatever_the_browser_asks(
    compiled, client, user_factory
):
    client.force_login(user_factory(language="en"))

    page = client.get("/", headers={"accept-language": "bg"}).content.decode()

    assert '<html lang="en">' in page
    assert "Sign out" in page and "Изход" not in page


def test_without_a_choice_or_a_browser_preference_the_site_is_english(
    compiled, client, user_factory
):
    client.force_login(user_factory())

    page = client.get("/").content.decode()

    assert '<html lang="en">' in page and "Sign out" in page


def test_a_bulgarian_members_mail_is_in_bulgarian_whoever_asks_for_it(
    compiled, client, user_factory
):
    member = user_factory(language="bg")

    client.post(
        "/accounts/password/reset/", {"email": member.email}, headers={"accept-language": "en"}
    )

    (message,) = mail.outbox
    assert "Възстановяване на парола" in message.subject
    assert "/accounts/password/reset/key/" in message.body
    assert "You're receiving this email" not in message.body


def test_a_mail_to_a_member_without_a_choice_follows_the_page_that_sent_it(
    compiled, client, user_factory
):
    member = user_factory()

    client.post(
        "/accounts/password/reset/", {"email": member.email}, headers={"accept-language": "bg"}
    )

    (message,) = mail.outbox
    assert "Възстановяване на парола" in message.subject


def test_choosing_a_language_on_the_profile_switches_the_site_at_once(
    compiled, client, user_factory
):
    member = user_factory(display_name="Ana", handle="ana_bg", time_zone="Europe/Sofia")
    client.force_login(member)

    response = client.post(
        "/profile/",
        {
            "display_name": "Ana",
            "handle": "ana_bg",
            "bio": "",
            "time_zone": "Europe/Sofia",
            "language": "bg",
        },
        follow=True,
    )

    member.refresh_from_db()
    assert member.language == "bg"
    page = response.content.decode()
    assert "Профилът ви е запазен." in page and '<html lang="bg">' in page  # noqa: RUF001 (Bulgarian)


def test_the_scripts_get_their_words_in_the_readers_language(compiled, client, user_factory):
    client.force_login(user_factory(language="bg"))

    page = client.get("/").content.decode()
    catalog = client.get("/jsi18n/?lang=bg")

    assert '<script src="/jsi18n/?lang=bg" defer></script>' in page
    assert catalog.status_code == 200
    # The catalog is JSON inside the script: letters beyond ASCII arrive as \\u escapes.
    assert json.dumps("Повторно свързване…") in catalog.content.decode()
    assert json.dumps("Администрация")[1:-1] not in catalog.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("language", "browser", "expected"),
    [
        ("bg", b"en", "Изпращайте текстови JSON рамки, не двоични."),
        ("", b"bg,en;q=0.5", "Изпращайте текстови JSON рамки, не двоични."),
        ("en", b"bg", "Send JSON text frames, not binary ones."),
    ],
)
async def test_a_socket_answers_in_its_persons_language(
    compiled, user_factory, language, browser, expected
):
    member = await sync_to_async(user_factory)(language=language)
    cookie = await sync_to_async(session_cookie_for)(member)
    headers = [ORIGIN, HOST, (b"cookie", cookie.encode()), (b"accept-language", browser)]
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    try:
        assert connected
        await communicator.send_to(bytes_data=b"\x00")
        reply = await communicator.receive_json_from()
    finally:
        await communicator.disconnect()

    assert reply["code"] == "binary_frame"
    assert reply["message"] == expected


def test_moments_read_in_the_readers_language(compiled):
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

    with translation.override("bg"):
        assert moment_text(now - timedelta(minutes=5), now=now) == "преди 5 мин"
        assert moment_text(now + timedelta(hours=2), now=now) == "след 2 ч"
    assert moment_text(now - timedelta(minutes=5), now=now) == "5 min ago"
