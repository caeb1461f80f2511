"""The composer's release ladder: each step's "Visible to N people" line, and bad ladders
refused with a clear message and nothing saved. Times are typed in the author's time zone."""

import pytest
from django.urls import reverse

from feeds.models import Audience, Post, ReleaseStep
from feeds.services.posts import check_edit_post
from tests.feeds.releases.conftest import MEMBERS_AT, PUBLIC_AT

LOCAL = "%Y-%m-%dT%H:%M"


def typed(moment) -> str:
    """A time as the author types it into a datetime-local field (their zone is UTC here)."""
    return moment.strftime(LOCAL)


@pytest.fixture
def teasers_on(community):
    community.allow_public_teasers = True
    community.save()
    return community


def compose(client, *, min_tier=None, audience="", **fields):
    """Post the composer with the one audience control on `audience` ("circle:8"), or on
    "<min_tier> and above"."""
    chosen = audience or f"tier:{min_tier}"
    data = {"body": "Preview: the spring allocation", "audience": chosen, **fields}
    return client.post(reverse("feeds:compose", kwargs={"slug": "wine"}), data)


def insider_tier(community):
    return community.tiers.get(name="Insider").pk


def test_the_composer_shows_the_ladder_and_who_each_step_reaches(
    client, clock, teasers_on, author, insider, member, owner
):
    client.force_login(author)
    page = client.get(reverse("feeds:compose", kwargs={"slug": "wine"}))
    assert 'data-testid="ladder"' in page.text and "Step 1: from" in page.text

    lines = client.get(
        reverse("feeds:audience", kwargs={"slug": "wine"}),
        {
            "audience": f"tier:{insider_tier(teasers_on)}",
            "step1_at": typed(MEMBERS_AT),
            "step1_audience": "community",
            "step2_at": typed(PUBLIC_AT),
            "step2_audience": "public",
        },
        HTTP_HX_REQUEST="true",
    )
    # Insider now: the insider, the owner and the author; then all four members.
    assert "Visible to 3 members of Natural Wine Club at Insider or above" in lines.text
    assert "From Fri 4 Dec 2026, 09:00:</strong> Visible to 4 members of Natural Wine" in (
        lines.text
    )
    assert "From Mon 7 Dec 2026, 08:00:</strong> Visible to anyone, signed in or not" in (
        lines.text
    )
    assert 'hx-swap-oob="true"' in lines.text


def test_a_post_with_a_ladder_is_saved_with_its_steps(client, clock, teasers_on, author):
    client.force_login(author)
    response = compose(
        client,
        min_tier=insider_tier(teasers_on),
        step1_at=typed(MEMBERS_AT),
        step1_audience="community",
        step2_at=typed(PUBLIC_AT),
        step2_audience="public",
    )
    post = Post.objects.get()
    assert response.status_code == 302 and post.staged
    assert list(post.release_steps.values_list("at", "audience")) == [
        (MEMBERS_AT, "community"),
        (PUBLIC_AT, "public"),
    ]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        (
            {"step1_at": PUBLIC_AT, "step1_audience": "community"}
            | {"step2_at": MEMBERS_AT, "step2_audience": "public"},
            "Step 2 (Fri 4 Dec 2026, 09:00) must come after step 1 (Mon 7 Dec 2026, 08:00).",
        ),
        (
            {"step1_at": MEMBERS_AT, "step1_audience": "public"}
            | {"step2_at": PUBLIC_AT, "step2_audience": "community"},
            "Step 2 (Everyone in the community) must reach more people than step 1 (Public",
        ),
        (
            {"step1_at": MEMBERS_AT, "step1_audience": "tier", "step1_min_tier": "insider"},
            "Step 1 (Insider or above) must reach more people than the post&#x27;s first",
        ),
        (
            {"step1_at": MEMBERS_AT.replace(year=2025), "step1_audience": "community"},
            "Step 1 (Thu 4 Dec 2025, 09:00) must come after now.",
        ),
        ({"step1_audience": "community"}, "Step 1: give both a time and who it opens to."),
        (
            {"step1_at": MEMBERS_AT, "step1_audience": "tier"},
            "Step 1: Choose the lowest tier that will see the post.",
        ),
    ],
    ids=["earlier", "narrower", "same-tier", "past", "half-filled", "no-tier"],
)
def test_a_bad_ladder_is_refused_and_nothing_is_saved(
    client, clock, teasers_on, author, steps, message
):
    client.force_login(author)
    fields = {
        name: typed(value) if name.endswith("_at") else value for name, value in steps.items()
    }
    if fields.get("step1_min_tier") == "insider":
        fields["step1_min_tier"] = insider_tier(teasers_on)
    response = compose(client, min_tier=insider_tier(teasers_on), **fields)
    assert response.status_code == 400
    assert message in response.text
    assert not Post.objects.exists() and not ReleaseStep.objects.exists()


def test_a_public_step_needs_the_community_to_allow_teasers(client, clock, community, author):
    client.force_login(author)
    response = compose(
        client,
        min_tier=insider_tier(community),
        step1_at=typed(MEMBERS_AT),
        step1_audience="public",
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Post.objects.exists()


def test_a_circle_post_cannot_carry_a_ladder(client, clock, author, close_friends):
    client.force_login(author)
    response = compose(
        client,
        audience=f"circle:{close_friends.pk}",
        step1_at=typed(MEMBERS_AT),
        step1_audience="community",
    )
    assert response.status_code == 400
    assert "A release ladder starts with a tier or the whole community." in response.text
    assert not Post.objects.exists()


def test_a_staged_posts_audience_follows_its_ladder_and_cannot_be_edited(
    client, preview, author, community
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="its audience follows the ladder"):
        check_edit_post(
            author,
            preview.pk,
            body="Edited",
            audience=Audience.COMMUNITY,
            min_tier=None,
            circle=None,
        )
    edited = check_edit_post(
        author,
        preview.pk,
        body="Edited text",
        audience=Audience.TIER,
        min_tier=community.tiers.get(name="Insider"),
        circle=None,
    )
    assert edited.body == "Edited text"
    assert Post.objects.get(pk=preview.pk).audience == Audience.TIER
