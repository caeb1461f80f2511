"""Managing invitations: links, email invitations in bulk with progress, revoking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.forms import EmailInvitationForm, InvitationLinkForm
from communities.models import Invitation
from communities.permissions import Action, community_for, page_context
from communities.services.email_invitations import (
    check_invite_one_email,
    check_start_invitation_batch,
)
from communities.services.invitations import check_create_invitation, check_revoke_invitation

LISTED_INVITATIONS = 100


@login_required
def invitation_list(request, slug):
    """Invitation links with their use counts, the forms to make more, and recent batches."""
    community, actor = community_for(request, slug, Action.INVITE)
    link_form = InvitationLinkForm(
        request.POST or None, community=community, actor_role=actor.role, prefix="link"
    )
    if request.method == "POST" and link_form.is_valid():
        data = link_form.cleaned_data
        try:
            invitation = check_create_invitation(
                actor,
                community,
                role=data["role"],
                tier=data["tier"],
                expires_at=data["expires_at"],
                max_uses=data["max_uses"],
            )
        except ValidationError as error:
            link_form.add_error(None, error)
        else:
            messages.success(request, _("Invitation link created; copy it from the list."))
            return redirect(f"{request.path}#invitation-{invitation.pk}")
    return render(
        request,
        "communities/invitations.html",
        {
            **page_context(request, community),
            "link_form": link_form,
            "email_form": EmailInvitationForm(community=community, actor_role=actor.role),
            "links": community.invitations.filter(email="")
            .select_related("tier", "created_by")
            .order_by("-created_at")[:LISTED_INVITATIONS],
            "emailed": community.invitations.exclude(email="")
            .filter(batch__isnull=True)
            .select_related("tier")
            .order_by("-created_at")[:LISTED_INVITATIONS],
            "batches": community.invitation_batches.order_by("-created_at")[:10],
        },
    )


@login_required
def email_invitations(request, slug):
    community, actor = community_for(request, slug, Action.INVITE)
    form = EmailInvitationForm(
        request.POST or None, request.FILES or None, community=community, actor_role=actor.role
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        base_url = request.build_absolute_uri("/")
        try:
            if data.get("email"):
                check_invite_one_email(
                    actor,
                    community,
                    email=data["email"],
                    role=data["role"],
                    tier=data["tier"],
                    base_url=base_url,
                )
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": data["email"]}
                )
                return redirect("communities:invitations", slug=slug)
            batch = check_start_invitation_batch(
                actor,
                community,
                rows=data["rows"],
                role=data["role"],
                tier=data["tier"],
                base_url=base_url,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("communities:batch", slug=slug, batch_id=batch.pk)
    return render(
        request,
        "communities/email_invitations.html",
        {**page_context(request, community), "form": form},
    )


@login_required
def batch_progress(request, slug, batch_id):
    """The batch's progress; htmx polls the partial every second until it is done, and the
    page refreshes itself without JS."""
    community, _actor = community_for(request, slug, Action.INVITE)
    batch = get_object_or_404(community.invitation_batches, pk=batch_id)
    context = {
        **page_context(request, community),
        "batch": batch,
        "invalid_rows": batch.invalid_rows.all(),
    }
    if request.htmx:
        return render(request, "communities/_batch_progress.html", context)
    return render(request, "communities/batch.html", context)


@login_required
@require_POST
def revoke(request, slug, invitation_id):
    community, actor = community_for(request, slug, Action.INVITE)
    invitation = get_object_or_404(Invitation, pk=invitation_id, community=community)
    check_revoke_invitation(actor, invitation)
    messages.success(request, _("Invitation revoked; its link no longer works."))
    return redirect("communities:invitations", slug=slug)
