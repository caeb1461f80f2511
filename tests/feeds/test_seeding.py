"""Demo data and the bulk seeder (scaled down)."""

from io import StringIO

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
