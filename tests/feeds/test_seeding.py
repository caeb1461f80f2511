"""Demo data and the bulk seeder (scaled down)."""

import zoneinfo
from io import StringIO

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from feeds.models import Audience, Comment, Post, Reaction
from sosoon_site.accounts.models import User


def test_the_demo_has_posts_of_every_audience_and_loads_once(db, settings):
    settings.DEBUG = True  # the development profile: seed_demo refuses to run without it
    call_command("seed_demo", stdout=StringIO())
    assert set(Post.objects.values_list("audience", flat=True)) == set(Audience.values)
    assert Comment.objects.exists() and Reaction.objects.exists()
    counts = (Post.objects.count(), Comment.objects.count(), Reaction.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Post.objects.count(), Comment.objects.count(), Reaction.objects.count()) == counts


def test_seed_bulk_writes_the_requested_posts_with_comments_and_reactions(db):
    call_command("seed_bulk", members=40, communities=4, posts=500, stdout=StringIO())
    assert Post.objects.count() == 500
    assert Comment.objects.count() > 100 and Reaction.objects.count() > 300
    for post in Post.objects.select_related("community")[:50]:
        assert post.community.memberships.filter(user=post.author_id).exists()


def test_in_the_demo_ana_who_owns_the_wine_club_sees_bens_insider_preview(db, settings, client):
    """ana is in the base tier of the community she owns; emma, an Insider, sees the preview
    too, and farid, a base-tier member, does not."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    preview = Post.objects.get(audience=Audience.TIER, author__handle="ben")
    wine = preview.community
    assert wine.memberships.get(user__handle="ana").tier.is_base

    for handle, sees in [("ana", True), ("emma", True), ("farid", False)]:
        client.force_login(User.objects.get(handle=handle))
        page = client.get(preview.get_absolute_url())
        feed = client.get(reverse("feeds:community", kwargs={"slug": wine.slug}))
        search = client.get(
            reverse("feeds:community", kwargs={"slug": wine.slug}), {"q": "allocation"}
        )
        card = f'id="post-{preview.pk}"'
        assert (page.status_code, card in feed.text, card in search.text) == (
            (200, True, True) if sees else (404, False, False)
        ), handle


def test_in_the_demo_the_insider_preview_opens_to_everyone_on_friday(db, settings, clock):
    """The preview's ladder: every member from the coming Friday at 09:00 in the club's time
    zone, anyone from the Monday after; before, farid (base tier) does not see it."""
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    preview = Post.objects.get(audience=Audience.TIER, author__handle="ben")
    steps = list(preview.release_steps.order_by("at"))
    assert [step.audience for step in steps] == [Audience.COMMUNITY, Audience.PUBLIC]
    zone = zoneinfo.ZoneInfo(preview.community.time_zone)
    friday, monday = (step.at.astimezone(zone) for step in steps)
    assert (friday.weekday(), friday.hour, monday.weekday(), monday.hour) == (4, 9, 0, 8)
    assert friday > clock.at

    farid = User.objects.get(handle="farid")
    assert not Post.objects.visible_to(farid).filter(pk=preview.pk).exists()
    clock.at = friday
    assert Post.objects.visible_to(farid).filter(pk=preview.pk).exists()
    assert not Post.objects.visible_to(AnonymousUser()).filter(pk=preview.pk).exists()
    clock.at = monday
    assert Post.objects.visible_to(AnonymousUser()).filter(pk=preview.pk).exists()
