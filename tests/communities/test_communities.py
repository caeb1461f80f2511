"""Creating and running communities, the 404 rule, settings, tiers, admin and demo data."""

import io
import os
import re
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from communities.models import Community, Membership, Tier
from communities.services.invitations import do_create_invitation
from communities.services.join_requests import check_request_to_join
from tests.factories import create_community

CREATE = reverse("communities:create")


def png(size=(40, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "purple").save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_create_a_community_with_its_base_tier_and_owner(client, outsider):
    client.force_login(outsider)
    response = client.post(
        CREATE,
        {
            "name": "Sourdough Circle",
            "description": "Bread.",
            "discoverability": "unlisted",
            "avatar": png(),
        },
        follow=True,
    )
    community = Community.objects.get(name="Sourdough Circle")
    assert response.redirect_chain[-1][0] == "/c/sourdough-circle/"
    assert community.owner == outsider and community.avatar.name.endswith(".jpg")
    assert list(community.tiers.values_list("name", "rank")) == [("Member", 0)]
    assert Membership.objects.get(community=community).role == "owner"
    assert "Sourdough Circle" in client.get("/").content.decode()  # on the home page


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "   "}, "This field is required."),
        ({"name": "natural wine club"}, "Another community already has this name."),
        ({"name": "New", "slug": "wine"}, "Another community already uses this address."),
        ({"name": "New", "slug": "not a slug!"}, "Enter a valid “slug”"),
        ({"name": "!!!"}, "Choose an address"),
        (
            {"name": "New", "avatar": SimpleUploadedFile("x.png", b"not an image")},
            "Upload a valid image",
        ),
        (
            {"name": "New", "cover": SimpleUploadedFile("x.gif", b"GIF89a" + b"\0" * 10)},
            "Upload a valid image",
        ),
    ],
)
def test_bad_community_input_is_refused_and_nothing_is_saved(
    client, community, outsider, data, field_message
):
    client.force_login(outsider)
    response = client.post(CREATE, {"discoverability": "listed", **data})
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert Community.objects.count() == 1 and Tier.objects.count() == 2


