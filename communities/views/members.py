"""The member list and what admins do to members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.forms import TierChoiceForm, role_choices_for
from communities.models import Membership, MembershipStatus
from communities.permissions import Action, community_for, may, page_context
from communities.services.members import (
    check_change_role,
    check_change_tier,
    check_unban_member,
)
from sosoon_site.accounts.models import Block

PAGE_SIZES = {20, 50, 100}
DEFAULT_PAGE_SIZE = 20


@login_required
def member_list(request, slug):
    """Active members (and, for those who manage members, banned people), searchable and
    paginated, each row with Message and Block (or Unblock) for the viewer; a constant
    number of queries whatever the page size."""
    community, actor = community_for(request, slug, Action.VIEW)
    manages = may(request, community, Action.MANAGE_MEMBERS)
    show_banned = manages and request.GET.get("status") == "banned"
    status = MembershipStatus.BANNED if show_banned else MembershipStatus.ACTIVE
    i_blocked = Block.objects.filter(blocker=request.user, blocked=OuterRef("user"))
    memberships = (
        Membership.objects.filter(community=community, status=status)
        .select_related("user", "tier")
        .annotate(i_blocked=Exists(i_blocked))
    )
    query = request.GET.get("q", "").strip()
    if query:
        memberships = memberships.filter(
            Q(user__handle__icontains=query) | Q(user__display_name__icontains=query)
        )
    try:
        per_page = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        per_page = DEFAULT_PAGE_SIZE
    if per_page not in PAGE_SIZES:
        per_page = DEFAULT_PAGE_SIZE
    page = Paginator(memberships.order_by("user__handle"), per_page).get_page(
        request.GET.get("page")
    )
    tiers = list(community.tiers.order_by("rank")) if manages else []
    return render(
        request,
        "communities/members.html",
        {
            **page_context(request, community),
            "actor": actor,
            "page": page,
            "query": query,
            "per_page": per_page,
            "show_banned": show_banned,
            "manages": manages,
            "tiers": tiers,
            "role_choices": role_choices_for(actor.role),
        },
    )


# Removing and banning ask for a reason and are logged: moderation's confirmation page
# (communities.moderation.views.confirm_member_action) does them.
MEMBER_ACTIONS = {"role", "tier", "unban"}


@login_required
@require_POST
def act_on_member(request, slug, membership_id, action):
    """POST one of MEMBER_ACTIONS on one membership; back to the member list with a message."""
    if action not in MEMBER_ACTIONS:
        raise Http404("No such action.")
    community, actor = community_for(request, slug, Action.MANAGE_MEMBERS)
    target = get_object_or_404(
        Membership.objects.select_related("user", "community"),
        pk=membership_id,
        community=community,
    )
    try:
        if action == "role":
            check_change_role(actor, target, request.POST.get("role", ""))
            done = _("%(name)s is now %(role)s.") % {
                "name": target.user.name,
                "role": target.get_role_display().lower(),
            }
        elif action == "tier":
            form = TierChoiceForm(request.POST, community=community)
            if not form.is_valid():
                raise ValidationError(form.errors["tier"])
            tier = form.cleaned_data["tier"]
            check_change_tier(actor, target, tier)
            done = _("%(name)s is now in the %(tier)s tier.") % {
                "name": target.user.name,
                "tier": tier.name,
            }
        else:
            check_unban_member(actor, target)
            done = _("%(name)s is no longer banned.") % {"name": target.user.name}
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("communities:members", slug=community.slug)
