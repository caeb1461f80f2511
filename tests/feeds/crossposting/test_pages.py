"""The pages: connecting accounts end to end, the schedule form, the list, the landing page."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.urls import reverse
from django.utils import timezone

from feeds.crossposting.models import AccountStatus, CrossPost, CrossPostStatus, ExternalAccount


def connect_through_pages(client, community, platform):
    """Press Connect, approve on the fake's authorize page, come back to the callback."""
    response = client.post(reverse("crossposting:connect", args=[community.slug, platform]))
    assert response.status_code == 302
    consent = httpx.get(response["Location"])
    assert consent.status_code == 200, consent.text
    assert "Authorize" in consent.text and "Sandbox" in consent.text
    approval = httpx.post(response["Location"], data={"decision": "authorize"})
    assert approval.status_code == 302, approval.text
    callback = httpx.URL(approval.headers["location"])
    return client.get(f"{callback.path}?{callback.query.decode()}", follow=True)


@pytest.mark.parametrize("platform", ["x", "pinterest", "tiktok"])
def test_connect_flow_end_to_end(platform, request, client, owner, community):
    fake = request.getfixturevalue(f"fake_{platform}")
    client.force_login(owner)

    page = connect_through_pages(client, community, platform)

    assert "Connected" in page.content.decode()
    account = ExternalAccount.objects.get(community=community, platform=platform)
    assert account.handle == "wineclub"
    assert account.status == AccountStatus.CONNECTED
    assert account.access_token in fake.access_tokens
    # At rest only ciphertext: neither token appears in the row's columns.
    assert account.access_token not in account.access_token_ciphertext
    assert account.refresh_token not in account.refresh_token_ciphertext
    assert account.access_token not in page.content.decode()


def test_a_callback_with_a_forged_state_is_refused(fake_x, client, owner, community):
    client.force_login(owner)
    client.post(reverse("crossposting:connect", args=[community.slug, "x"]))
    response = client.get(reverse("crossposting:callback", args=["x"]) + "?code=abc&state=forged")
    assert response.status_code == 400
    assert not ExternalAccount.objects.exists()


def test_accounts_page_is_for_owners_and_admins(client, member, outsider, admin, community):
    url = reverse("crossposting:accounts", args=[community.slug])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(admin)
    page = client.get(url)
    assert page.status_code == 200
    assert "<title>Connected accounts" in page.content.decode()


def test_disconnect_forgets_tokens_and_cancels(
    x_account, crosspost_factory, client, owner, community
):
    crosspost = crosspost_factory(x_account, scheduled_at=timezone.now() + timedelta(hours=1))
    client.force_login(owner)
    client.post(reverse("crossposting:disconnect", args=[community.slug, x_account.pk]))
    x_account.refresh_from_db()
    crosspost.refresh_from_db()
    assert x_account.disconnected_at and not x_account.access_token_ciphertext
    assert crosspost.status == CrossPostStatus.CANCELLED


def form_data(post, sections, **values):
    data = {"scheduled_at": values.pop("scheduled_at", "2031-06-01T09:30")}
    for prefix, fields in sections.items():
        for name, value in fields.items():
            data[f"{prefix}-{name}"] = value
    return data


