"""Asking to join a listed community, and the admins' queue of requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communities.forms import JoinRequestForm
from communities.models import JoinRequestStatus
from communities.permissions import (
    Action,
    access_community,
    community_for,
    forget_viewer_membership,
    page_context,
)
from communities.services.join_requests import check_decide_join_request, check_request_to_join
from communities.services.members import do_ban_member


@login_required
@require_POST
def request_to_join(request, slug):
    community = access_community(request, slug)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keep the message under 500 characters."))
        return redirect(community)
    try:
        join_request = check_request_to_join(request.user, community, form.cleaned_data["message"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(community)
    forget_viewer_membership(request, community)
    if join_request.status == JoinRequestStatus.APPROVED:
        messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
    else:
        messages.success(request, _("Request sent. The admins will decide soon."))
    return redirect(community)


@login_required
def queue(request, slug):
    community, _actor = community_for(request, slug, Action.APPROVE_REQUESTS)
    pending = community.join_requests.filter(status=JoinRequestStatus.PENDING).select_related(
        "user"
    )
    return render(
        request,
        "communities/join_requests.html",
        {**page_context(request, community), "pending": pending},
    )


DECISIONS = {
    "approve": gettext_lazy("%(name)s's request approved."),
    "reject": gettext_lazy("%(name)s's request rejected."),
    "ban": gettext_lazy("%(name)s's request rejected and banned."),
}


@login_required
@require_POST
def decide(request, slug, request_id):
    """POST `decision`: approve, reject, or ban (reject and ban the requester). Anything else
    is refused and the request stays pending."""
    community, actor = community_for(request, slug, Action.APPROVE_REQUESTS)
    join_request = get_object_or_404(community.join_requests.select_related("user"), pk=request_id)
    decision = request.POST.get("decision", "")
    if decision not in DECISIONS:
        messages.error(request, _("Choose Approve, Reject or Reject and ban."))
        return redirect("communities:requests", slug=slug)
    if decision == "ban":
        # Checked before deciding, so a refused ban leaves the request pending.
        community_for(request, slug, Action.MANAGE_MEMBERS)
    try:
        check_decide_join_request(actor, join_request, approve=decision == "approve")
        if decision == "ban":
            do_ban_member(community, join_request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, DECISIONS[decision] % {"name": join_request.user.name})
    return redirect("communities:requests", slug=slug)
