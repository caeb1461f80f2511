"""The app shell's sidebar: my communities, each with a dot when a room I may read has
unread messages, and inside the community I am looking at, its sections and its rooms with
their unread counts.

Every signed-in page loads it with htmx after the page itself (templates/base.html), so it
adds nothing to the page's own queries, and it costs a fixed number of queries whatever the
number of communities and rooms: my memberships, the rooms I may read with their unread
counts (chat's one rule, `ChatRoom.objects.readable_by`, and `with_unread`), the
current community's `can` map from the membership already read, and the sections other apps
register for the current community only (communities/sections.py: a partner's own numbers).
"""

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from communities.chat.models import GENERAL_ROOM, ChatRoom
from communities.chat.services import with_unread
from communities.models import Community, Membership, MembershipStatus
from communities.permissions import Action, role_may
from communities.sections import Section, sections_for


@dataclass
class Place:
    """One of my communities in the sidebar."""

    community: Community
    membership: Membership
    rooms: list[ChatRoom] = field(default_factory=list)
    current: bool = False
    # The sections registered by other apps, asked for the current community only.
    sections: list[Section] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(room.unread for room in self.rooms)

    @property
    def can(self) -> dict[str, bool]:
        return {action.value: role_may(self.membership, action) for action in Action}


def places_of(user, *, current_slug: str = "") -> list[Place]:
    """My active communities by name, with the rooms I may read in each (unread counted),
    and the registered sections of the current one."""
    memberships = (
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("community")
        .order_by("community__name", "community_id")
    )
    places = {
        membership.community_id: Place(
            community=membership.community,
            membership=membership,
            current=membership.community.slug == current_slug,
        )
        for membership in memberships
    }
    if not places:
        return []
    rooms = with_unread(
        ChatRoom.objects.readable_by(user, direct=False).filter(archived=False), user
    ).order_by("name")
    for room in rooms:
        if room.community_id in places:
            places[room.community_id].rooms.append(room)
    for place in places.values():
        place.rooms.sort(key=lambda room: room.name != GENERAL_ROOM)
        if place.current:
            place.sections = sections_for(place.membership)
    return list(places.values())


@login_required
def sidebar(request):
    """The sidebar's HTML, for the community named by `?c=<slug>` if I am in it."""
    places = places_of(request.user, current_slug=request.GET.get("c", ""))
    return render(request, "communities/chat/_sidebar.html", {"places": places})
