"""Small SVG charts, drawn on the server with pygal: no script runs in the browser.

The SVG is served as an image of its own (views.py), so it never needs the page's policy
relaxed: pygal writes its styles inline, which only that one response allows.
"""

import pygal
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from feeds.crossposting.base import METRIC_NAMES
from feeds.crossposting.metrics.models import CrossPostMetric

SIZE = {"width": 640, "height": 260, "explicit_size": True}


def _chart(kind, title: str):
    return kind(
        title=title,
        js=[],
        disable_xml_declaration=True,
        show_dots=True,
        legend_at_bottom=True,
        truncate_legend=-1,
        print_values=False,
        x_label_rotation=0,
        show_minor_x_labels=False,
        **SIZE,
    )


def crosspost_chart(samples: list[CrossPostMetric], *, names: tuple[str, ...]) -> str:
    """Each of `names` over time, with Sosoon's visits and joins from the tracked link."""
    chart = _chart(pygal.Line, _("Since publishing"))
    chart.x_labels = [
        date_format(timezone.localtime(sample.sampled_at), "j M H:i") for sample in samples
    ]
    chart.x_labels_major_every = max(1, len(samples) // 6)
    for name in names:
        chart.add(str(METRIC_NAMES[name]), [sample.values.get(name) for sample in samples])
    chart.add(_("Visits (Sosoon)"), [sample.visits for sample in samples])
    chart.add(_("Joins (Sosoon)"), [sample.joins for sample in samples])
    return chart.render(is_unicode=True)


def account_chart(rows: list[tuple[str, int | None, int, int]], *, headline: str) -> str:
    """Per recent cross-post: its `headline` metric beside its visits and joins.
    `rows` are (label, headline count or None, visits, joins), oldest first."""
    chart = _chart(pygal.Bar, _("Recent cross-posts"))
    chart.x_labels = [label for label, *_ in rows]
    if headline:
        chart.add(str(METRIC_NAMES[headline]), [count for _pk, count, _visits, _joins in rows])
    chart.add(_("Visits (Sosoon)"), [visits for _pk, _count, visits, _joins in rows])
    chart.add(_("Joins (Sosoon)"), [joins for *_others, joins in rows])
    return chart.render(is_unicode=True)
