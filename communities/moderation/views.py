"""Reporting, the community moderation queue, notices to members, auto-moderation settings.

The queue is limited to one community and shows reported content only as the snapshot the
report kept: a moderator never browses a circle through it. Every button calls the same
service as the Django admin's actions.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.moderation.forms import (
    ActionForm,
    AutoModerationForm,
    MemberActionForm,
    ReportForm,
)
from communities.moderation.models import (
    MEMBER_TARGET,
    ModerationAction,
    Report,
    ReportStatus,
    WithheldContent,
    WithholdState,
)
from communities.moderation.services.actions import (
    MUTE_CHOICES,
    QUEUE_ACTIONS,
    check_moderation_action,
)
from communities.moderation.services.authority import moderation_authority
from communities.moderation.services.automod import (
    check_save_automod,
    patterns_not_in_force,
    settings_for,
)
from communities.moderation.services.reports import check_file_report
from communities.moderation.services.targets import find_target, target_or_404
from communities.permissions import Action, access_community, page_context

LOG_ROWS = 50
# What the member list's Remove… and Ban… ask, and what they say once done.
MEMBER_LIST_ACTIONS = {
    "remove": (
        gettext_lazy("Remove {name} from {community}?"),
        gettext_lazy("Remove"),
        gettext_lazy("{name} was removed."),
    ),
    "ban": (
        gettext_lazy("Ban {name} from {community}?"),
        gettext_lazy("Ban"),
        gettext_lazy("{name} is banned and cannot rejoin."),
    ),
}


def _safe_next(request, fallback: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, {request.get_host()}):
        return wanted
    return fallback


@login_required
def report(request, label: str, target_id: int):
    """Report a post, comment, message, member or community the viewer can see."""
    target = target_or_404(label, target_id)
    if not target.visible_to(request.user):
        raise Http404("Nothing here.")
    back = _safe_next(request, target.community.get_absolute_url())
    if target.is_removed:
        # As on its page: only that it was removed, never what it said.
        return render(
            request,
            "communities/moderation/report.html",
            {"target": target, "removed": True, "next": back},
            status=400 if request.method == "POST" else 200,
        )
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_file_report(
                request.user,
                label=label,
                target_id=target_id,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. The moderators will review your report."))
            return redirect(back)
    return render(
        request,
        "communities/moderation/report.html",
        {"form": form, "target": target, "snapshot": target.snapshot(), "next": back},
    )


@login_required
def report_notice(request, report_id: int):
    """What came of the viewer's report; never who reviewed it."""
    filed = get_object_or_404(Report, pk=report_id, reporter=request.user)
    return render(request, "communities/moderation/report_notice.html", {"report": filed})


@login_required
def moderation_notice(request, action_id: int):
    """A moderation action, with its reason, shown to the person it was about."""
    entry = get_object_or_404(ModerationAction, pk=action_id, subject=request.user)
    return render(request, "communities/moderation/notice.html", {"entry": entry})


def _community_for_moderation(request, slug: str, action: Action = Action.MODERATE):
    community = access_community(request, slug)
    moderation_authority(request.user, community, action)
    return community


def _queue_items(community) -> list[dict]:
    """Open reports grouped by target, newest snapshot first, with the withheld state."""
    grouped: dict[tuple, dict] = {}
    reasons: dict[tuple, dict] = defaultdict(dict)
    reports = Report.objects.filter(community=community, status=ReportStatus.OPEN).order_by(
        "-created"
    )
    for filed in reports:
        key = (filed.target_label, filed.target_id)
        item = grouped.setdefault(
            key,
            {
                "label": filed.target_label,
                "target_id": filed.target_id,
                "snapshot": filed.snapshot,
                "notes": [],
                "count": 0,
                "first": filed.created,
            },
        )
        item["count"] += 1
        item["first"] = filed.created
        reasons[key][filed.get_reason_display()] = (
            reasons[key].get(filed.get_reason_display(), 0) + 1
        )
        if filed.note:
            item["notes"].append(filed.note)
    states = {
        (row.target_label, row.target_id): row
        for row in WithheldContent.objects.filter(community=community)
    }
    for key, item in grouped.items():
        item["reasons"] = sorted(reasons[key].items())
        item["withheld"] = states.get(key)
    return list(grouped.values())


@login_required
def queue(request, slug: str):
    """The community's open reports and held content, and its recent moderation log."""
    community = _community_for_moderation(request, slug)
    held = WithheldContent.objects.filter(community=community, state=WithholdState.HELD)
    return render(
        request,
        "communities/moderation/queue.html",
        {
            **page_context(request, community),
            "items": _queue_items(community),
            "held": held,
            "log": ModerationAction.objects.filter(community=community).select_related("subject")[
                :LOG_ROWS
            ],
            "actions": QUEUE_ACTIONS,
            "durations": [(key, label) for key, (label, _length) in MUTE_CHOICES.items()],
        },
    )


@login_required
def act(request, slug: str):
    """POST one action from the queue; back to the queue with what happened."""
    if request.method != "POST":
        return redirect("communities:moderation", slug=slug)
    community = _community_for_moderation(request, slug)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(msg for errs in form.errors.values() for msg in errs))
        return redirect("communities:moderation", slug=slug)
    data = form.cleaned_data
    target = find_target(data["label"], data["target_id"])
    if target is not None and target.community.pk != community.pk:
        raise Http404("Nothing here.")
    try:
        entry = check_moderation_action(
            request.user,
            data["action"],
            data["label"],
            data["target_id"],
            reason=data["reason"],
            duration=data["duration"],
        )
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": entry.get_action_display().lower()}
        )
    return redirect("communities:moderation", slug=slug)


@login_required
def confirm_member_action(request, slug: str, membership_id: int, action: str):
    """Remove or ban from the member list: a page naming who, asking why; the reason is
    logged and sent to the person, through the same service as the queue's actions. Those
    who may not manage members get a 403 (a 404 outside the community) and nothing changes."""
    if action not in MEMBER_LIST_ACTIONS:
        raise Http404("No such action.")
    community = _community_for_moderation(request, slug, Action.MANAGE_MEMBERS)
    target = find_target(MEMBER_TARGET, membership_id)
    if target is None or target.community.pk != community.pk:
        raise Http404("Nothing here.")
    name = target.subject.name
    question, button, done = MEMBER_LIST_ACTIONS[action]
    form = MemberActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check_moderation_action(
                request.user, action, MEMBER_TARGET, target.id, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done.format(name=name))
            return redirect("communities:members", slug=community.slug)
    return render(
        request,
        "communities/moderation/confirm_member_action.html",
        {
            **page_context(request, community),
            "form": form,
            "member": target.obj,
            "question": question.format(name=name, community=community.name),
            "button": button,
            "danger": action == "ban",
        },
    )


@login_required
def automod_settings(request, slug: str):
    """Word and pattern filter, new-member slow mode and the auto-hide threshold."""
    community = _community_for_moderation(request, slug, Action.EDIT_SETTINGS)
    stored = settings_for(community)
    not_in_force = patterns_not_in_force(stored)
    form = AutoModerationForm(request.POST or None, instance=stored)
    if request.method == "POST" and form.is_valid():
        try:
            check_save_automod(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Auto-moderation settings saved."))
            return redirect(reverse("communities:automod", kwargs={"slug": slug}))
    return render(
        request,
        "communities/moderation/settings.html",
        {**page_context(request, community), "form": form, "not_in_force": not_in_force},
    )