def test_schedule_form_validates_next_to_each_field(
    client, owner, public_post, x_account, pinterest_account, tiktok_account
):
    client.force_login(owner)
    url = reverse("crossposting:schedule", args=[public_post.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "Natural wine" in html  # the board list came from GET /v5/boards
    assert "Public to everyone" in html  # privacy options from creator_info
    assert "New vintage arriving Friday" in html  # text prefilled from the post

    image = str(public_post.images.get().pk)
    response = client.post(
        url,
        form_data(
            public_post,
            {
                f"a{x_account.pk}": {"include": "on", "text": "🍷" * 141},
                f"a{pinterest_account.pk}": {
                    "include": "on",
                    "text": "ok",
                    "title": "t" * 101,
                    "board": "",
                },
                f"a{tiktok_account.pk}": {
                    "include": "on",
                    "text": "ok",
                    "images": image,
                },
            },
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "X counts this as 282 characters" in html
    assert "Choose the board to pin to." in html
    assert "A pin needs exactly one image." in html
    assert "At most 100 characters" in html
    assert "Choose who can see it on TikTok." in html
    assert not CrossPost.objects.exists()


def test_schedule_form_saves_in_utc_from_the_users_time_zone(
    client, owner, public_post, x_account, tiktok_account
):
    owner.time_zone = "Europe/Lisbon"
    owner.save()
    client.force_login(owner)
    image = str(public_post.images.get().pk)
    response = client.post(
        reverse("crossposting:schedule", args=[public_post.pk]),
        form_data(
            public_post,
            {
                f"a{x_account.pk}": {
                    "include": "on",
                    "text": "Soon!",
                    "images": image,
                },
                f"a{tiktok_account.pk}": {
                    "include": "on",
                    "text": "Soon!",
                    "images": image,
                    "privacy_level": "SELF_ONLY",
                },
            },
            scheduled_at="2031-06-01T09:30",
        ),
    )
    assert response.status_code == 302
    saved = CrossPost.objects.get(account=x_account)
    assert saved.scheduled_at == timezone.datetime(
        2031, 6, 1, 9, 30, tzinfo=ZoneInfo("Europe/Lisbon")
    )
    assert saved.scheduled_at.astimezone(ZoneInfo("UTC")).hour == 8
    assert saved.invitation is not None
    assert CrossPost.objects.get(account=tiktok_account).privacy_level == "SELF_ONLY"


def test_only_public_posts_can_be_cross_posted(client, owner, post_factory, x_account):
    post = post_factory(audience="community", author=owner)
    client.force_login(owner)
    response = client.get(reverse("crossposting:schedule", args=[post.pk]))
    assert response.status_code == 302


def test_tracked_link_counts_visits_and_joins(
    client, owner, community, x_account, crosspost_factory, user_factory
):
    from communities.services.invitations import do_create_invitation, do_redeem_invitation
    from communities.services.membership_rules import base_tier

    crosspost = crosspost_factory(
        x_account,
        status=CrossPostStatus.PUBLISHED,
        invitation=do_create_invitation(community, owner, tier=base_tier(community)),
    )
    landing = client.get(reverse("crossposting:landing", args=[crosspost.ref_code]))
    assert landing.status_code == 200
    assert crosspost.invitation.get_absolute_url() in landing.content.decode()
    client.get(reverse("crossposting:landing", args=[crosspost.ref_code]))  # same session
    do_redeem_invitation(user_factory(), crosspost.invitation)

    client.force_login(owner)
    page = client.get(reverse("crossposting:list", args=[community.slug])).content.decode()
    assert "1 visit · 1 join" in page
    assert "<title>Cross-posts" in page


def test_landing_of_a_post_no_longer_public_is_404(
    client, crosspost_factory, x_account, public_post
):
    crosspost = crosspost_factory(x_account, status=CrossPostStatus.PUBLISHED)
    public_post.audience = "community"
    public_post.save()
    assert client.get(reverse("crossposting:landing", args=[crosspost.ref_code])).status_code == 404


def test_list_actions_cancel_reschedule_retry(
    client, owner, community, x_account, crosspost_factory
):
    client.force_login(owner)
    later = crosspost_factory(x_account, scheduled_at=timezone.now() + timedelta(hours=2))
    review = crosspost_factory(x_account, status=CrossPostStatus.NEEDS_REVIEW, reason="Unknown.")
    act = lambda crosspost, action, **data: client.post(  # noqa: E731
        reverse("crossposting:act", args=[community.slug, crosspost.pk, action]), data
    )

    act(later, "reschedule", scheduled_at="2031-01-01T10:00")
    later.refresh_from_db()
    assert later.scheduled_at.year == 2031
    act(later, "cancel")
    later.refresh_from_db()
    assert later.status == CrossPostStatus.CANCELLED

    act(review, "retry")
    review.refresh_from_db()
    assert review.status == CrossPostStatus.NEEDS_REVIEW
    act(review, "retry", checked_platform="on")
    review.refresh_from_db()
    assert review.status == CrossPostStatus.SCHEDULED


def test_a_post_no_longer_public_cannot_be_rescheduled_from_the_list(
    client, owner, community, x_account, crosspost_factory, public_post
):
    client.force_login(owner)
    later = crosspost_factory(x_account, scheduled_at=timezone.now() + timedelta(hours=2))
    public_post.audience = "community"
    public_post.save()
    page = client.post(
        reverse("crossposting:act", args=[community.slug, later.pk, "reschedule"]),
        {"scheduled_at": "2031-01-01T10:00"},
        follow=True,
    ).content.decode()
    assert "this one is not any more" in page
    later.refresh_from_db()
    assert later.scheduled_at.year != 2031


def test_every_publishing_row_says_where_it_is_in_the_viewers_time(
    client, owner, community, x_account, crosspost_factory
):
    """A row in "publishing" always tells the person why: waiting for its time, queued,
    sending since when, waiting to retry."""
    owner.time_zone = "Asia/Tokyo"
    owner.save()
    client.force_login(owner)
    now = timezone.now()
    tokyo = lambda moment: moment.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%H:%M")  # noqa: E731
    publishing = {"status": CrossPostStatus.PUBLISHING, "claimed_at": now, "updated_at": now}
    rows = {
        f"Claimed, waiting for its time ({tokyo(now + timedelta(minutes=5))}).": {
            "scheduled_at": now + timedelta(minutes=5)
        },
        f"Queued for sending to X since {tokyo(now)}.": {"scheduled_at": now},
        f"Sending to X since {tokyo(now)}.": {"scheduled_at": now, "request_sent_at": now},
        f"Waiting to try again at {tokyo(now + timedelta(minutes=2))}.": {
            "scheduled_at": now,
            "attempts": 1,
            "next_attempt_at": now + timedelta(minutes=2),
        },
    }
    for number, fields in enumerate(rows.values()):
        crosspost = crosspost_factory(x_account, text=f"Teaser {number}")
        CrossPost.objects.filter(pk=crosspost.pk).update(**publishing, **fields)

    page = client.get(reverse("crossposting:list", args=[community.slug])).content.decode()

    for progress in rows:
        assert f'data-testid="crosspost-progress">{progress}</p>' in page
    assert "<title>Cross-posts · " + community.name + " · Sosoon</title>" in page


def test_admin_never_shows_tokens_and_retries(admin_client, x_account, crosspost_factory):
    page = admin_client.get(
        reverse("admin:feeds_externalaccount_change", args=[x_account.pk])
    ).content.decode()
    assert x_account.access_token not in page
    assert x_account.access_token_ciphertext not in page
    failed = crosspost_factory(x_account, status=CrossPostStatus.FAILED)
    admin_client.post(
        reverse("admin:feeds_crosspost_changelist"),
        {"action": "retry", "_selected_action": [failed.pk]},
    )
    failed.refresh_from_db()
    assert failed.status == CrossPostStatus.SCHEDULED
    listing = admin_client.get(reverse("admin:feeds_crosspost_changelist") + "?status=scheduled")
    assert listing.status_code == 200


@pytest.mark.parametrize(
    "sent_code", ["", "taken", "a/b", "x" * 300], ids=["none", "existing", "slash", "300 chars"]
)
def test_the_server_makes_the_tracked_link_whatever_the_form_sends(
    client, owner, public_post, x_account, crosspost_factory, sent_code
):
    existing = crosspost_factory(x_account, status=CrossPostStatus.PUBLISHED)
    if sent_code == "taken":
        sent_code = existing.ref_code
    client.force_login(owner)
    url = reverse("crossposting:schedule", args=[public_post.pk])
    page = client.get(url).content.decode()
    assert "ref_code" not in page and "{link}" in page
    image = str(public_post.images.get().pk)
    response = client.post(
        url,
        form_data(
            public_post,
            {
                f"a{x_account.pk}": {
                    "include": "on",
                    "ref_code": sent_code,
                    "text": "Soon! {link}",
                    "images": image,
                }
            },
        ),
    )
    assert response.status_code == 302
    saved = CrossPost.objects.exclude(pk=existing.pk).get()
    assert saved.ref_code not in {sent_code, existing.ref_code}
    assert len(saved.ref_code) >= 12  # 72 random bits: unguessable
    landing = reverse("crossposting:landing", args=[saved.ref_code])
    assert saved.link == f"http://testserver{landing}"
    assert saved.text == f"Soon! http://testserver{landing}"
    assert client.get(landing).status_code == 200


def test_sandbox_accounts_are_labelled_as_sandboxes(
    fake_x, settings, client, owner, community, crosspost_factory, public_post
):
    settings.SOSOON_SANDBOX_NETWORKS = True
    client.force_login(owner)
    connect_through_pages(client, community, "x")
    account = ExternalAccount.objects.get(community=community)
    crosspost_factory(account)

    accounts = client.get(reverse("crossposting:accounts", args=[community.slug])).content
    listing = client.get(reverse("crossposting:list", args=[community.slug])).content

    assert b"Sandbox X @wineclub" in accounts
    assert b"Connect Sandbox X" in accounts
    assert b'data-testid="sandbox-notice"' in accounts
    assert b"Sandbox X @wineclub" in listing


def test_real_accounts_carry_no_sandbox_label(fake_x, client, owner, community):
    client.force_login(owner)
    connect_through_pages(client, community, "x")
    accounts = client.get(reverse("crossposting:accounts", args=[community.slug])).content
    assert b"Sandbox" not in accounts
    assert b"X @wineclub" in accounts


@pytest.mark.django_db
def test_the_policy_lets_connect_redirect_to_each_consent_page(client):
    """Connect posts to Sosoon, which redirects to the network; browsers hold that redirect
    to form-action, so each consent page's origin must be listed there (and nothing else)."""
    policy = client.get("/")["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if "form-action" in part).split()
    assert form_action == [
        "form-action",
        "'self'",
        "https://www.pinterest.com",
        "https://www.tiktok.com",
        "https://x.com",
    ]
