"""Reading the Insights page as a person does: a table's cells, the headline figures."""

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.figures: dict[str, str] = {}
        self._table = None
        self._row = None
        self._cell = None
        self._figure = None
        self._dt = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        testid = attrs.get("data-testid", "")
        if tag == "table" and testid.startswith("table-"):
            self._table = self.tables.setdefault(testid.removeprefix("table-"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "dt":
            self._dt = []
        elif tag == "strong" and self._figure is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "dt" and self._dt is not None:
            self._figure = "".join(self._dt).strip()
            self._dt = None
        elif tag == "strong" and self._figure is not None and self._cell is not None:
            self.figures[self._figure] = "".join(self._cell).strip()
            self._figure = self._cell = None

    def handle_data(self, data):
        for part in (self._cell, self._dt):
            if part is not None:
                part.append(data)


def read_page(html: str) -> _Tables:
    """Each data table by its name (header row first) and each headline figure by label."""
    parser = _Tables()
    parser.feed(html)
    return parser
