"""A stranger follows a cross-post's tracked link, joins through its teaser, lands on the post,
and the owner sees the visit and the join on the cross-post."""

import pytest
from playwright.sync_api import expect

from tests.e2e.crossposting_steps import sign_up_through_the_teaser
from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

DEV = "dev@demo.sosoon.test"

# A cross-post of the demo's public teaser, published to an X account of its community, with
# its own invitation: what the schedule form and the publisher leave behind.
PUBLISHED_CROSSPOST = """
from django.utils import timezone
from communities.models import Community
from communities.services.invitations import do_create_invitation
from communities.services.membership_rules import base_tier
from feeds.crossposting.models import CrossPost, ExternalAccount
from feeds.models import Post

synth = Community.objects.get(slug="vintage-synth-makers")
account = ExternalAccount(community=synth, platform="x", external_id="x-teaser", handle="synths")
account.access_token, account.refresh_token = "access", "refresh"
account.save()
post = Post.objects.get(community=synth, audience="public")
crosspost = CrossPost.objects.create(
    post=post, account=account, created_by=synth.owner, status="published",
    scheduled_at=timezone.now(), published_at=timezone.now(), external_id="1800",
    text="Juno-60 live on Sunday",
    invitation=do_create_invitation(synth, synth.owner, tier=base_tier(synth)),
)
from datetime import timedelta
from feeds.crossposting.metrics.models import CrossPostMetric
for hours, impressions in [(2, 40), (1, 130)]:
    CrossPostMetric.objects.create(
        crosspost=crosspost, sampled_at=timezone.now() - timedelta(hours=hours),
        values={"impressions": impressions, "likes": 4, "reposts": 1, "replies": 2},
    )
print(crosspost.ref_code, post.pk, crosspost.pk)
"""


def test_a_stranger_joins_through_the_tracked_link_and_lands_on_the_post(live, new_page):
    ref_code, post_id, crosspost_id = live.python(PUBLISHED_CROSSPOST).split()

    stranger = new_page()
    stranger.goto(f"/r/{ref_code}/")
    expect(stranger.get_by_test_id("community-card")).to_contain_text("Vintage Synth Makers")
    expect(stranger.get_by_test_id("teaser")).to_contain_text("restoring a Juno-60")
    links = stranger.eval_on_selector_all(
        "main a[href], header a[href], main img[src]",
        "nodes => nodes.map(node => node.href || node.src)",
    )
    assert links
    for link in links:
        assert stranger.request.get(link).status != 404, link
    expect(stranger.get_by_test_id("request-to-join")).to_have_count(0)

    sign_up_through_the_teaser(
        stranger, "Vintage Synth Makers", email="synthfan@example.test", handle="synthfan"
    )

    expect(stranger).to_have_url(live.url(f"/p/{post_id}/"))
    expect(stranger.get_by_text("Welcome to Vintage Synth Makers!")).to_be_visible()
    expect(stranger.get_by_role("heading", name="Comments")).to_be_visible()

    owner = sign_in(new_page(), DEV)
    owner.goto("/c/vintage-synth-makers/crossposts/")
    row = owner.locator(f"#crosspost-{crosspost_id}")
    expect(row.get_by_test_id("crosspost-counts")).to_have_text("1 visit · 1 join")

    row.get_by_role("link", name="Metrics").click()
    latest = owner.get_by_test_id("metrics-latest")
    expect(latest).to_contain_text("130 impressions")
    expect(latest).to_contain_text("1 visit (Sosoon)")
    expect(latest).to_contain_text("1 join (Sosoon)")
    chart = owner.get_by_role("img", name="Chart of the counts below over time")
    expect(chart).to_be_visible()
    # Visible is not loaded: wait for the chart's SVG to arrive and decode (a broken image
    # completes with no width, and the wait runs out).
    owner.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=chart.element_handle()
    )
