"""The notifications page, the top-bar badge, and marking notifications read."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from communities.notifications.models import Notification
from communities.notifications.services import (
    access_notification,
    do_mark_read,
    inbox,
    target_url,
    unread_count,
)


@login_required
def notification_list(request):
    before = request.GET.get("before", "")
    entries = inbox(request.user, before=int(before) if before.isdigit() else None)
    older = entries[-1].first.pk if entries else None
    return render(
        request,
        "communities/notifications/list.html",
        {"entries": entries, "older": older, "unread": unread_count(request.user)},
    )


@login_required
def open_notification(request, notification_id: int):
    """Mark one notification read and go to what it is about."""
    notification = access_notification(request.user, notification_id)
    do_mark_read(Notification.objects.filter(pk=notification.pk))
    return redirect(target_url(notification))


@login_required
@require_POST
def mark_all_read(request):
    do_mark_read(Notification.objects.visible_to(request.user))
    return redirect("communities:notifications")


@login_required
def badge(request):
    """The unread badge alone, for htmx to refresh when the socket says something changed."""
    return render(
        request, "communities/notifications/_badge.html", {"unread": unread_count(request.user)}
    )
