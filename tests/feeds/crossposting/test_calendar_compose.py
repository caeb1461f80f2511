"""The calendar's composer: one post to several accounts at once, each with its network's
fields and a preview judged by the server's rules; groups and "next free slot"."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from feeds.crossposting.calendar.models import AccountGroup, PostingSlot
from feeds.crossposting.models import CrossPost
from sosoon_site.accounts.models import Block
from tests.factories import add_member


def compose_url(post, **query):
    url = reverse("crossposting:calendar_compose", args=[post.pk])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def test_an_empty_slot_leads_to_the_posts_and_then_the_composer_at_that_time(
    client, owner, public_post, x_account
):
    client.force_login(owner)
    choose = client.get(reverse("crossposting:calendar_choose"), {"at": "2031-06-03T18:00"})
    html = choose.content.decode()
    assert "<title>Schedule a post · Sosoon</title>" in html
    assert "Tue 3 Jun 2031 18:00" in html
    assert f"{compose_url(public_post)}?at=2031-06-03T18%3A00" in html

    page = client.get(compose_url(public_post, at="2031-06-03T18:00")).content.decode()
    assert 'value="2031-06-03T18:00"' in page
    assert "New vintage arriving Friday" in page


def test_the_post_list_offers_only_public_posts_of_managed_communities(
    client, owner, community, public_post, post_factory, community_factory, user_factory
):
    post_factory(audience="community", author=owner, body="Members only news")
    stranger = user_factory(handle="stranger")
    elsewhere = community_factory(owner=stranger, name="Elsewhere", slug="elsewhere")
    elsewhere.allow_public_teasers = True
    elsewhere.save()
    post_factory(audience="public", author=stranger, community=elsewhere, body="Not yours")
    client.force_login(owner)
    html = client.get(reverse("crossposting:calendar_choose")).content.decode()
    assert "New vintage arriving Friday" in html
    assert "Members only news" not in html and "Not yours" not in html


def test_the_post_list_leaves_out_posts_a_block_hides(
    client, owner, community, public_post, post_factory, user_factory
):
    writer = add_member(community, user_factory(handle="writer")).user
    post_factory(audience="public", author=writer, body="Tasting notes from the cellar")
    client.force_login(owner)
    choose = reverse("crossposting:calendar_choose")
    assert "Tasting notes from the cellar" in client.get(choose).content.decode()
    Block.objects.create(blocker=owner, blocked=writer)
    assert "Tasting notes from the cellar" not in client.get(choose).content.decode()


def test_one_post_goes_to_three_networks_at_once_with_their_own_fields(
    client, owner, public_post, x_account, pinterest_account, tiktok_account
):
    client.force_login(owner)
    image = str(public_post.images.get().pk)
    response = client.post(
        compose_url(public_post),
        {
            "scheduled_at": "2031-06-03T18:00",
            f"a{x_account.pk}-include": "on",
            f"a{x_account.pk}-text": "Friday! {link}",
            f"a{x_account.pk}-images": image,
            f"a{pinterest_account.pk}-include": "on",
            f"a{pinterest_account.pk}-text": "A pin",
            f"a{pinterest_account.pk}-title": "New vintage",
            f"a{pinterest_account.pk}-board": "549755885175",
            f"a{pinterest_account.pk}-images": image,
            f"a{tiktok_account.pk}-include": "on",
            f"a{tiktok_account.pk}-text": "Photos",
            f"a{tiktok_account.pk}-images": image,
            f"a{tiktok_account.pk}-privacy_level": "SELF_ONLY",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('crossposting:calendar')}?view=week&date=2031-06-03"
    saved = {crosspost.account.platform: crosspost for crosspost in CrossPost.objects.all()}
    assert set(saved) == {"x", "pinterest", "tiktok"}
    assert {crosspost.scheduled_at for crosspost in saved.values()} == {
        datetime(2031, 6, 3, 18, tzinfo=ZoneInfo("UTC"))
    }
    assert saved["x"].text == f"Friday! {saved['x'].link}" and f"/r/{saved['x'].ref_code}/" in (
        saved["x"].link
    )
    assert saved["pinterest"].board_name == "Natural wine"
    assert saved["tiktok"].privacy_level == "SELF_ONLY"
    assert all(crosspost.invitation_id for crosspost in saved.values())


def test_the_owners_tiktok_comment_and_music_choices_are_kept(
    client, owner, public_post, tiktok_account
):
    client.force_login(owner)
    response = client.post(
        compose_url(public_post),
        {
            "scheduled_at": "2031-06-03T18:00",
            f"a{tiktok_account.pk}-include": "on",
            f"a{tiktok_account.pk}-text": "Photos",
            f"a{tiktok_account.pk}-images": str(public_post.images.get().pk),
            f"a{tiktok_account.pk}-privacy_level": "SELF_ONLY",
            f"a{tiktok_account.pk}-allow_comments": "on",
            f"a{tiktok_account.pk}-auto_add_music": "on",
        },
    )
    assert response.status_code == 302
    crosspost = CrossPost.objects.get()
    assert crosspost.allow_comments and crosspost.auto_add_music


def test_a_draft_the_network_would_refuse_is_shown_and_nothing_is_saved(
    client, owner, public_post, x_account, pinterest_account
):
    client.force_login(owner)
    page = client.post(
        compose_url(public_post),
        {
            "scheduled_at": "2031-06-03T18:00",
            f"a{x_account.pk}-include": "on",
            f"a{x_account.pk}-text": "🍷" * 141,
            f"a{pinterest_account.pk}-include": "on",
            f"a{pinterest_account.pk}-text": "A pin",
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "X counts this as 282 characters" in html
    assert 'data-testid="x-count">282 / 280<' in html
    assert "Choose the board to pin to." in html
    assert not CrossPost.objects.exists()


def test_the_x_count_comes_from_the_server_as_the_person_types(
    client, owner, public_post, x_account, settings
):
    settings.ALLOWED_HOSTS = ["club.example.org"]
    client.force_login(owner)
    preview = client.post(
        reverse("crossposting:calendar_preview", args=[x_account.pk]),
        {"post": public_post.pk, f"a{x_account.pk}-text": "Soon 🍷 {link}"},
        headers={"HX-Request": "true", "Host": "club.example.org"},
    )
    html = preview.content.decode()
    # "Soon " 5 + the emoji 2 + " " 1 + the link 23 (X counts every link it recognises as 23).
    assert 'data-testid="x-count">31 / 280<' in html
    assert "club.example.org/r/xxxxxxxxxxxx/" in html
    over = client.post(
        reverse("crossposting:calendar_preview", args=[x_account.pk]),
        {"post": public_post.pk, f"a{x_account.pk}-text": "界" * 141},
        headers={"Host": "club.example.org"},
    ).content.decode()
    assert "282 / 280" in over and "is-over" in over and "the limit is 280" in over


def test_the_pin_preview_shows_its_board_and_the_tiktok_preview_its_privacy(
    client, owner, public_post, pinterest_account, tiktok_account
):
    client.force_login(owner)
    image = str(public_post.images.get().pk)
    pin = client.post(
        reverse("crossposting:calendar_preview", args=[pinterest_account.pk]),
        {
            "post": public_post.pk,
            f"a{pinterest_account.pk}-title": "New vintage",
            f"a{pinterest_account.pk}-board": "549755885175",
            f"a{pinterest_account.pk}-images": image,
        },
    ).content.decode()
    assert "Board: Natural wine" in pin and "New vintage" in pin
    assert public_post.images.get().get_absolute_url() in pin
    tiktok = client.post(
        reverse("crossposting:calendar_preview", args=[tiktok_account.pk]),
        {"post": public_post.pk, f"a{tiktok_account.pk}-privacy_level": "PUBLIC_TO_EVERYONE"},
    ).content.decode()
    assert "Who can see it: Public to everyone" in tiktok
    assert "A TikTok photo post needs at least one image." in tiktok


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_nobody_else_gets_a_preview(who, request, client, public_post, x_account):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("crossposting:calendar_preview", args=[x_account.pk]),
        {"post": public_post.pk, f"a{x_account.pk}-text": "hi"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["member", "moderator", "outsider"])
def test_nobody_else_composes(who, request, client, public_post, x_account):
    """The post is public, so anyone may know it exists: they are refused, not misled."""
    status = 403
    client.force_login(request.getfixturevalue(who))
    assert client.get(compose_url(public_post)).status_code == status
    response = client.post(
        compose_url(public_post),
        {"scheduled_at": "2031-06-03T18:00", f"a{x_account.pk}-include": "on"},
    )
    assert response.status_code == status
    assert not CrossPost.objects.exists()


def test_a_post_that_is_not_public_cannot_be_composed(client, owner, post_factory, x_account):
    post = post_factory(audience="community", author=owner)
    client.force_login(owner)
    response = client.get(compose_url(post), follow=True)
    assert "Only public posts can be cross-posted." in response.content.decode()


def test_a_group_ticks_its_accounts(
    client, owner, community, public_post, x_account, pinterest_account, tiktok_account
):
    group = AccountGroup.objects.create(community=community, name="Wine brand")
    group.accounts.set([x_account, tiktok_account])
    client.force_login(owner)
    html = client.get(compose_url(public_post, group=group.pk)).content.decode()

    def ticked(account):
        field = html.split(f'name="a{account.pk}-include"')[1].split(">")[0]
        return "checked" in field

    assert ticked(x_account) and ticked(tiktok_account) and not ticked(pinterest_account)


def test_next_free_slot_fills_in_the_first_slot_free_for_every_ticked_account(
    client, owner, public_post, x_account, crosspost_factory
):
    now = timezone.now()
    tomorrow = (now + timedelta(days=1)).date()
    PostingSlot.objects.create(account=x_account, weekday=tomorrow.weekday(), at="18:00")
    taken = datetime.combine(tomorrow, datetime.min.time(), tzinfo=ZoneInfo("UTC")).replace(hour=18)
    crosspost_factory(x_account, scheduled_at=taken)
    client.force_login(owner)

    page = client.post(
        compose_url(public_post),
        {"scheduled_at": "", "next_free": "1", f"a{x_account.pk}-include": "on"},
    )

    week_later = (taken + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{week_later}"' in page.content.decode()
    assert CrossPost.objects.count() == 1
