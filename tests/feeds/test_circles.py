"""Circles: private to their owner, people added from shared communities, nobody notified."""

import pytest
from django.urls import reverse

from communities.models import Notification
from feeds.models import Circle, CircleMember
from sosoon_site.accounts.blocks import do_block
from tests.factories import add_member


def add(client, circle, handle):
    return client.post(reverse("feeds:circle", kwargs={"circle_id": circle.pk}), {"handle": handle})


def test_everyone_has_close_friends_from_the_first_visit(client, member):
    client.force_login(member)
    page = client.get(reverse("feeds:circles"))
    assert page.status_code == 200 and "Close friends" in page.text
    assert Circle.objects.filter(owner=member, is_close_friends=True).count() == 1
    client.get(reverse("feeds:circles"))
    assert Circle.objects.filter(owner=member).count() == 1


def test_a_new_account_starts_with_an_empty_close_friends(user_factory):
    person = user_factory()
    circle = Circle.objects.get(owner=person)
    assert circle.is_close_friends and circle.name == "Close friends"
    assert not circle.members.exists()


@pytest.mark.parametrize(
    "page",
    [
        lambda slug: reverse("feeds:compose", kwargs={"slug": slug}),
        lambda slug: reverse("feeds:community", kwargs={"slug": slug}),
        lambda slug: reverse("feeds:audience", kwargs={"slug": slug}) + "?audience=circle",
        lambda slug: reverse("feeds:circles"),
    ],
    ids=["composer", "community feed", "audience line", "circle list"],
)
def test_reading_a_page_with_the_composer_writes_no_circle(client, community, member, page):
    """An account without a Close friends circle (one made before circles came with the
    account) opens the pages: they answer, and nothing is written."""
    Circle.objects.filter(owner=member).delete()
    client.force_login(member)
    response = client.get(page(community.slug))
    assert response.status_code == 200
    assert not Circle.objects.filter(owner=member).exists()


def test_the_composer_offers_close_friends_to_a_new_account(client, community, user_factory):
    person = add_member(community, user_factory()).user
    client.force_login(person)
    page = client.get(reverse("feeds:compose", kwargs={"slug": community.slug}))
    circle = Circle.objects.get(owner=person)
    assert f'value="circle:{circle.pk}"' in page.text and "> Close friends</label>" in page.text
    assert Circle.objects.filter(owner=person).count() == 1


def test_adding_people_who_share_a_community_silently(client, author, member, close_friends):
    client.force_login(author)
    assert add(client, close_friends, f"@{member.handle}").status_code == 302
    assert CircleMember.objects.filter(circle=close_friends, user=member).exists()
    assert not Notification.objects.filter(recipient=member).exists()


def test_strangers_and_blocked_people_cannot_be_added(
    client, author, outsider, member, close_friends
):
    do_block(member, author)
    client.force_login(author)
    for handle in [outsider.handle, member.handle, author.handle, "nobody"]:
        response = add(client, close_friends, handle)
        assert response.status_code == 400
        assert "share a community with you" in response.text
    assert not CircleMember.objects.exists()


def test_circles_are_private_to_their_owner(client, author, member, close_friends):
    client.force_login(member)
    assert (
        client.get(reverse("feeds:circle", kwargs={"circle_id": close_friends.pk})).status_code
        == 404
    )
    assert add(client, close_friends, member.handle).status_code == 404


def test_named_circles_are_created_removed_from_and_deleted(client, author, member):
    client.force_login(author)
    client.post(reverse("feeds:circles"), {"name": "Winemakers"})
    circle = Circle.objects.get(name="Winemakers")
    add(client, circle, member.handle)
    client.post(
        reverse("feeds:remove_from_circle", kwargs={"circle_id": circle.pk, "user_id": member.pk})
    )
    assert not circle.members.exists()
    assert client.post(reverse("feeds:circles"), {"name": "winemakers"}).status_code == 400
    client.post(reverse("feeds:delete_circle", kwargs={"circle_id": circle.pk}))
    assert not Circle.objects.filter(name="Winemakers").exists()


def test_close_friends_cannot_be_deleted(client, author, close_friends):
    client.force_login(author)
    client.post(reverse("feeds:delete_circle", kwargs={"circle_id": close_friends.pk}))
    assert Circle.objects.filter(pk=close_friends.pk).exists()
