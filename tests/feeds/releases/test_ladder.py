"""A preview on a release ladder: Insiders first, everyone in the community on Friday 09:00, a
public teaser on Monday. Access changes exactly at each step's time on every surface, with no
job run; the job tells each step's new people once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Notification
from feeds.live import feed_recipients
from feeds.models import Comment, Post, Reaction
from feeds.policy import access_post, audience_of
from feeds.releases.services import do_announce_due_steps
from feeds.releases.tasks import announce_releases
from tests.feeds.conftest import START
from tests.feeds.releases.conftest import JUST_BEFORE, MEMBERS_AT, PUBLIC_AT


def client_for(user) -> Client:
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    return client


def surfaces(viewer, post: Post) -> dict[str, bool]:
    """What each surface shows `viewer` of `post` at the clock's time."""
    client = client_for(viewer)
    found = {"queryset": Post.objects.visible_to(viewer).filter(pk=post.pk).exists()}
    try:
        access_post(viewer, post.pk)
        found["access_post"] = True
    except Exception:
        found["access_post"] = False
    found["post_page"] = client.get(post.get_absolute_url()).status_code == 200
    found["comments"] = Comment.objects.visible_to(viewer).filter(post=post).exists()
    found["reactions"] = Reaction.objects.visible_to(viewer).filter(post=post).exists()
    if viewer.is_authenticated:
        found["audience_of"] = audience_of(post).filter(pk=viewer.pk).exists()
    return found


def member_surfaces(viewer, post: Post) -> dict[str, bool]:
    """The surfaces only a member has: the feeds, search, and the card's comment count."""
    client = client_for(viewer)
    feed = client.get(reverse("feeds:community", kwargs={"slug": "wine"})).text
    search = client.get(reverse("feeds:community", kwargs={"slug": "wine"}), {"q": "spring"})
    card = feed.split(f'id="post-{post.pk}"', 1)
    count = re.search(r'data-testid="comment-count">([^<]*)<', card[1]) if len(card) > 1 else None
    return {
        "community_feed": len(card) > 1,
        "search": f'id="post-{post.pk}"' in search.text,
        "home_feed": f'id="post-{post.pk}"' in client.get("/").text,
        "comment_count": bool(count) and count.group(1) == "1 comment",
    }


def everywhere(viewer, post) -> dict[str, bool]:
    return {**surfaces(viewer, post), **member_surfaces(viewer, post)}


def test_the_whole_community_gets_the_preview_exactly_at_its_step(clock, preview, member, insider):
    assert all(everywhere(insider, preview).values())
    clock.at = MEMBERS_AT - JUST_BEFORE
    seen = everywhere(member, preview)
    assert not any(seen.values()), seen
    assert client_for(member).get(preview.get_absolute_url()).status_code == 404

    clock.at = MEMBERS_AT
    seen = everywhere(member, preview)
    assert all(seen.values()), seen
    assert all(everywhere(insider, preview).values())


@pytest.mark.parametrize("viewer_name", ["outsider", "anonymous"])
def test_the_public_teaser_opens_to_outsiders_exactly_at_its_step(
    request, clock, preview, viewer_name
):
    viewer = request.getfixturevalue(viewer_name)
    clock.at = PUBLIC_AT - JUST_BEFORE
    assert not any(surfaces(viewer, preview).values())
    clock.at = PUBLIC_AT
    assert all(surfaces(viewer, preview).values())


def test_the_ladder_never_opens_to_someone_outside_the_community_before_the_public_step(
    clock, preview, outsider, banned
):
    clock.at = MEMBERS_AT
    for viewer in (outsider, banned):
        assert not any(surfaces(viewer, preview).values())


def test_the_opening_step_reaches_the_owner_and_insiders_and_announces_to_them(
    preview, owner, insider, member
):
    assert set(feed_recipients(preview)) == {owner.pk, insider.pk}


def test_each_step_tells_the_people_it_newly_reaches_once(
    clock, community, author, insider, member, owner, user_factory
):
    """The member (mentioned) hears of the mention, the moderator of the release; the insider
    and the owner, who could see it from the start, hear nothing more; running the job again,
    or before the step's time, tells nobody."""
    from feeds.models import Audience
    from feeds.releases.services import StepDraft
    from feeds.services.posts import check_create_post
    from tests.factories import add_member

    community.allow_public_teasers = True
    community.save()
    moderator = add_member(community, user_factory(handle="mod"), role="moderator").user
    post = check_create_post(
        author,
        community,
        body=f"Preview for now, @{member.handle}",
        audience=Audience.TIER,
        min_tier=community.tiers.get(name="Insider"),
        steps=[StepDraft(at=MEMBERS_AT, audience=Audience.COMMUNITY)],
    )
    assert Notification.objects.filter(target_id=post.pk).count() == 0

    clock.at = MEMBERS_AT - JUST_BEFORE
    assert do_announce_due_steps() == 0
    clock.at = MEMBERS_AT
    assert announce_releases() == "announced 1 release step(s)"
    assert announce_releases() == "announced 0 release step(s)"

    told = sorted(
        Notification.objects.filter(target_id=post.pk).values_list("recipient__handle", "kind")
    )
    assert told == sorted([(member.handle, "mention"), (moderator.handle, "released")])
    page = client_for(moderator).get(reverse("communities:notifications"))
    assert "opened a post to you" in page.text


def test_a_removed_post_tells_nobody_at_its_step(clock, preview, member):
    preview.deleted = START
    preview.save()
    clock.at = MEMBERS_AT
    assert do_announce_due_steps() == 1
    assert not Notification.objects.filter(kind__in=["released", "mention"]).exists()


def test_the_release_job_runs_every_minute(db):
    from django.core.management import call_command
    from django_q.models import Schedule

    call_command("migrate", verbosity=0)
    schedule = Schedule.objects.get(name="releases-announce")
    assert (schedule.func, schedule.schedule_type, schedule.minutes) == (
        "feeds.releases.tasks.announce_releases",
        Schedule.MINUTES,
        1,
    )


def badge_on(client, url, post) -> str | None:
    """The audience badge of `post`'s card on the page at `url`."""
    page = client.get(url).text
    card = page.split(f'id="post-{post.pk}"', 1)[1].split("</article>", 1)[0]
    found = re.search(r'data-testid="audience-badge">([^<]*)<', card)
    return found.group(1) if found else None


def test_the_cards_badge_follows_the_ladder(clock, preview, insider):
    client = client_for(insider)
    feed = reverse("feeds:community", kwargs={"slug": "wine"})
    assert badge_on(client, feed, preview) == "Insider+"
    assert badge_on(client, preview.get_absolute_url(), preview) == "Insider+"
    clock.at = MEMBERS_AT
    assert badge_on(client, feed, preview) is None
    assert badge_on(client, preview.get_absolute_url(), preview) is None
    clock.at = PUBLIC_AT
    assert badge_on(client, "/", preview) == "Public"
