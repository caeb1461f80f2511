"""The forms of a page as a browser sees them, so the soak submits what a person would: the
page's own fields with their defaults (CSRF token included), plus what the person typed."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    """One <form>: where it posts, and its fields' default values in page order."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    # Every checkbox, ticked or not: (name, value).
    checkboxes: list[tuple[str, str]] = field(default_factory=list)

    def values(self, **typed: str) -> dict[str, str]:
        """The defaults with `typed` replacing (or adding) fields; one value per name."""
        return {**dict(self.fields), **typed}


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = Form(attributes.get("action") or "", (attributes.get("method") or "get"))
            self.forms.append(self._form)
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind == "checkbox":
                self._form.checkboxes.append((name, attributes.get("value") or "on"))
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            self._form.fields.append((name, attributes.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((attributes.get("value") or "", "selected" in attributes))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            self._form.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected] or [
                value for value, _ in self._options[:1]
            ]
            self._form.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[Form]:
    """Every form on the page."""
    reader = _FormReader()
    reader.feed(html)
    return reader.forms


def form_posting_to(html: str, action_part: str, *, page_path: str = "") -> Form:
    """The first POST form whose action contains `action_part` (a form without an action
    posts to its page, `page_path`); LookupError if none."""
    for form in forms_of(html):
        action = form.action or page_path
        if form.method.lower() == "post" and action_part in action:
            return form
    raise LookupError(f"no form posting to {action_part!r} on the page")
