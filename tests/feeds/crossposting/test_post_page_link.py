"""The post page offers cross-posting to the people who may do it, on posts that may leave."""

import pytest


@pytest.mark.parametrize(
    ("person", "offered"), [("owner", True), ("admin", True), ("member", False)]
)
def test_public_posts_offer_crossposting_to_owners_and_admins(
    client, public_post, request, person, offered
):
    client.force_login(request.getfixturevalue(person))

    page = client.get(f"/p/{public_post.pk}/").content.decode()

    assert (f'href="/p/{public_post.pk}/crosspost/"' in page) is offered


def test_a_members_only_post_offers_no_crossposting(client, owner, post_factory):
    post = post_factory(audience="community", author=owner, body="Just for us")
    client.force_login(owner)

    page = client.get(f"/p/{post.pk}/").content.decode()

    assert "/crosspost/" not in page
