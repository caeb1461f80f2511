"""The shape every Insights table takes, and the one way a share is rounded, for the page's
report and the partners' alike (both read them, so neither imports the other)."""

from dataclasses import dataclass, field


@dataclass
class Table:
    """A heading row and rows of cells: what a chart draws, the page lists and a CSV holds."""

    title: str
    headings: list[str]
    rows: list[list] = field(default_factory=list)

    def column(self, index: int) -> list:
        return [row[index] for row in self.rows]


def share(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None
