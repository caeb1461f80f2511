"""Managing tiers: add, rename, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from communities.forms import TierForm
from communities.models import MembershipStatus
from communities.permissions import Action, community_for, page_context
from communities.services.tiers import check_add_tier, check_delete_tier, check_rename_tier


@login_required
def tier_list(request, slug):
    community, actor = community_for(request, slug, Action.MANAGE_TIERS)
    form = TierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_add_tier(actor, community, form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, _("Tier added."))
            return redirect("communities:tiers", slug=slug)
    tiers = community.tiers.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    ).order_by("rank")
    return render(
        request,
        "communities/tiers.html",
        {**page_context(request, community), "tiers": tiers, "form": form},
    )


@login_required
def tier_change(request, slug, tier_id):
    """POST with `name` renames; POST with `delete` deletes (members move to the base tier)."""
    community, actor = community_for(request, slug, Action.MANAGE_TIERS)
    tier = get_object_or_404(community.tiers, pk=tier_id)
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                check_delete_tier(actor, tier)
                messages.success(request, _("Tier %(name)s deleted.") % {"name": tier.name})
            else:
                check_rename_tier(actor, tier, request.POST.get("name", ""))
                messages.success(request, _("Tier renamed."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("communities:tiers", slug=slug)
