"""The metrics pages: one cross-post's series, and every account at a glance, each beside
Sosoon's own visits and joins from the tracked links. Like every cross-posting page they are
for the community's owners and admins (404 for anyone who may not know the community, 403 for
members without the role)."""

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from communities.permissions import Action, community_for, page_context
from feeds.crossposting.base import METRIC_NAMES
from feeds.crossposting.metrics import charts
from feeds.crossposting.metrics.services import labelled, series, with_latest_metrics
from feeds.crossposting.models import CrossPost, CrossPostStatus
from feeds.crossposting.providers import provider_for
from feeds.crossposting.services import tracking
from feeds.crossposting.services.scheduling import text_while_public
from sosoon_site.svg_charts import svg_chart_policy

# Recent cross-posts drawn per account.
ACCOUNT_CHART_POSTS = 12


def _crosspost(community, crosspost_id: int) -> CrossPost:
    return get_object_or_404(
        tracking.with_join_counts(
            CrossPost.objects.filter(account__community=community)
            .select_related("account", "post")
            .annotate(shown_text=text_while_public(F("text"), community_ids=[community.pk]))
        ),
        pk=crosspost_id,
    )


@login_required
def crosspost_metrics(request, slug, crosspost_id):
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    crosspost = with_latest_metrics([_crosspost(community, crosspost_id)])[0]
    names = provider_for(crosspost.account.platform).metric_names
    rows = [
        (
            sample.sampled_at,
            [sample.values.get(name) for name in names],
            sample.visits,
            sample.joins,
        )
        for sample in reversed(series(crosspost)[-48:])
    ]
    return render(
        request,
        "feeds/crossposting/metrics/crosspost.html",
        {
            **page_context(request, community),
            "crosspost": crosspost,
            "rows": rows,
            "joins": _joins(crosspost),
            "headings": [METRIC_NAMES[name] for name in names],
        },
    )


@login_required
@svg_chart_policy
def crosspost_chart(request, slug, crosspost_id):
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    crosspost = _crosspost(community, crosspost_id)
    names = provider_for(crosspost.account.platform).metric_names
    svg = charts.crosspost_chart(series(crosspost), names=names)
    return HttpResponse(svg, content_type="image/svg+xml")


def _joins(crosspost: CrossPost) -> int:
    return crosspost.invitation_joins + crosspost.request_joins


def _published(accounts, *, limit: int | None = None) -> list[CrossPost]:
    """The published cross-posts of `accounts`, newest first, with their join counts and
    newest sample: a fixed number of queries however many accounts and cross-posts."""
    crossposts = tracking.with_join_counts(
        CrossPost.objects.filter(account__in=accounts, status=CrossPostStatus.PUBLISHED).order_by(
            "-published_at", "-pk"
        )
    )
    return with_latest_metrics(list(crossposts[:limit] if limit else crossposts))


def _account_rows(account, published: list[CrossPost]) -> dict:
    """One account's totals (the newest counts of each published cross-post added up) and its
    recent cross-posts, for the overview."""
    totals: dict[str, int] = {}
    for crosspost in published:
        for name, value in (
            crosspost.latest_metrics.values if crosspost.latest_metrics else {}
        ).items():
            totals[name] = totals.get(name, 0) + value
    provider = provider_for(account.platform)
    return {
        "account": account,
        "published": len(published),
        "totals": labelled(totals),
        "visits": sum(crosspost.visit_count for crosspost in published),
        "joins": sum(
            crosspost.invitation_joins + crosspost.request_joins for crosspost in published
        ),
        "available": bool(provider.metric_names),
        "label": provider.label,
        "recent": published[:ACCOUNT_CHART_POSTS],
    }


@login_required
def account_metrics(request, slug):
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    connected = list(community.external_accounts.connected())
    by_account: dict[int, list[CrossPost]] = {}
    for crosspost in _published(connected):
        by_account.setdefault(crosspost.account_id, []).append(crosspost)
    accounts = [_account_rows(account, by_account.get(account.pk, [])) for account in connected]
    return render(
        request,
        "feeds/crossposting/metrics/accounts.html",
        {**page_context(request, community), "accounts": accounts},
    )


@login_required
@svg_chart_policy
def account_chart(request, slug, account_id):
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    account = get_object_or_404(community.external_accounts.connected(), pk=account_id)
    recent = _published([account], limit=ACCOUNT_CHART_POSTS)
    names = provider_for(account.platform).metric_names
    headline = names[0] if names else ""
    rows = [
        (
            f"#{crosspost.pk}",
            crosspost.latest_metrics.values.get(headline) if crosspost.latest_metrics else None,
            crosspost.visit_count,
            _joins(crosspost),
        )
        for crosspost in reversed(recent)
    ]
    svg = charts.account_chart(rows, headline=headline)
    return HttpResponse(svg, content_type="image/svg+xml")
