"""Partners' pages: the owner's list (add a partner, add a link), editing and removing a
partner, one partner's own numbers (for that partner, a member, and for those who manage
partners), and the tracked address `/j/<ref>/` that counts a visit and opens the invitation.

Managing partners is the MANAGE_PARTNERS row of the role table; anyone else gets the same
404 as for a community they may not know, moderators and members included.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities.permissions import Action, access_community, may, page_context
from feeds.insights.partners import services
from feeds.insights.partners.forms import LinkForm, PartnerForm
from feeds.insights.partners.models import Partner, PartnerLink
from feeds.insights.partners.report import partners_table
from feeds.insights.periods import PeriodForm


def _managed(request, slug):
    """The community if the viewer may manage its partners; the same 404 as a hidden one."""
    community = access_community(request, slug)
    if not may(request, community, Action.MANAGE_PARTNERS):
        raise Http404("No such page.")
    return community


def _managed_partner(request, slug, partner_id):
    """The community and one of its partners (not removed) if the viewer may manage its
    partners; the same 404 otherwise."""
    community = _managed(request, slug)
    partner = get_object_or_404(
        Partner, community=community, pk=partner_id, removed_at__isnull=True
    )
    return community, partner


@login_required
def partner_list(request, slug):
    """Every partner with their links; POST adds a partner (and their first link)."""
    community = _managed(request, slug)
    form = PartnerForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        partner = services.do_add_partner(
            community,
            request.user,
            name=data["name"],
            handle=data["handle"],
            user=form.member,
            tier=data["tier"],
        )
        messages.success(request, _("%(name)s is a partner now.") % {"name": partner.name})
        return redirect("insights:partners", slug=slug)
    partners = Partner.objects.filter(
        community=community, removed_at__isnull=True
    ).prefetch_related("links__invitation__tier")
    return render(
        request,
        "feeds/insights/partners.html",
        {
            **page_context(request, community),
            "form": form,
            "link_form": LinkForm(),
            "partners": partners,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def add_link(request, slug, partner_id):
    """Another tracked link for one partner, with an optional label."""
    _community, partner = _managed_partner(request, slug, partner_id)
    form = LinkForm(request.POST)
    if form.is_valid():
        services.do_add_link(partner, request.user, label=form.cleaned_data["label"])
        messages.success(request, _("A new link for %(name)s.") % {"name": partner.name})
    else:
        messages.error(request, " ".join(form.errors.get("label", [])))
    return redirect("insights:partners", slug=slug)


@login_required
def edit_partner(request, slug, partner_id):
    """A partner's name and handle (a member partner: which member) and tier; POST saves
    them. Bad input re-renders the form with its message, and nothing changes."""
    community, partner = _managed_partner(request, slug, partner_id)
    form = PartnerForm(request.POST or None, community=community, partner=partner)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.do_edit_partner(
            partner,
            name=data["name"],
            handle=data["handle"],
            user=form.member,
            tier=data["tier"],
        )
        messages.success(request, _("Changes to %(name)s are saved.") % {"name": partner.name})
        return redirect("insights:partners", slug=slug)
    return render(
        request,
        "feeds/insights/partner_edit.html",
        {**page_context(request, community), "form": form, "partner": partner},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def remove_partner(request, slug, partner_id):
    """A page asking whether to remove a partner (what happens to their links and numbers:
    services.do_remove_partner); only its POST removes them."""
    community, partner = _managed_partner(request, slug, partner_id)
    if request.method == "POST":
        services.do_remove_partner(partner)
        messages.success(
            request,
            _("%(name)s is no longer a partner; their links no longer work.")
            % {"name": partner.name},
        )
        return redirect("insights:partners", slug=slug)
    return render(
        request,
        "feeds/insights/partner_remove.html",
        {
            **page_context(request, community),
            "partner": partner,
            "links": partner.links.select_related("invitation"),
        },
    )


@login_required
def partner_page(request, slug, partner_id):
    """One partner's numbers for a period and their links: for the partner themselves (an
    active member) and for those who manage partners; the same 404 for anyone else."""
    community = access_community(request, slug)
    partner = services.access_partner(request, community, partner_id)
    form = PeriodForm(request.GET or None, community=community)
    _preset, period = form.chosen()
    table = partners_table(community, period, partners=[partner])
    return render(
        request,
        "feeds/insights/partner.html",
        {
            **page_context(request, community),
            "partner": partner,
            "links": partner.links.select_related("invitation"),
            "form": form,
            "period": period,
            "table": table,
        },
    )


def partner_link(request, ref_code):
    """The tracked address: counts one visit a browser session, then opens the invitation."""
    link = get_object_or_404(
        PartnerLink.objects.select_related("partner__community", "invitation"), ref_code=ref_code
    )
    services.record_visit(request.session, link)
    return redirect(link.invitation.get_absolute_url())
