"""Moderation actions: the permission matrix, the audit trail, notices, and bad input."""

import pytest
from django.contrib.admin.sites import site as admin_site
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from communities.models import (
    COMMUNITY_TARGET,
    REASON_MAX,
    ActionKind,
    Community,
    Membership,
    ModerationAction,
    Notification,
    NotificationKind,
    Report,
    WithheldContent,
)
from communities.moderation.services import actions as moderation
from communities.moderation.services.automod import is_muted, screen_content
from communities.moderation.services.reports import check_file_report

pytestmark = pytest.mark.django_db

ACTORS = [
    "member",
    "moderator",
    "admin",
    "owner",
    "site_moderator",
    "superuser",
    "other_moderator",
    "plain_staff",
]
NO_STANDING = {"other_moderator", "plain_staff"}
MODERATORS = {"moderator", "admin", "owner", "site_moderator", "superuser"}
MEMBER_MANAGERS = {"admin", "owner", "site_moderator", "superuser"}
SITE = {"site_moderator", "superuser"}

# action -> who may take it
ACTIONS = {
    "hide": MODERATORS,
    "delete": MODERATORS,
    "dismiss": MODERATORS,
    "warn": MODERATORS,
    "mute": MODERATORS,
    "remove": MEMBER_MANAGERS,
    "ban": MEMBER_MANAGERS,
    "suspend": SITE,
    "delete_community": SITE,
}
SITE_ONLY = {"suspend", "delete_community"}


def take(actor, action, note):
    """The one entry point both queues use."""
    return moderation.check_moderation_action(
        actor, action, "note", note.pk, reason="Against the rules", duration="1d"
    )


@pytest.fixture
def reported_note(note, member):
    check_file_report(member, label="note", target_id=note.pk, reason="spam")
    return note


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ACTORS)
def test_permission_matrix(request, action, who, reported_note, author, community):
    actor = request.getfixturevalue(who)
    allowed = ACTIONS[action]

    if who in allowed:
        entry = take(actor, action, reported_note)
        assert entry.actor == actor
        assert entry.action == action
        assert entry.subject == (community.owner if action == "delete_community" else author)
        return

    expected = Http404 if who in NO_STANDING or action in SITE_ONLY else PermissionDenied
    with pytest.raises(expected):
        take(actor, action, reported_note)
    assert not ModerationAction.objects.exclude(action=ActionKind.AUTO_HIDE).exists()
    assert Report.objects.get().is_open


@pytest.mark.parametrize("action", ["hide", "delete", "warn", "mute", "remove", "ban", "suspend"])
def test_each_action_tells_the_author_why_and_the_reporter_it_was_handled(
    action, reported_note, author, member, superuser, client
):
    entry = take(superuser, action, reported_note)

    notice = Notification.objects.get(recipient=author, kind=NotificationKind.MODERATION)
    assert notice.actor is None
    assert notice.target_id == entry.pk
    handled = Notification.objects.get(recipient=member, kind=NotificationKind.REPORT_HANDLED)
    assert handled.actor is None
    report = Report.objects.get()
    assert report.status == "handled" and report.handled_at and report.outcome

    client.force_login(member)
    page = client.get(f"/moderation/reports/{report.pk}/")
    assert page.status_code == 200
    assert report.outcome in page.content.decode()
    assert superuser.handle not in page.content.decode()


def test_the_author_reads_the_reason_and_nobody_else_can(
    reported_note, author, member, moderator, client
):
    entry = moderation.check_warn_member(moderator, "note", reported_note.pk, reason="Please stop")

    client.force_login(author)
    page = client.get(f"/moderation/notices/{entry.pk}/")
    assert page.status_code == 200
    assert "Please stop" in page.content.decode()
    client.force_login(member)
    assert client.get(f"/moderation/notices/{entry.pk}/").status_code == 404


def test_hide_takes_effect_at_once_and_unhide_brings_it_back(
    reported_note, note_kind, moderator, member
):
    moderation.check_hide_content(moderator, "note", reported_note.pk, reason="Spam")
    assert not note_kind.visible_to(member).filter(pk=reported_note.pk).exists()
    with pytest.raises(ValidationError, match="already hidden"):
        moderation.check_hide_content(moderator, "note", reported_note.pk, reason="Spam")

    moderation.check_unhide_content(moderator, "note", reported_note.pk, reason="Appeal upheld")
    assert note_kind.visible_to(member).filter(pk=reported_note.pk).exists()
    assert [entry.action for entry in ModerationAction.objects.order_by("pk")] == [
        "hide",
        "unhide",
    ]


def test_acting_on_deleted_content_says_so_to_moderators_and_404s_to_others(
    reported_note, moderator, other_moderator
):
    note_id = reported_note.pk
    moderation.check_delete_content(moderator, "note", note_id, reason="Spam")

    with pytest.raises(ValidationError, match="already deleted"):
        moderation.check_delete_content(moderator, "note", note_id, reason="Spam")
    with pytest.raises(Http404):
        moderation.check_hide_content(other_moderator, "note", note_id, reason="Spam")
    assert ModerationAction.objects.filter(action="delete").count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * (REASON_MAX + 1)])
