"""The public teaser, opened from outside: through its tracked link or at the post's own address.

It shows the community's card, the teaser and one way in; every link on it works for the
person looking at it; a sign-up through it lands on the post, and the join counts for the
cross-post it came through.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import JoinRequest, JoinRequestStatus, Membership
from communities.services.invitations import do_create_invitation
from communities.services.membership_rules import base_tier
from feeds.crossposting.models import CrossPostStatus, Referral
from sosoon_site.accounts.models import Block
from tests.communities.test_invitations import signup_data
from tests.factories import add_member


class Links(HTMLParser):
    """Every address a page points at: links, images, form targets."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in {"a": "href", "img": "src", "form": "action"}.get(tag, "").split():
            if attrs.get(name):
                self.found.append(attrs[name])


def local_links(page: str) -> list[str]:
    parser = Links()
    parser.feed(page)
    return [
        link
        for link in parser.found
        if not urlsplit(link).netloc and not link.startswith(("#", "/static/"))
    ]


def assert_no_dead_ends(client: Client, page: str) -> None:
    """Every local address on `page` answers the same visitor with something other than 404
    (a form's target is checked with GET: 405 means it is there)."""
    links = local_links(page)
    assert links
    dead = {link: status for link in links if (status := _status(client, link)) == 404}
    assert not dead, dead


def _status(client: Client, link: str) -> int:
    return client.get(link, follow=True).status_code


def action_of(page: str) -> str:
    start = page.index('data-testid="way-in"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def tracked(x_account, crosspost_factory, community, owner):
    """A published cross-post with its own invitation, as the schedule form makes it."""
    return crosspost_factory(
        x_account,
        status=CrossPostStatus.PUBLISHED,
        invitation=do_create_invitation(community, owner, tier=base_tier(community)),
    )


def landing_url(crosspost) -> str:
    return reverse("crossposting:landing", args=[crosspost.ref_code])


@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "listed"])
def test_the_tracked_link_shows_card_teaser_and_join(client, tracked, community, listed):
    community.discoverability = "listed" if listed else "unlisted"
    community.save()

    page = client.get(landing_url(tracked)).content.decode()

    assert 'data-testid="community-card"' in page and "Natural Wine Club" in page
    assert "2 members ·" in page
    assert "New vintage arriving Friday" in page
    assert f'src="{tracked.post.images.get().get_absolute_url()}"' in page
    action = action_of(page)
    assert 'data-way="join"' in action
    assert f"{tracked.invitation.get_absolute_url()}?next=%2Fp%2F{tracked.post.pk}%2F" in action
    assert "request-to-join" not in page  # one action, not two
    assert "<title>New vintage arriving Friday · Natural Wine Club" in page
    assert_no_dead_ends(client, page)


@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "listed"])
def test_the_post_opened_directly_is_the_teaser_too(client, public_post, community, listed):
    community.discoverability = "listed" if listed else "unlisted"
    community.save()

    page = client.get(public_post.get_absolute_url()).content.decode()

    assert 'data-testid="teaser"' in page and "New vintage arriving Friday" in page
    if listed:
        assert 'data-way="sign_in_to_request"' in page
        assert f'href="/accounts/login/?next=%2Fp%2F{public_post.pk}%2F"' in page
    else:
        assert 'data-way="invitation_only"' in page
        assert "ask a member for an invitation link" in page
    assert f'href="/c/{community.slug}/"' in page if listed else "/c/wine/" not in page
    assert_no_dead_ends(client, page)


def test_a_signed_in_outsider_gets_no_dead_end_either(client, tracked, outsider):
    tracked.invitation.revoked_at = tracked.invitation.created_at
    tracked.invitation.save()
    client.force_login(outsider)

    page = client.get(landing_url(tracked)).content.decode()

    assert 'data-way="invitation_only"' in page
    assert_no_dead_ends(client, page)


def test_members_are_offered_the_post_itself(client, tracked, member):
    client.force_login(member)

    page = client.get(landing_url(tracked)).content.decode()
    assert 'data-way="member"' in page and "join-link" not in page
    post_page = client.get(tracked.post.get_absolute_url()).content.decode()

    assert 'data-testid="teaser"' not in post_page and 'id="comments"' in post_page


