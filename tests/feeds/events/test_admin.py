"""Events in Django admin: superusers see every event; other staff only what the policy shows."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from feeds.models import Audience


def test_staff_see_only_events_the_policy_allows(
    client, member, community, event_factory, user_factory
):
    member.is_staff = True
    member.save()
    member.user_permissions.add(Permission.objects.get(codename="view_event"))
    open_event = event_factory(title="Open tasting")
    tier = community.tiers.get(name="Insider")
    hidden = event_factory(title="Insider tasting", audience=Audience.TIER, min_tier=tier)
    client.force_login(member)
    listing = client.get(reverse("admin:feeds_event_changelist"))
    assert f"/admin/feeds/event/{open_event.pk}/change/" in listing.text
    assert f"/admin/feeds/event/{hidden.pk}/change/" not in listing.text
    assert client.get(reverse("admin:feeds_event_change", args=[hidden.pk])).status_code == 302

    root = user_factory(is_staff=True, is_superuser=True)
    client.force_login(root)
    listing = client.get(reverse("admin:feeds_event_changelist"))
    assert f"/admin/feeds/event/{hidden.pk}/change/" in listing.text
