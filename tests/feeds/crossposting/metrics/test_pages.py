"""The metrics pages: per cross-post and per account, beside Sosoon's visits and joins; for
owners and admins only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feeds.crossposting.metrics.models import CrossPostMetric
from feeds.crossposting.models import CrossPostStatus


@pytest.fixture
def read(x_account, crosspost_factory):
    """A published X cross-post with two readings, an hour apart."""
    crosspost = crosspost_factory(
        x_account,
        status=CrossPostStatus.PUBLISHED,
        external_id="1800000000000000042",
        published_at=timezone.now() - timedelta(hours=3),
        visit_count=9,
    )
    now = timezone.now()
    for hours, impressions in [(2, 40), (1, 130)]:
        CrossPostMetric.objects.create(
            crosspost=crosspost,
            sampled_at=now - timedelta(hours=hours),
            values={"impressions": impressions, "likes": 4, "reposts": 1, "replies": 2},
            visits=hours * 3,
            joins=0,
        )
    return crosspost


def urls(crosspost):
    slug, account = crosspost.account.community.slug, crosspost.account
    return [
        reverse("crossposting:metrics:crosspost", args=[slug, crosspost.pk]),
        reverse("crossposting:metrics:crosspost_chart", args=[slug, crosspost.pk]),
        reverse("crossposting:metrics:accounts", args=[slug]),
        reverse("crossposting:metrics:account_chart", args=[slug, account.pk]),
    ]


def test_a_crossposts_page_shows_its_counts_over_time_beside_visits(client, owner, read):
    client.force_login(owner)

    page = client.get(urls(read)[0]).content.decode()

    assert "<title>Metrics of X @wineclub · Natural Wine Club" in page
    latest = page[page.index('data-testid="metrics-latest"') :]
    assert "<strong>130</strong> impressions" in latest
    assert "<strong>9</strong> visits (Sosoon)" in latest
    assert page.count('data-testid="metrics-row"') == 2
    assert f'src="{urls(read)[1]}"' in page


def test_the_chart_is_an_svg_drawn_on_the_server_with_no_script(client, owner, read):
    client.force_login(owner)

    response = client.get(urls(read)[1])

    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg") and "Impressions" in svg and "Visits (Sosoon)" in svg
    policy = response["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "style-src 'unsafe-inline'" in policy


def test_the_accounts_page_adds_up_each_accounts_newest_counts(
    client, owner, read, crosspost_factory, x_account
):
    other = crosspost_factory(
        x_account,
        status=CrossPostStatus.PUBLISHED,
        external_id="1800000000000000043",
        published_at=timezone.now() - timedelta(hours=2),
        visit_count=1,
    )
    CrossPostMetric.objects.create(
        crosspost=other, sampled_at=timezone.now(), values={"impressions": 20, "likes": 1}
    )
    client.force_login(owner)

    page = client.get(urls(read)[2]).content.decode()

    totals = page[page.index('data-testid="account-totals"') :]
    assert "<strong>150</strong> impressions" in totals
    assert "<strong>5</strong> likes" in totals
    assert "<strong>10</strong> visits (Sosoon)" in totals
    assert client.get(urls(read)[3])["Content-Type"] == "image/svg+xml"


def test_the_accounts_page_costs_the_same_queries_for_more_accounts_and_posts(
    client, owner, read, crosspost_factory, pinterest_account, tiktok_account
):
    client.force_login(owner)
    page = urls(read)[2]
    with CaptureQueriesContext(connection) as few:
        client.get(page)
    for account in (pinterest_account, tiktok_account):
        for number in range(3):
            crosspost = crosspost_factory(
                account,
                status=CrossPostStatus.PUBLISHED,
                external_id=f"{account.pk}{number}",
                published_at=timezone.now() - timedelta(hours=number + 1),
            )
            CrossPostMetric.objects.create(
                crosspost=crosspost, sampled_at=timezone.now(), values={"impressions": 3}
            )
    with CaptureQueriesContext(connection) as many:
        client.get(page)
    assert len(many) == len(few)


def test_tiktok_accounts_say_counts_are_not_available(client, owner, tiktok_account):
    client.force_login(owner)
    page = client.get(reverse("crossposting:metrics:accounts", args=["wine"])).content.decode()
    assert "Not available: TikTok reports no public counts for photo posts." in page


def test_the_list_shows_the_newest_counts_and_links_to_the_metrics(client, owner, read):
    client.force_login(owner)

    page = client.get(reverse("crossposting:list", args=["wine"])).content.decode()

    assert "130 impressions · 4 likes · 1 reposts · 2 replies ·" in page
    assert f'href="{urls(read)[0]}"' in page


@pytest.mark.parametrize(("person", "status"), [("member", 403), ("outsider", 404)])
def test_only_owners_and_admins_see_metrics(client, request, read, person, status):
    client.force_login(request.getfixturevalue(person))
    for url in urls(read):
        assert client.get(url).status_code == status, url


def test_signed_out_visitors_are_sent_to_sign_in(client, read):
    for url in urls(read):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_crosspost_of_another_community_is_not_found(
    client, owner, read, community_factory, user_factory
):
    stranger = user_factory(handle="stranger")
    community_factory(owner=stranger, name="Other", slug="other")
    client.force_login(stranger)
    url = reverse("crossposting:metrics:crosspost", args=["other", read.pk])
    assert client.get(url).status_code == 404
