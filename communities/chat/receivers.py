"""Chat's part in what governance does: every community starts with #general, a tier that
gates a room cannot be deleted, and a member's community home shows the rooms they may read.

Governance sends the signals (communities.signals) and never imports chat.
"""

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import gettext as _

from communities.chat.models import ChatRoom
from communities.chat.services import community_rooms, do_create_general_room
from communities.signals import community_created, member_home, tier_deleting


@receiver(community_created, dispatch_uid="chat.community_created")
def create_general_room(sender, community, **kwargs) -> None:
    do_create_general_room(community)


@receiver(tier_deleting, dispatch_uid="chat.tier_deleting")
def refuse_deleting_a_room_tier(sender, tier, **kwargs) -> None:
    gated = ChatRoom.objects.filter(minimum_tier=tier).values_list("name", flat=True)
    if gated:
        # Opening a tier's rooms to everyone, or closing them, is the admin's call, not ours.
        rooms = ", ".join(f"#{name}" for name in gated)
        raise ValidationError(_("Choose another tier for %(rooms)s first.") % {"rooms": rooms})


@receiver(member_home, dispatch_uid="chat.member_home")
def rooms_on_member_home(sender, community, user, **kwargs) -> dict:
    return {"chat_rooms": community_rooms(user, community)}