def test_signing_up_through_the_teaser_lands_on_the_post_and_counts_for_the_crosspost(
    client, tracked, community, owner
):
    teaser = client.get(landing_url(tracked)).content.decode()
    join = action_of(teaser).split('href="')[1].split('"')[0].replace("&amp;", "&")
    invitation_page = client.get(join).content.decode()
    signup = invitation_page.split('data-testid="signup"')[0].rsplit('href="', 1)[1]
    signup = signup.split('"')[0].replace("&amp;", "&")
    assert_no_dead_ends(Client(), invitation_page)

    response = client.post(signup, signup_data(), follow=True)

    assert response.redirect_chain[-1][0] == tracked.post.get_absolute_url()
    page = response.content.decode()
    assert "Welcome to Natural Wine Club!" in page
    assert 'id="comments"' in page  # the post itself now, not its teaser
    newcomer = Membership.objects.get(community=community, user__handle="newcomer")
    assert newcomer.joined_via_invitation == tracked.invitation
    client.force_login(owner)
    listing = client.get(reverse("crossposting:list", args=[community.slug])).content.decode()
    assert "1 visit · 1 join" in listing


def test_a_signed_in_outsider_joins_and_lands_on_the_post(client, tracked, outsider):
    client.force_login(outsider)
    join = action_of(client.get(landing_url(tracked)).content.decode())
    join = join.split('href="')[1].split('"')[0].replace("&amp;", "&")
    invitation_page = client.get(join).content.decode()
    assert f'name="next" value="/p/{tracked.post.pk}/"' in invitation_page

    response = client.post(join, {"next": f"/p/{tracked.post.pk}/"}, follow=True)

    assert response.redirect_chain[-1][0] == tracked.post.get_absolute_url()
    assert Membership.objects.get(user=outsider).joined_via_invitation == tracked.invitation


def test_the_invitation_never_sends_anyone_to_another_site(client, tracked, outsider):
    client.force_login(outsider)
    url = tracked.invitation.get_absolute_url()

    response = client.post(f"{url}?next=https://evil.test/", {"next": "https://evil.test/"})

    assert response["Location"] == "/c/wine/"


def test_a_listed_community_without_a_usable_invitation_takes_a_request(
    client, tracked, community, outsider
):
    community.discoverability = "listed"
    community.save()
    tracked.invitation.revoked_at = tracked.invitation.created_at
    tracked.invitation.save()
    client.force_login(outsider)

    page = client.get(landing_url(tracked)).content.decode()
    assert 'data-way="request"' in page and "join-link" not in page
    client.post(landing_url(tracked))

    join_request = JoinRequest.objects.get(user=outsider, community=community)
    assert join_request.status == JoinRequestStatus.PENDING
    assert Referral.objects.get(join_request=join_request).crosspost == tracked
    again = client.get(landing_url(tracked)).content.decode()
    assert 'data-way="requested"' in again and "request-to-join" not in again


@pytest.mark.parametrize("person", ["banned", "outsider"])
def test_an_unlisted_community_takes_no_requests(client, tracked, request, person):
    tracked.invitation.revoked_at = tracked.invitation.created_at
    tracked.invitation.save()
    client.force_login(request.getfixturevalue(person))

    client.post(landing_url(tracked))

    assert not JoinRequest.objects.exists()


def test_a_banned_person_is_offered_no_way_in(client, tracked, community):
    community.discoverability = "listed"
    community.save()
    banned = add_member(community, status="banned").user
    client.force_login(banned)

    page = client.get(landing_url(tracked)).content.decode()

    assert 'data-way="banned"' in page and "join-link" not in page


def test_someone_the_author_blocked_gets_no_teaser_and_is_not_counted(
    client, tracked, user_factory
):
    outsider = user_factory(handle="outsider")
    Block.objects.create(blocker=tracked.post.author, blocked=outsider)
    client.force_login(outsider)
    assert client.get(landing_url(tracked)).status_code == 404
    tracked.refresh_from_db()
    assert tracked.visit_count == 0
