"""Chat pages: room settings for admins, direct messages, and search in a room's history.

The live conversation itself runs over the socket (static/js/chat.js); these pages read and
write through the same services and the same room rule as the socket frames.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.chat import services as chat
from communities.permissions import Action, community_for, page_context
from sosoon_site.accounts.views import safe_next
from sosoon_site.rate_limits import RateLimited


def _tier_from(community, value: str):
    """The community's tier with primary key `value`, None for "everyone"."""
    if not value:
        return None
    tier = community.tiers.filter(pk=value).first() if value.isdigit() else None
    if tier is None:
        raise ValidationError(_("Choose one of this community's tiers."))
    return tier


@login_required
def room_list(request, slug):
    """Admins see every room of the community, create rooms and change them."""
    community, actor = community_for(request, slug, Action.MANAGE_ROOMS)
    if request.method == "POST":
        try:
            room = chat.check_create_room(
                actor,
                community,
                name=request.POST.get("name", ""),
                minimum_tier=_tier_from(community, request.POST.get("minimum_tier", "")),
                retention_days=request.POST.get("retention_days", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("#%(room)s is open.") % {"room": room.name})
            return redirect("communities:chat_rooms", slug=slug)
    return render(
        request,
        "communities/chat/rooms.html",
        {
            **page_context(request, community),
            "rooms": community.chat_rooms.select_related("minimum_tier").order_by(
                "archived", "name"
            ),
            "tiers": community.tiers.order_by("rank"),
        },
    )


@login_required
@require_POST
def room_change(request, slug, room_id):
    """Rename, re-tier, set retention, archive or reopen one room."""
    community, actor = community_for(request, slug, Action.MANAGE_ROOMS)
    room = chat.room_for_admin(actor, room_id)
    try:
        if "archive" in request.POST:
            chat.check_update_room(actor, room, archived=request.POST["archive"] == "1")
        else:
            chat.check_update_room(
                actor,
                room,
                name=request.POST.get("name", room.name),
                minimum_tier=_tier_from(community, request.POST.get("minimum_tier", "")),
                retention_days=request.POST.get("retention_days", ""),
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("#%(room)s saved.") % {"room": room.name})
    return redirect("communities:chat_rooms", slug=slug)


@login_required
def direct_badge(request):
    """The Messages badge alone, for htmx to refresh when the socket says a direct message
    arrived or was read elsewhere."""
    return render(
        request,
        "communities/chat/_direct_badge.html",
        {"unread": chat.unread_direct_count(request.user)},
    )


@login_required
def direct_messages(request):
    """My conversations with unread counts; POST a handle to start (or reopen) one. The
    Message button on profiles and member rows posts here with `next`: a refusal goes back
    there with the reason, which never says whether a block is why."""
    if request.method == "POST":
        try:
            room = chat.check_open_direct_room(request.user, request.POST.get("handle", ""))
        except Http404:
            messages.error(
                request, _("You can message people who share a community with you, by handle.")
            )
            back = safe_next(request)
            if back:
                return redirect(back)
        else:
            return redirect("communities:direct_room", room_id=room.pk)
    rooms = chat.direct_rooms(request.user)
    return render(
        request,
        "communities/chat/direct_messages.html",
        {
            "conversations": [
                (
                    room,
                    room.direct_high if room.direct_low_id == request.user.pk else room.direct_low,
                )
                for room in rooms
            ],
        },
    )


@login_required
def room_page(request, slug, room_id):
    """One community room as a place of its own: the whole screen, the composer at the
    bottom, the community's other readable rooms beside it (404 for a room the viewer may
    not read, as everywhere)."""
    room = chat.access_room(request.user, room_id)
    if room.is_direct or room.community.slug != slug:
        raise Http404("No such room.")
    community = room.community
    return render(
        request,
        "communities/chat/room.html",
        {
            **page_context(request, community),
            "room": room,
            "chat_rooms": chat.community_rooms(request.user, community),
        },
    )


@login_required
def direct_room(request, room_id):
    """One conversation between two people, live over the socket."""
    room = chat.access_room(request.user, room_id)
    if not room.is_direct:
        raise Http404("No such room.")
    other = room.direct_high if room.direct_low_id == request.user.pk else room.direct_low
    room.unread = chat.unread_count(request.user, room)
    return render(
        request,
        "communities/chat/direct_room.html",
        {"room": room, "other": other, "chat_rooms": [room]},
    )


@login_required
def search(request, room_id):
    """Messages of one room containing the query; only rooms the searcher may read."""
    room = chat.access_room(request.user, room_id)
    query = request.GET.get("q", "").strip()
    found, error = [], ""
    if query:
        try:
            room, found = chat.search_messages(request.user, room.pk, query)
        except (ValidationError, RateLimited, PermissionDenied) as refusal:
            error = " ".join(getattr(refusal, "messages", [str(refusal)]))
    return render(
        request,
        "communities/chat/search.html",
        {
            "room": room,
            "room_title": chat.room_data(room, viewer=request.user)["name"],
            "query": query,
            "found": found,
            "error": error,
        },
    )
