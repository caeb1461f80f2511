"""A community's own pages: home, settings, deletion, leaving and ownership transfer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.forms import (
    CommunitySettingsForm,
    DeleteCommunityForm,
    JoinRequestForm,
    NewOwnerForm,
)
from communities.models import Community, JoinRequest, Membership, MembershipStatus, Role
from communities.permissions import (
    Action,
    access_community,
    community_for,
    forget_viewer_membership,
    may,
    page_context,
    viewer_membership,
)
from communities.services.communities import check_delete_community, check_update_community
from communities.services.members import check_leave_community, check_transfer_ownership
from communities.signals import member_home


def home(request, slug):
    """About, tiers, chat for members, and the viewer's way in or out. Listed: anyone;
    unlisted: members."""
    community = access_community(request, slug)
    membership = viewer_membership(request, community)
    is_member = membership is not None and membership.is_active
    tiers = community.tiers.annotate(
        member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE))
    )
    pending_request = (
        request.user.is_authenticated
        and not is_member
        and JoinRequest.objects.filter(
            user=request.user, community=community, status="pending"
        ).exists()
    )
    context = {
        **page_context(request, community),
        "membership": membership if is_member else None,
        "is_banned": membership is not None and membership.is_banned,
        "tiers": tiers,
        "member_count": community.memberships.active().count(),
        "pending_request": pending_request,
        "join_form": JoinRequestForm(),
    }
    if is_member:
        for _receiver, part in member_home.send(Community, community=community, user=request.user):
            context.update(part)
    return render(request, "communities/home.html", context)


@login_required
def settings_page(request, slug):
    community, actor = community_for(request, slug, Action.EDIT_SETTINGS)
    form = CommunitySettingsForm(request.POST or None, request.FILES or None, instance=community)
    if request.method == "POST" and form.is_valid():
        try:
            check_update_community(
                actor, community, **{name: form.cleaned_data[name] for name in form.changed_data}
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("communities:settings", slug=community.slug)
    community.refresh_from_db()
    return render(
        request,
        "communities/settings.html",
        {
            **page_context(request, community),
            "form": form,
            "delete_form": DeleteCommunityForm(),
            "can_delete": may(request, community, Action.DELETE_COMMUNITY),
        },
    )


@login_required
@require_POST
def delete(request, slug):
    community, actor = community_for(request, slug, Action.DELETE_COMMUNITY)
    form = DeleteCommunityForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Type the community's name exactly to confirm."))
        check_delete_community(actor, community, confirm_name=form.cleaned_data["confirm_name"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("communities:settings", slug=community.slug)
    messages.success(request, _("%(name)s is deleted.") % {"name": community.name})
    return redirect("home")


@login_required
@require_POST
def leave(request, slug):
    community = access_community(request, slug)
    try:
        check_leave_community(viewer_membership(request, community))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(community)
    forget_viewer_membership(request, community)
    messages.success(request, _("You left %(name)s.") % {"name": community.name})
    return redirect("communities:directory" if community.is_listed else "home")


@login_required
def transfer(request, slug):
    community, actor = community_for(request, slug, Action.TRANSFER_OWNERSHIP)
    admins = Membership.objects.filter(
        community=community, role=Role.ADMIN, status=MembershipStatus.ACTIVE
    ).select_related("user")
    status = 200
    if request.method == "POST":
        form = NewOwnerForm(request.POST, admins=admins)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["membership"])
            new_owner = form.cleaned_data["membership"]
            check_transfer_ownership(actor, new_owner)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(
                request,
                _("%(person)s now owns %(community)s.")
                % {"person": new_owner.user.name, "community": community.name},
            )
            return redirect(community)
    return render(
        request,
        "communities/transfer.html",
        {
            **page_context(request, community),
            "admins": admins,
            "back": reverse("communities:settings", kwargs={"slug": slug}),
        },
        status=status,
    )
