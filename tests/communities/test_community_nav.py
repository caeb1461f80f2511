"""The community header leads members to the posts, and managers to cross-posting."""

import pytest


@pytest.mark.parametrize(
    ("person", "sees_crossposts"),
    [("owner", True), ("admin", True), ("moderator", False), ("member", False)],
)
def test_header_links(client, community, request, person, sees_crossposts):
    client.force_login(request.getfixturevalue(person))

    page = client.get(f"/c/{community.slug}/").content.decode()

    assert f'href="/c/{community.slug}/posts/"' in page
    assert (f'href="/c/{community.slug}/crossposts/"' in page) is sees_crossposts
