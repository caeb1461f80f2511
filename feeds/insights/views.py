"""The Insights page, its charts and their CSV downloads: for the community's owner and
admins only (the VIEW_INSIGHTS row of the role table); anyone else gets the same 404 as for
a community they may not know, moderators and members included."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from communities.permissions import Action, access_community, may, page_context
from feeds.insights import charts, report
from feeds.insights.partners.report import partners_table
from feeds.insights.periods import PRESETS, PeriodForm
from sosoon_site.svg_charts import svg_chart_policy


def _community(request, slug):
    """The community if the viewer may read its Insights; the same 404 as a hidden one else."""
    community = access_community(request, slug)
    if not may(request, community, Action.VIEW_INSIGHTS):
        raise Http404("No such page.")
    return community


def _period(request, community):
    form = PeriodForm(request.GET or None, community=community)
    preset, period = form.chosen()
    return form, preset, period


@login_required
def insights_page(request, slug):
    """The page: the period asked for (or the last 30 days, beside a message when the asked
    one is refused) compared with the one before."""
    community = _community(request, slug)
    form, preset, period = _period(request, community)
    query = period.query(preset)
    insights = report.insights_for(community, period, request.user)
    return render(
        request,
        "feeds/insights/insights.html",
        {
            **page_context(request, community),
            "form": form,
            "preset": preset,
            "presets": list(PRESETS),
            "period": period,
            "previous": period.previous(),
            "query": query,
            "insights": insights,
            "partners": partners_table(community, period),
        },
    )


_TABLES = {**report.TABLES, "partners": partners_table}


def _table(request, slug, name):
    """The community, the period and the named table: what a chart and a CSV are made of."""
    if name not in _TABLES:
        raise Http404("No such table.")
    community = _community(request, slug)
    _form, _preset, period = _period(request, community)
    return community, period, _TABLES[name](community, period)


@login_required
@svg_chart_policy
def chart(request, slug, name):
    """One table drawn as a line chart: an SVG image with the page's period."""
    if name not in charts.CHARTS:
        raise Http404("No such chart.")
    table = _table(request, slug, name)[2]
    svg = charts.line_chart(table, columns=charts.CHARTS[name])
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def table_csv(request, slug, name):
    """One table as a CSV download, cell for cell what the page shows."""
    community, period, table = _table(request, slug, name)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{community.slug}-{name}-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(table.headings)
    for row in table.rows:
        writer.writerow([report.as_text(cell) for cell in row])
    return response
