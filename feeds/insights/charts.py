"""Line charts of the Insights tables, drawn on the server as SVG by pygal: no script.

The SVG is served as an image of its own, so the page's policy stays strict; its styles are
inside it, transparent behind and with the site's colours for light and dark themes (the
image follows the reader's `prefers-color-scheme`). It scales to the width of a phone.
"""

from xml.etree import ElementTree

import pygal
from pygal.style import Style

from feeds.insights.report import Table

# Drawn small, so that a phone shows the labels near their own size; a wider screen scales up.
WIDTH, HEIGHT = 480, 300
# The site's accent first, then colours that stay apart from each other in both themes.
_COLOURS = ("#8e3b77", "#2f7d5b", "#c0612b", "#3d6fb6", "#7a6a58")
_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1b1a19",
    foreground_strong="#1b1a19",
    foreground_subtle="#d8d3cc",
    colors=_COLOURS,
    font_family="system-ui, sans-serif",
    label_font_size=15,
    major_label_font_size=15,
    legend_font_size=16,
    title_font_size=16,
)
# pygal scopes its own rules to the chart's id; these win in the dark.
_DARK_COLOURS = ("#d9a3cb", "#7bd8a6", "#f0a46e", "#8fb4f0", "#c9bba8")
_SERIES_IN_THE_DARK = "".join(
    f".color-{index} {{ stroke: {colour} !important; fill: {colour} !important; }}"
    for index, colour in enumerate(_DARK_COLOURS)
)
_DARK = (
    "@media (prefers-color-scheme: dark) {"
    " text { fill: #f1eee9 !important; }"
    " .axis .guides .line, .axis .line, .axis .guide.line { stroke: #37332f !important; }"
    f" {_SERIES_IN_THE_DARK} }}"
)


def line_chart(table: Table, *, columns: list[int]) -> str:
    """The `columns` of `table` over its first column (the days), as one SVG document."""
    chart = pygal.Line(
        style=_STYLE,
        css=["file://style.css", "file://graph.css", f"inline:{_DARK}"],
        js=[],
        disable_xml_declaration=True,
        width=WIDTH,
        height=HEIGHT,
        show_dots=len(table.rows) <= 31,
        dots_size=3,
        legend_at_bottom=True,
        legend_at_bottom_columns=2,
        truncate_legend=-1,
        truncate_label=-1,
        x_label_rotation=0,
        show_minor_x_labels=False,
        include_x_axis=True,
        min_scale=2,
        max_scale=8,
    )
    days = table.column(0)
    chart.x_labels = [f"{day:%-d %b}" for day in days]
    chart.x_labels_major_every = max(1, len(days) // 4)
    for index in columns:
        chart.add(table.headings[index], table.column(index))
    svg = chart.render_tree()
    # pygal writes its configuration into a script; the chart needs none.
    for parent in list(svg.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return ElementTree.tostring(svg, encoding="unicode")


CHARTS = {"members": [1, 2, 3, 4], "activity": [1, 2, 3, 4]}