def test_oversize_avatar_is_refused(client, outsider, settings):
    client.force_login(outsider)
    noise = Image.frombytes("RGB", (1500, 1500), os.urandom(1500 * 1500 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert buffer.tell() > 5 * 1024 * 1024
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    response = client.post(CREATE, {"name": "Big", "discoverability": "listed", "avatar": big})
    assert "The image is larger than 5 MB." in response.content.decode()
    assert not Community.objects.exists()


def test_unverified_people_cannot_create_communities(client, outsider):
    EmailAddress.objects.filter(user=outsider).update(verified=False)
    client.force_login(outsider)
    assert client.get(CREATE).status_code == 403


def test_staff_only_creation(client, settings, outsider, user_factory):
    settings.SOSOON_COMMUNITY_CREATORS = "staff"
    client.force_login(outsider)
    assert client.get(CREATE).status_code == 403
    assert "New community" not in client.get(reverse("communities:directory")).content.decode()
    client.force_login(user_factory(is_staff=True))
    assert client.get(CREATE).status_code == 200


def test_a_bad_creators_setting_names_the_variable():
    env = {**os.environ, "DEBUG": "1", "SOSOON_COMMUNITY_CREATORS": "everyone"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", "import sosoon_site.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "SOSOON_COMMUNITY_CREATORS must be anyone or staff" in result.stderr


def test_settings_page_saves_and_validates(client, community, admin):
    client.force_login(admin)
    url = reverse("communities:settings", kwargs={"slug": "wine"})
    base = {"name": "Natural Wine Club", "discoverability": "listed", "description": "New words"}
    client.post(url, {**base, "member_cap": "50", "auto_approve_domains": "@Wine.test\n"})
    community.refresh_from_db()
    assert (community.member_cap, community.discoverability) == (50, "listed")
    assert community.allowed_domains() == {"wine.test"}
    for bad, message in [
        ({"member_cap": "0"}, "The member cap must be at least 1"),
        ({"member_cap": "-3"}, "greater than or equal to"),
        ({"auto_approve_domains": "not a domain"}, "Not a domain"),
        ({"name": ""}, "This field is required."),
    ]:
        response = client.post(url, {**base, **bad})
        assert message in response.content.decode()
    community.refresh_from_db()
    assert community.member_cap == 50 and community.name == "Natural Wine Club"


def test_duplicate_name_in_settings(client, community, listed_community, admin):
    client.force_login(admin)
    url = reverse("communities:settings", kwargs={"slug": "wine"})
    response = client.post(url, {"name": "Vintage Synth Makers", "discoverability": "unlisted"})
    assert "Another community already has this name." in response.content.decode()
    community.refresh_from_db()
    assert community.name == "Natural Wine Club"


def test_tiers_add_rename_delete(client, community, admin, insider):
    client.force_login(admin)
    url = reverse("communities:tiers", kwargs={"slug": "wine"})
    client.post(url, {"name": "VIP"})
    assert list(community.tiers.values_list("name", "rank")) == [
        ("Member", 0),
        ("Insider", 1),
        ("VIP", 2),
    ]
    response = client.post(url, {"name": "vip"})
    assert "already has a tier with that name" in response.content.decode()
    insider_tier = community.tiers.get(name="Insider")
    change = reverse("communities:tier_change", kwargs={"slug": "wine", "tier_id": insider_tier.pk})
    client.post(change, {"name": "Friends"})
    client.post(change, {"delete": "1"})
    assert Membership.objects.get(user=insider).tier.name == "Member"
    base = community.tiers.get(rank=0)
    base_change = reverse("communities:tier_change", kwargs={"slug": "wine", "tier_id": base.pk})
    response = client.post(base_change, {"delete": "1"}, follow=True)
    assert "The base tier cannot be deleted." in response.content.decode()


def test_owner_deletes_the_community_after_typing_its_name(client, community, owner):
    client.force_login(owner)
    url = reverse("communities:delete", kwargs={"slug": "wine"})
    response = client.post(url, {"confirm_name": "wine"}, follow=True)
    assert "Type the community" in response.content.decode()
    assert Community.objects.exists()
    client.post(url, {"confirm_name": "Natural Wine Club"})
    assert not Community.objects.exists()


# Rule 9: an unlisted community is a 404 for outsiders on every page that names it.


def community_urls(community, owner):
    invitation = do_create_invitation(community, owner, tier=community.tiers.first())
    membership = community.memberships.get(user=owner)
    tier = community.tiers.first()
    kwargs = {"slug": community.slug}
    return [
        reverse(name, kwargs=kwargs)
        for name in [
            "communities:home",
            "communities:settings",
            "communities:delete",
            "communities:leave",
            "communities:transfer",
            "communities:members",
            "communities:tiers",
            "communities:invitations",
            "communities:email_invitations",
            "communities:request_to_join",
            "communities:requests",
        ]
    ] + [
        reverse(
            "communities:member_action",
            kwargs={**kwargs, "membership_id": membership.pk, "action": "role"},
        ),
        reverse(
            "communities:confirm_member_action",
            kwargs={**kwargs, "membership_id": membership.pk, "action": "ban"},
        ),
        reverse("communities:tier_change", kwargs={**kwargs, "tier_id": tier.pk}),
        reverse("communities:batch", kwargs={**kwargs, "batch_id": 1}),
        reverse("communities:revoke_invitation", kwargs={**kwargs, "invitation_id": invitation.pk}),
        reverse("communities:decide_request", kwargs={**kwargs, "request_id": 1}),
    ]


URL_COUNT = 17


@pytest.mark.parametrize("position", range(URL_COUNT))
@pytest.mark.parametrize("viewer", ["outsider", "banned", "anonymous_client"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_unlisted_community_is_404_for_outsiders_everywhere(
    request, client, community, owner, position, viewer, method
):
    urls = community_urls(community, owner)
    assert len(urls) == URL_COUNT
    if viewer != "anonymous_client":
        client.force_login(request.getfixturevalue(viewer))
    url = urls[position]
    response = getattr(client, method)(url)
    missing = getattr(client, method)(url.replace("/c/wine/", "/c/no-such-community/"))
    if viewer == "anonymous_client" and response.status_code == 302:
        # login_required pages send visitors to sign in first; signed in, they get the 404
        # (checked for the outsider); either way nothing reveals that the community exists.
        assert response["Location"].startswith(reverse("account_login"))
        return
    # 404, or 405 for a GET on a POST-only page: exactly what a missing community gets.
    assert response.status_code == missing.status_code
    assert response.status_code in (404, 405)
    assert "Natural Wine Club" not in response.content.decode()
    assert not Community.objects.get(pk=community.pk).memberships.filter(role="admin").exists()


def test_a_missing_community_looks_the_same(client, community, outsider):
    client.force_login(outsider)
    unlisted = client.get("/c/wine/")
    missing = client.get("/c/nothing-here/")
    assert unlisted.status_code == missing.status_code == 404

    def without_csrf(response):
        return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())

    assert without_csrf(unlisted) == without_csrf(missing)


def test_listed_home_is_public_but_its_member_list_is_not(client, listed_community, outsider):
    assert client.get("/c/synth/").status_code == 200
    client.force_login(outsider)
    assert "Ask to join" in client.get("/c/synth/").content.decode()
    assert client.get("/c/synth/members/").status_code == 403


def test_topbar_links_to_the_directory(client, outsider):
    client.force_login(outsider)
    assert 'href="/c/">Communities</a>' in client.get("/").content.decode()


# Admin and demo data.


@pytest.mark.parametrize(
    "model", ["community", "tier", "membership", "invitation", "invitationbatch", "joinrequest"]
)
def test_admin_pages_load(admin_client, community, member, model):
    do_create_invitation(community, community.owner, tier=community.tiers.first())
    changelist = admin_client.get(reverse(f"admin:communities_{model}_changelist"), {"q": "wine"})
    assert changelist.status_code == 200
    assert admin_client.get(reverse(f"admin:communities_{model}_add")).status_code == 200


def test_admin_community_page_has_memberships_inline(admin_client, community, member):
    page = admin_client.get(reverse("admin:communities_community_change", args=[community.pk]))
    assert member.handle in page.content.decode() or str(member.pk) in page.content.decode()


def test_admin_actions_ban_members_and_revoke_invitations(admin_client, community, member, owner):
    memberships = community.memberships.filter(user__in=[member, owner])
    admin_client.post(
        reverse("admin:communities_membership_changelist"),
        {"action": "ban_members", "_selected_action": [m.pk for m in memberships]},
    )
    assert Membership.objects.get(user=member).status == "banned"
    assert Membership.objects.get(user=owner).status == "active"
    invitation = do_create_invitation(community, owner, tier=community.tiers.first())
    admin_client.post(
        reverse("admin:communities_invitation_changelist"),
        {"action": "revoke_invitations", "_selected_action": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_demo_data_is_complete_and_idempotent(db):
    from communities import demo as community_demo
    from sosoon_site.accounts import demo as account_demo

    account_demo.seed()
    assert community_demo.seed()
    assert community_demo.seed() == []
    wine = Community.objects.get(name="Natural Wine Club")
    assert not wine.is_listed and wine.owner.handle == "ana"
    assert list(wine.tiers.values_list("name", flat=True)) == ["Member", "Insider"]
    roles = set(wine.memberships.values_list("role", flat=True))
    assert roles == {"owner", "admin", "moderator", "member"}
    assert wine.memberships.filter(tier__name="Insider").exists()
    assert wine.invitations.filter(revoked_at__isnull=True).exists()
    synth = Community.objects.get(name="Vintage Synth Makers")
    assert synth.is_listed and synth.join_requests.filter(status="pending").exists()


def test_service_refuses_requests_to_unlisted_communities(community, outsider):
    from django.http import Http404

    with pytest.raises(Http404):
        check_request_to_join(outsider, community)


def test_a_community_counts_its_days_in_its_owners_time_zone_until_changed(
    client, user_factory, admin, community
):
    founder = user_factory(handle="founder", time_zone="Europe/Sofia")
    assert create_community(owner=founder).time_zone == "Europe/Sofia"
    client.force_login(admin)
    url = reverse("communities:settings", kwargs={"slug": "wine"})
    base = {"name": "Natural Wine Club", "discoverability": "unlisted"}
    response = client.post(url, {**base, "time_zone": "Mars/Olympus_Mons"})
    assert "Select a valid choice" in response.content.decode()
    community.refresh_from_db()
    assert community.time_zone == "UTC"
    client.post(url, {**base, "time_zone": "America/New_York"})
    community.refresh_from_db()
    assert community.time_zone == "America/New_York"
