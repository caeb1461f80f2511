"""Moderation actions: the one code path behind the in-app queue and the Django admin.

Every `check_*` takes the acting user, a target (label and id, see `targets`) and a reason;
it authorises through `authority` (a moderator of another community gets a 404), validates,
then calls the matching `do_*`. Every `do_*` changes state, appends one `ModerationAction`,
tells the affected person why, closes the open reports on the target (telling each reporter,
without naming the moderator), and pushes the change to open sockets after commit, all in
one transaction.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from communities.models import Membership
from communities.moderation.models import (
    COMMUNITY_TARGET,
    MEMBER_TARGET,
    ActionKind,
    ModerationAction,
    Report,
    ReportStatus,
    WithheldContent,
    WithholdState,
    moderated_community_ids,
)
from communities.moderation.services.audit_log import (
    audience_ids,
    push_content_change,
    pushing_access_change,
    record_action,
)
from communities.moderation.services.authority import (
    DELETE_ANY_COMMUNITY,
    SUSPEND_ACCOUNTS,
    Authority,
    clean_reason,
    is_site_moderator,
    moderation_authority,
    require_outranks_member,
)
from communities.moderation.services.automod import withhold
from communities.moderation.services.reports import do_close_reports
from communities.moderation.services.targets import Target, find_target
from communities.permissions import Action
from communities.services.communities import do_delete_community
from communities.services.members import do_ban_member, do_remove_member
from sosoon_site.languages import ReadersWords
from sosoon_site.realtime import sign_out_users

MUTE_CHOICES = {
    "1h": (gettext_lazy("one hour"), timedelta(hours=1)),
    "1d": (gettext_lazy("one day"), timedelta(days=1)),
    "7d": (gettext_lazy("one week"), timedelta(days=7)),
    "30d": (gettext_lazy("30 days"), timedelta(days=30)),
}
ALREADY_DELETED = gettext_lazy("This was already deleted.")


def _knows_of(user, label: str, target_id: int) -> bool:
    """Whether a target that is gone was ever in front of `user` as a moderator (a report or
    a logged action in a community they moderate), so "already deleted" tells them nothing
    new; everyone else gets a 404."""
    where = Q() if is_site_moderator(user) else Q(community__in=moderated_community_ids(user))
    found = Q(target_label=label, target_id=target_id) & where
    return Report.objects.filter(found).exists() or ModerationAction.objects.filter(found).exists()


def target_for_action(actor, label: str, target_id: int) -> Target:
    """The target of an action; ValidationError when it was already deleted (for those who
    knew of it), Http404 otherwise."""
    target = find_target(label, target_id)
    if target is None:
        if actor.is_authenticated and _knows_of(actor, label, target_id):
            raise ValidationError(ALREADY_DELETED)
        raise Http404("Nothing here.")
    return target


def authorise_on(actor, target: Target, action: Action = Action.MODERATE) -> Authority:
    """`actor`'s authority over `target`. Community moderators act only on content they may
    see (a circle post once reported, held content); site moderators on anything."""
    authority = moderation_authority(actor, target.community, action)
    if target.is_content and not authority.site and not target.visible_to(actor):
        raise Http404("Nothing here.")
    return authority


def _withheld(target: Target) -> WithheldContent | None:
    return WithheldContent.objects.filter(target_label=target.label, target_id=target.id).first()


def _require_content(target: Target) -> None:
    if not target.is_content:
        raise ValidationError(_("Only posts, comments and messages can be hidden or deleted."))


def _member_of(target: Target) -> Membership:
    """The membership an action on a member (or on a member's content) applies to."""
    if target.is_member:
        return target.obj
    membership = Membership.objects.filter(user=target.subject, community=target.community).first()
    if target.subject is None or membership is None:
        raise ValidationError(_("This is not about a member of the community."))
    return membership


# Content: hide, unhide, approve, delete, dismiss.


def do_hide_content(actor, target: Target, *, reason: str) -> ModerationAction:
    with transaction.atomic(), pushing_access_change(target, removed=True):
        withhold(target, state=WithholdState.HIDDEN, reason=reason)
        entry = record_action(
            target,
            action=ActionKind.HIDE,
            actor=actor,
            reason=reason,
            before={"state": "visible"},
            after={"state": WithholdState.HIDDEN},
        )
        do_close_reports(
            target.label,
            target.id,
            status=ReportStatus.HANDLED,
            outcome=gettext_noop("It was hidden."),
        )
    return entry


def check_hide_content(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    target = target_for_action(actor, label, target_id)
    authorise_on(actor, target)
    _require_content(target)
    reason = clean_reason(reason)
    withheld = _withheld(target)
    if withheld is not None:
        raise ValidationError(
            _("It is already %(state)s.") % {"state": withheld.get_state_display().lower()}
        )
    return do_hide_content(actor, target, reason=reason)


def do_release_content(
    actor, target: Target, withheld: WithheldContent, *, reason: str, action: ActionKind
) -> ModerationAction:
    """Make withheld content visible again (unhide or approve)."""
    with transaction.atomic(), pushing_access_change(target, removed=False):
        WithheldContent.objects.filter(pk=withheld.pk).delete()
        entry = record_action(
            target,
            action=action,
            actor=actor,
            reason=reason,
            before={"state": withheld.state},
            after={"state": "visible"},
        )
        do_close_reports(
            target.label,
            target.id,
            status=ReportStatus.DISMISSED,
            outcome=gettext_noop("Moderators reviewed it and left it up."),
        )
        if action == ActionKind.APPROVE:
            target.kind.on_approved(target.obj)
    return entry


def check_unhide_content(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    target = target_for_action(actor, label, target_id)
    authorise_on(actor, target)
    reason = clean_reason(reason)
    withheld = _withheld(target)
    if withheld is None or withheld.state != WithholdState.HIDDEN:
        raise ValidationError(_("It is not hidden."))
    return do_release_content(actor, target, withheld, reason=reason, action=ActionKind.UNHIDE)


def check_approve_content(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    target = target_for_action(actor, label, target_id)
    authorise_on(actor, target)
    reason = clean_reason(reason)
    withheld = _withheld(target)
    if withheld is None or withheld.state != WithholdState.HELD:
        raise ValidationError(_("It is not waiting for review."))
    return do_release_content(actor, target, withheld, reason=reason, action=ActionKind.APPROVE)


def do_delete_content(actor, target: Target, *, reason: str) -> ModerationAction:
    recipients = audience_ids(target)
    with transaction.atomic():
        before = {"state": "visible", "snapshot": target.snapshot()}
        WithheldContent.objects.filter(target_label=target.label, target_id=target.id).delete()
        target.kind.delete(target.obj)
        entry = record_action(
            target,
            action=ActionKind.DELETE,
            actor=actor,
            reason=reason,
            before=before,
            after={"state": "deleted"},
        )
        do_close_reports(
            target.label,
            target.id,
            status=ReportStatus.HANDLED,
            outcome=gettext_noop("It was deleted."),
        )
        push_content_change(recipients, target, removed=True)
    return entry


def check_delete_content(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    target = target_for_action(actor, label, target_id)
    authorise_on(actor, target)
    _require_content(target)
    return do_delete_content(actor, target, reason=clean_reason(reason))


def do_dismiss_reports(actor, target: Target, *, reason: str) -> ModerationAction:
    """Nothing wrong: close the reports, and bring back content hidden by reports alone."""
    withheld = _withheld(target)
    with transaction.atomic():
        restored = withheld is not None and withheld.state == WithholdState.HIDDEN
        if restored:
            with pushing_access_change(target, removed=False):
                WithheldContent.objects.filter(pk=withheld.pk).delete()
        entry = record_action(
            target,
            action=ActionKind.DISMISS,
            actor=actor,
            reason=reason,
            before={"state": withheld.state if withheld else "visible"},
            after={"state": "visible" if restored or withheld is None else withheld.state},
            notify_subject=False,
        )
        do_close_reports(
            target.label,
            target.id,
            status=ReportStatus.DISMISSED,
            outcome=gettext_noop("Moderators reviewed it and found nothing against the rules."),
        )
    return entry


def check_dismiss_reports(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    target = target_for_action(actor, label, target_id)
    authorise_on(actor, target)
    reason = clean_reason(reason)
    if not Report.objects.filter(
        target_label=label, target_id=target.id, status=ReportStatus.OPEN
    ).exists():
        raise ValidationError(_("There are no open reports on this."))
    return do_dismiss_reports(actor, target, reason=reason)


# Members: warn, mute, remove, ban.


def _member_state(membership: Membership) -> dict:
    return {
        "status": membership.status,
        "role": membership.role,
        "muted_until": membership.muted_until.isoformat() if membership.muted_until else None,
    }


def _as_member_target(target: Target, membership: Membership) -> Target:
    return Target(
        MEMBER_TARGET, membership.pk, membership, membership.community, subject=membership.user
    )


def _act_on_member(
    actor,
    target: Target,
    membership: Membership,
    *,
    action: ActionKind,
    reason: str,
    change,
    close_reports: bool = True,
) -> ModerationAction:
    """Apply `change(membership)`, log it against the member, and (unless the action answers
    no report, like lifting a mute) close the reports on both the member and the content the
    action came from."""
    with transaction.atomic():
        before = _member_state(membership)
        change(membership)
        membership.refresh_from_db()
        entry = record_action(
            _as_member_target(target, membership),
            action=action,
            actor=actor,
            reason=reason,
            before=before,
            after=_member_state(membership),
        )
        if not close_reports:
            return entry
        outcome = {
            ActionKind.WARN: gettext_noop("The member was warned."),
            ActionKind.MUTE: gettext_noop("The member was muted for a while."),
            ActionKind.REMOVE: gettext_noop("The member was removed from the community."),
            ActionKind.BAN: gettext_noop("The member was banned from the community."),
        }[action]
        for label, target_id in {(target.label, target.id), (MEMBER_TARGET, membership.pk)}:
            do_close_reports(label, target_id, status=ReportStatus.HANDLED, outcome=outcome)
    return entry


def _member_action_target(
    actor, label: str, target_id: int, action: Action
) -> tuple[Target, Membership]:
    target = target_for_action(actor, label, target_id)
    authority = authorise_on(actor, target, action)
    membership = _member_of(target)
    require_outranks_member(authority, membership)
    return target, membership


def check_warn_member(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    """Warn the member (or the author of the content): a logged notice, nothing else."""
    target, membership = _member_action_target(actor, label, target_id, Action.MODERATE)
    reason = clean_reason(reason)
    return _act_on_member(
        actor, target, membership, action=ActionKind.WARN, reason=reason, change=lambda m: None
    )


def do_mute_member(
    actor, target: Target, membership: Membership, *, duration: timedelta, reason: str
) -> ModerationAction:
    def mute(member: Membership) -> None:
        member.muted_until = timezone.now() + duration
        member.save(update_fields=["muted_until"])

    return _act_on_member(
        actor, target, membership, action=ActionKind.MUTE, reason=reason, change=mute
    )


def check_mute_member(
    actor, label: str, target_id: int, *, duration: str, reason: str
) -> ModerationAction:
    """Make the member read-only for one of MUTE_CHOICES."""
    target, membership = _member_action_target(actor, label, target_id, Action.MODERATE)
    reason = clean_reason(reason)
    if duration not in MUTE_CHOICES:
        raise ValidationError(_("Choose how long the mute lasts."))
    if not membership.is_active:
        raise ValidationError(_("This person is no longer a member."))
    return do_mute_member(
        actor, target, membership, duration=MUTE_CHOICES[duration][1], reason=reason
    )


def check_unmute_member(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    """Lift a mute before it runs out (the same people who may mute)."""
    target, membership = _member_action_target(actor, label, target_id, Action.MODERATE)
    reason = clean_reason(reason)
    if membership.muted_until is None or membership.muted_until <= timezone.now():
        raise ValidationError(_("This member is not muted."))

    def unmute(member: Membership) -> None:
        member.muted_until = None
        member.save(update_fields=["muted_until"])

    return _act_on_member(
        actor,
        target,
        membership,
        action=ActionKind.UNMUTE,
        reason=reason,
        change=unmute,
        close_reports=False,
    )


def check_remove_member(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    """Remove without a ban (owners and admins, as on the member list)."""
    target, membership = _member_action_target(actor, label, target_id, Action.MANAGE_MEMBERS)
    reason = clean_reason(reason)
    if not membership.is_active:
        raise ValidationError(_("This person is no longer a member."))
    return _act_on_member(
        actor,
        target,
        membership,
        action=ActionKind.REMOVE,
        reason=reason,
        change=do_remove_member,
    )


def check_ban_member(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    """Ban from the community (owners and admins, as on the member list)."""
    target, membership = _member_action_target(actor, label, target_id, Action.MANAGE_MEMBERS)
    reason = clean_reason(reason)
    if membership.is_banned:
        raise ValidationError(_("This person is already banned."))
    return _act_on_member(
        actor,
        target,
        membership,
        action=ActionKind.BAN,
        reason=reason,
        change=lambda member: do_ban_member(member.community, member.user),
    )


# Site moderators only: suspend an account, delete a community.


def _require_site(actor, permission: str) -> None:
    """Site-only actions: everyone else gets a 404, as if the action did not exist."""
    if not is_site_moderator(actor, permission=permission):
        raise Http404("Nothing here.")


def do_suspend_account(actor, target: Target, *, reason: str) -> ModerationAction:
    """Sign the person out everywhere: inactive accounts fail every session check, and their
    sockets lose every subscription at once."""
    user = target.subject
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        entry = record_action(
            target,
            action=ActionKind.SUSPEND,
            actor=actor,
            reason=reason,
            before={"is_active": True},
            after={"is_active": False},
        )
        do_close_reports(
            target.label,
            target.id,
            status=ReportStatus.HANDLED,
            outcome=gettext_noop("The account was suspended."),
        )
        sign_out_users([user.pk], ReadersWords(gettext_noop("Your account is suspended.")))
    return entry


def check_suspend_account(actor, label: str, target_id: int, *, reason: str) -> ModerationAction:
    _require_site(actor, SUSPEND_ACCOUNTS)
    target = target_for_action(actor, label, target_id)
    reason = clean_reason(reason)
    user = target.subject
    if user is None:
        raise ValidationError(_("There is no account to suspend here."))
    if user.pk == actor.pk or user.is_superuser:
        raise PermissionDenied(_("You cannot suspend yourself or a superuser."))
    if not user.is_active:
        raise ValidationError(_("This account is already suspended."))
    return do_suspend_account(actor, target, reason=reason)


def do_delete_community_for_cause(actor, target: Target, *, reason: str) -> ModerationAction:
    """Log (the log keeps the community's name), tell the owner, close the reports, then
    delete the community and everything in it."""
    community = target.community
    with transaction.atomic():
        entry = record_action(
            Target(COMMUNITY_TARGET, community.pk, community, community, subject=community.owner),
            action=ActionKind.DELETE_COMMUNITY,
            actor=actor,
            reason=reason,
            before={"name": community.name, "members": community.memberships.active().count()},
            after={"state": "deleted"},
        )
        do_close_reports(
            COMMUNITY_TARGET,
            community.pk,
            status=ReportStatus.HANDLED,
            outcome=gettext_noop("The community was deleted."),
        )
        do_delete_community(community)
    return entry


def check_delete_community_for_cause(
    actor, label: str, target_id: int, *, reason: str
) -> ModerationAction:
    _require_site(actor, DELETE_ANY_COMMUNITY)
    target = target_for_action(actor, label, target_id)
    return do_delete_community_for_cause(actor, target, reason=clean_reason(reason))


# One entry point for both queues: the in-app form and the admin actions name an action.

QUEUE_ACTIONS = {
    "dismiss": gettext_lazy("Dismiss the reports"),
    "approve": gettext_lazy("Approve (held content)"),
    "hide": gettext_lazy("Hide"),
    "unhide": gettext_lazy("Unhide"),
    "delete": gettext_lazy("Delete"),
    "warn": gettext_lazy("Warn the member"),
    "mute": gettext_lazy("Mute the member"),
    "unmute": gettext_lazy("Lift the member's mute"),
    "remove": gettext_lazy("Remove from the community"),
    "ban": gettext_lazy("Ban from the community"),
}
SITE_ACTIONS = {
    "suspend": gettext_lazy("Suspend the account site-wide"),
    "delete_community": gettext_lazy("Delete the community"),
}


def check_moderation_action(
    actor, action: str, label: str, target_id: int, *, reason: str, duration: str = ""
) -> ModerationAction:
    """Run the named action on the target; Http404 for an unknown action."""
    simple = {
        "dismiss": check_dismiss_reports,
        "approve": check_approve_content,
        "hide": check_hide_content,
        "unhide": check_unhide_content,
        "delete": check_delete_content,
        "warn": check_warn_member,
        "unmute": check_unmute_member,
        "remove": check_remove_member,
        "ban": check_ban_member,
        "suspend": check_suspend_account,
    }
    if action == "mute":
        return check_mute_member(actor, label, target_id, duration=duration, reason=reason)
    if action == "delete_community":
        target = target_for_action(actor, label, target_id)
        return check_delete_community_for_cause(
            actor, COMMUNITY_TARGET, target.community.pk, reason=reason
        )
    if action not in simple:
        raise Http404("No such action.")
    return simple[action](actor, label, target_id, reason=reason)
