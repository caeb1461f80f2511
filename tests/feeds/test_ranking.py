"""The Top formula of docs/ranking.md."""

import math
from datetime import timedelta

import pytest
from django.utils import timezone

from feeds.models import Post
from feeds.ranking import HoursSince, top_score


def test_a_post_with_no_engagement_from_a_stranger_decays_from_its_first_hour():
    assert top_score(reactions=0, comments=0, age_hours=0, interactions=0) == pytest.approx(
        1 / 2**1.5
    )


def test_comments_weigh_twice_a_reaction():
    two_reactions = top_score(reactions=2, comments=0, age_hours=3, interactions=0)
    one_comment = top_score(reactions=0, comments=1, age_hours=3, interactions=0)
    assert two_reactions == pytest.approx(one_comment)


def test_older_posts_need_more_engagement():
    fresh = top_score(reactions=1, comments=0, age_hours=1, interactions=0)
    day_old = top_score(reactions=1, comments=0, age_hours=24, interactions=0)
    assert day_old < fresh
    assert fresh / day_old == pytest.approx((26 / 3) ** 1.5)


def test_affinity_grows_slowly_with_interactions():
    base = top_score(reactions=0, comments=0, age_hours=5, interactions=0)
    assert top_score(
        reactions=0, comments=0, age_hours=5, interactions=math.e - 1
    ) == pytest.approx(2 * base)
    ten = top_score(reactions=0, comments=0, age_hours=5, interactions=10)
    hundred = top_score(reactions=0, comments=0, age_hours=5, interactions=100)
    assert ten < hundred < 2 * ten


@pytest.mark.django_db
def test_the_database_measures_a_post_age_in_hours(post_factory):
    post = post_factory()
    now = timezone.now()
    Post.objects.filter(pk=post.pk).update(created=now - timedelta(hours=5, minutes=30))
    age = (
        Post.objects.filter(pk=post.pk)
        .annotate(age=HoursSince("created", now))
        .values_list("age", flat=True)
        .get()
    )
    assert age == pytest.approx(5.5, abs=0.001)
