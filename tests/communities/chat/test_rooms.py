"""Who may read which room: community rooms by membership and tier (the owner and admins read
every tier's rooms, moderators as their tier allows), direct rooms by shared community and
blocks; admins manage rooms; retention deletes old messages."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone
from django_q.models import Schedule

from communities.chat import services as chat
from communities.models import ChatMessage, ChatRoom, Membership, room_audience
from communities.services.members import (
    do_ban_member,
    do_change_role,
    do_change_tier,
    do_remove_member,
)
from communities.services.tiers import check_delete_tier
from communities.tasks import purge_expired_chat_messages
from sosoon_site.accounts.blocks import do_block
from tests.factories import add_member, create_community


@pytest.fixture
def general(community):
    return ChatRoom.objects.get(community=community, name="general")


@pytest.fixture
def insiders_room(community, owner):
    actor = Membership.objects.get(user=owner, community=community)
    return chat.check_create_room(
        actor, community, name="Insiders", minimum_tier=community.tiers.get(name="Insider")
    )


def membership(user, community):
    return Membership.objects.get(user=user, community=community)


def test_every_new_community_has_general(community):
    assert list(community.chat_rooms.values_list("name", flat=True)) == ["general"]


@pytest.mark.parametrize(
    ("viewer", "may_read"),
    [
        ("owner", True),
        ("admin", True),
        ("moderator", True),
        ("member", True),
        ("insider", True),
        ("outsider", False),
        ("banned", False),
        ("anonymous", False),
    ],
)
def test_general_is_for_active_members(request, general, viewer, may_read):
    person = request.getfixturevalue(viewer)
    if may_read:
        assert chat.access_room(person, general.pk) == general
    else:
        with pytest.raises(Http404, match="No such room"):
            chat.access_room(person, general.pk)


def test_missing_and_forbidden_rooms_look_the_same(general, outsider):
    with pytest.raises(Http404) as forbidden:
        chat.access_room(outsider, general.pk)
    with pytest.raises(Http404) as missing:
        chat.access_room(outsider, general.pk + 999)
    assert str(forbidden.value) == str(missing.value)


@pytest.mark.parametrize(
    ("viewer", "may_read"),
    [
        ("insider", True),
        ("owner", True),
        ("admin", True),
        ("moderator", False),
        ("member", False),
        ("banned", False),
        ("outsider", False),
    ],
)
def test_a_tier_room_is_for_that_tier_and_up_and_the_people_who_run_the_community(
    request, insiders_room, viewer, may_read
):
    """The owner, the admin and the moderator are all in the base tier: only the first two
    read the Insider room, and the room list, its audience and opening it agree."""
    person = request.getfixturevalue(viewer)
    listed = ChatRoom.objects.readable_by(person).filter(pk=insiders_room.pk).exists()
    in_audience = room_audience(insiders_room).filter(pk=person.pk).exists()
    assert (listed, in_audience) == (may_read, may_read)
    if may_read:
        assert chat.access_room(person, insiders_room.pk) == insiders_room
    else:
        with pytest.raises(Http404):
            chat.access_room(person, insiders_room.pk)


def test_an_admin_made_a_member_loses_the_tier_rooms_at_once(community, insiders_room, admin):
    assert chat.access_room(admin, insiders_room.pk) == insiders_room
    do_change_role(membership(admin, community), "member")
    with pytest.raises(Http404):
        chat.access_room(admin, insiders_room.pk)


def test_dropping_below_the_tier_or_leaving_closes_the_room(community, insiders_room, insider):
    do_change_tier(membership(insider, community), community.tiers.get(rank=0))
    with pytest.raises(Http404):
        chat.access_room(insider, insiders_room.pk)


@pytest.mark.parametrize("lose_access", [do_remove_member, "ban"])
def test_removed_or_banned_people_lose_every_room(community, general, member, lose_access):
    if lose_access == "ban":
        do_ban_member(community, member)
    else:
        lose_access(membership(member, community))
    assert not ChatRoom.objects.readable_by(member).exists()


def test_only_admins_create_rooms_and_names_are_unique(community, moderator, owner):
    with pytest.raises(PermissionDenied):
        chat.check_create_room(membership(moderator, community), community, name="random")
    actor = membership(owner, community)
    room = chat.check_create_room(actor, community, name="#Tasting Notes", retention_days=30)
    assert (room.name, room.retention_days) == ("tasting-notes", 30)
    with pytest.raises(ValidationError, match="already has this name"):
        chat.check_create_room(actor, community, name="tasting-notes")


def test_admins_rename_archive_and_retier_rooms(community, owner, insiders_room):
    actor = membership(owner, community)
    chat.check_update_room(actor, insiders_room, name="vip", archived=True)
    chat.check_update_room(actor, insiders_room, minimum_tier=community.tiers.get(rank=0))
    insiders_room.refresh_from_db()
    assert (insiders_room.name, insiders_room.archived, insiders_room.minimum_tier) == (
        "vip",
        True,
        None,
    )


def test_general_can_be_neither_renamed_nor_archived(community, owner, general):
    actor = membership(owner, community)
    with pytest.raises(ValidationError):
        chat.check_update_room(actor, general, name="lobby")
    with pytest.raises(ValidationError):
        chat.check_update_room(actor, general, archived=True)


def test_a_tier_with_rooms_cannot_be_deleted_until_they_move(community, owner, insiders_room):
    with pytest.raises(ValidationError, match="#insiders"):
        check_delete_tier(membership(owner, community), community.tiers.get(name="Insider"))


def test_direct_rooms_need_a_shared_community_and_no_block(member, insider, outsider):
    room = chat.check_open_direct_room(member, "@" + insider.handle)
    assert chat.check_open_direct_room(insider, member.handle) == room
    assert chat.access_room(member, room.pk) == room
    assert set(room_audience(room)) == {member, insider}
    with pytest.raises(Http404, match="No such person"):
        chat.check_open_direct_room(member, outsider.handle)
    with pytest.raises(Http404):
        chat.access_room(outsider, room.pk)

    do_block(insider, member)

    with pytest.raises(Http404):
        chat.access_room(member, room.pk)
    with pytest.raises(Http404):
        chat.check_open_direct_room(member, insider.handle)
    assert not room_audience(room).exists()


def test_a_direct_room_closes_when_the_people_no_longer_share_a_community(
    community, member, insider
):
    room = chat.check_open_direct_room(member, insider.handle)
    do_remove_member(membership(insider, community))
    with pytest.raises(Http404):
        chat.access_room(member, room.pk)


def test_direct_rooms_list_with_unread_counts(member, insider):
    room = chat.check_open_direct_room(member, insider.handle)
    chat.check_send_message(member, room.pk, "hello")
    [listed] = chat.direct_rooms(insider)
    assert (listed, listed.unread) == (room, 1)


def test_retention_deletes_only_old_messages_of_rooms_that_have_it(
    community, owner, member, general
):
    kept_forever = chat.check_send_message(member, general.pk, "old but kept")
    short = chat.check_create_room(
        membership(owner, community), community, name="short", retention_days=7
    )
    old = chat.check_send_message(member, short.pk, "old")
    new = chat.check_send_message(member, short.pk, "new")
    long_ago = timezone.now() - timedelta(days=8)
    ChatMessage.objects.filter(pk__in=[kept_forever.pk, old.pk]).update(created_at=long_ago)

    assert purge_expired_chat_messages() == "deleted 1 chat messages"

    assert set(ChatMessage.objects.values_list("pk", flat=True)) == {kept_forever.pk, new.pk}


def test_the_retention_job_is_scheduled_daily(db):
    call_command("migrate", verbosity=0)
    schedule = Schedule.objects.get(name="chat-retention")
    assert (schedule.func, schedule.schedule_type) == (
        "communities.tasks.purge_expired_chat_messages",
        Schedule.DAILY,
    )


def test_the_data_migration_gives_existing_communities_general(db):
    migration = importlib.import_module("communities.migrations.0004_chat")
    made = create_community()
    ChatRoom.objects.filter(community=made).delete()

    migration.create_general_rooms(apps, schema_editor=None)

    assert ChatRoom.objects.filter(community=made, name="general").count() == 1


def test_members_added_later_read_general(community, general):
    newcomer = add_member(community).user
    assert chat.access_room(newcomer, general.pk) == general
