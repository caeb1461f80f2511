"""Django admin: superusers see every post; other staff only what the policy lets them see."""

from django.urls import reverse

from feeds.models import Audience


def test_staff_see_only_posts_the_policy_allows(
    client, member, post_factory, close_friends, user_factory
):
    from django.contrib.auth.models import Permission

    member.is_staff = True
    member.save()
    member.user_permissions.add(Permission.objects.get(codename="view_post"))
    visible = post_factory(body="for everyone")
    hidden = post_factory(body="for close friends", audience=Audience.CIRCLE, circle=close_friends)
    client.force_login(member)
    listing = client.get(reverse("admin:feeds_post_changelist"))
    assert listing.status_code == 200
    assert f"/admin/feeds/post/{visible.pk}/change/" in listing.text
    assert f"/admin/feeds/post/{hidden.pk}/change/" not in listing.text
    assert client.get(reverse("admin:feeds_post_change", args=[hidden.pk])).status_code == 302


def test_superusers_see_everything(client, post_factory, close_friends, user_factory):
    hidden = post_factory(body="for close friends", audience=Audience.CIRCLE, circle=close_friends)
    root = user_factory(is_staff=True, is_superuser=True)
    client.force_login(root)
    listing = client.get(reverse("admin:feeds_post_changelist"))
    assert f"/admin/feeds/post/{hidden.pk}/change/" in listing.text