def test_a_missing_or_overlong_reason_is_refused_and_nothing_changes(
    reason, reported_note, moderator
):
    with pytest.raises(ValidationError, match="reason"):
        moderation.check_hide_content(moderator, "note", reported_note.pk, reason=reason)
    assert not WithheldContent.objects.exists()
    assert not ModerationAction.objects.exists()
    assert Report.objects.get().is_open


def test_moderators_act_on_a_private_note_only_once_it_is_reported(
    make_note, author, community, moderator, member
):
    private = make_note(author, community, "private: my circle")
    with pytest.raises(Http404):
        moderation.check_hide_content(moderator, "note", private.pk, reason="Looking around")

    Report.objects.create(
        reporter=member,
        community=community,
        target_label="note",
        target_id=private.pk,
        subject=author,
        reason="privacy",
    )
    assert moderation.check_hide_content(moderator, "note", private.pk, reason="Doxxing")


def test_a_moderator_cannot_act_on_an_admin_or_the_owner(
    make_note, community, admin, owner, moderator
):
    for person in (admin, owner):
        note = make_note(person, community)
        with pytest.raises((PermissionDenied, ValidationError)):
            moderation.check_warn_member(moderator, "note", note.pk, reason="Hm")


def test_a_muted_member_is_read_only_until_the_mute_ends(
    reported_note, author, community, moderator
):
    moderation.check_mute_member(
        moderator, "note", reported_note.pk, duration="1h", reason="Heated"
    )

    assert is_muted(author, community)
    verdict = screen_content(author, community, "hello")
    assert verdict.blocked and "muted" in verdict.reason
    membership = Membership.objects.get(user=author, community=community)
    assert membership.is_active
    Membership.objects.filter(pk=membership.pk).update(
        muted_until=membership.muted_until.replace(year=2000)
    )
    assert not is_muted(author, community)


def test_an_unknown_mute_duration_is_refused(reported_note, moderator):
    with pytest.raises(ValidationError, match="how long"):
        moderation.check_mute_member(moderator, "note", reported_note.pk, duration="1y", reason="x")


def test_suspending_signs_the_person_out(reported_note, author, site_moderator, client):
    client.force_login(author)
    moderation.check_suspend_account(site_moderator, "note", reported_note.pk, reason="Spam bot")

    author.refresh_from_db()
    assert not author.is_active
    assert client.get("/notifications/").status_code == 302


def test_deleting_a_community_keeps_the_log_and_tells_the_owner(
    reported_note, community, owner, superuser, client
):
    entry = moderation.check_delete_community_for_cause(
        superuser, COMMUNITY_TARGET, community.pk, reason="Illegal trade"
    )

    assert not Community.objects.filter(pk=community.pk).exists()
    entry.refresh_from_db()
    assert entry.community is None and entry.community_name == "Natural Wine Club"
    client.force_login(owner)
    page = client.get(f"/moderation/notices/{entry.pk}/")
    assert "Illegal trade" in page.content.decode()


def test_the_log_cannot_be_changed_or_deleted_through_the_orm(reported_note, moderator):
    entry = moderation.check_warn_member(moderator, "note", reported_note.pk, reason="Be kind")
    entry.reason = "Nothing happened"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        ModerationAction.objects.update(reason="Nothing")
    with pytest.raises(ValidationError):
        ModerationAction.objects.all().delete()
    assert ModerationAction.objects.get().reason == "Be kind"


def test_the_admin_refuses_to_change_or_delete_the_log_even_for_a_superuser(
    reported_note, moderator, superuser, client
):
    entry = moderation.check_warn_member(moderator, "note", reported_note.pk, reason="Be kind")
    model_admin = admin_site._registry[ModerationAction]
    request = RequestFactory().get("/")
    request.user = superuser

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    client.force_login(superuser)
    change_url = f"/admin/communities/moderationaction/{entry.pk}/change/"
    assert client.get(change_url).status_code == 200  # read-only view
    client.post(change_url, {"reason": "Nothing happened"})
    delete = client.post(f"/admin/communities/moderationaction/{entry.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    entry.refresh_from_db()
    assert entry.reason == "Be kind"


def test_a_moderator_lifts_a_mute_and_the_log_keeps_both(
    reported_note, author, community, moderator
):
    moderation.check_mute_member(moderator, "note", reported_note.pk, duration="1d", reason="Heat")

    entry = moderation.check_moderation_action(
        moderator, "unmute", "note", reported_note.pk, reason="Cooled down"
    )

    assert not is_muted(author, community)
    assert entry.action == ActionKind.UNMUTE and entry.reason == "Cooled down"
    log = ModerationAction.objects.filter(subject=author).order_by("created", "id")
    assert list(log.values_list("action", flat=True)) == [ActionKind.MUTE, ActionKind.UNMUTE]


def test_unmuting_someone_who_is_not_muted_changes_nothing(reported_note, moderator, author):
    with pytest.raises(ValidationError, match="not muted"):
        moderation.check_unmute_member(moderator, "note", reported_note.pk, reason="Just in case")

    assert not ModerationAction.objects.filter(action=ActionKind.UNMUTE).exists()


def test_a_member_cannot_lift_a_mute(reported_note, moderator, member, author, community):
    moderation.check_mute_member(moderator, "note", reported_note.pk, duration="1h", reason="Heat")

    with pytest.raises((Http404, PermissionDenied)):
        moderation.check_unmute_member(member, "note", reported_note.pk, reason="Free them")

    assert is_muted(author, community)
