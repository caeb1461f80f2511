"""Demo data and the bulk seeder (scaled down)."""

from io import StringIO

from django.core.management import call_command

from feeds.models import Audience, Comment, Post, Reaction


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
