"""Reporting: what may be reported, duplicates, snapshots, and hiding after K reports."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from communities.models import (
    COMMUNITY_TARGET,
    MEMBER_TARGET,
    NOTE_MAX,
    ActionKind,
    AutoModeration,
    Membership,
    ModerationAction,
    Report,
    WithheldContent,
)
from communities.moderation.services.reports import check_file_report
from tests.factories import add_member

pytestmark = pytest.mark.django_db


def report(user, target, *, label="note", reason="spam", note=""):
    return check_file_report(user, label=label, target_id=target.pk, reason=reason, note=note)


def test_a_member_reports_a_note_and_the_report_keeps_a_snapshot(member, note, author):
    filed = report(member, note, note="Selling watches")

    assert filed.is_open
    assert filed.subject == author
    assert filed.snapshot["text"] == "A note about wine"
    assert filed.snapshot["author"] == str(author)
    note.message = "Edited afterwards"
    note.save()
    filed.refresh_from_db()
    assert filed.snapshot["text"] == "A note about wine"


def test_a_second_open_report_on_the_same_target_is_refused_with_a_message(member, note):
    report(member, note)

    with pytest.raises(ValidationError, match="already reported"):
        report(member, note, reason="hate")
    assert Report.objects.count() == 1


def test_the_database_allows_one_open_report_per_reporter_and_target(member, note):
    first = report(member, note)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=member, target_label="note", target_id=note.pk, reason="spam"
        )
    first.status = "dismissed"
    first.save()
    assert report(member, note).is_open


@pytest.mark.parametrize("who", ["outsider", "banned"])
def test_reporting_what_you_cannot_see_is_a_404(request, who, note):
    with pytest.raises(Http404):
        report(request.getfixturevalue(who), note)
    assert not Report.objects.exists()


def test_reporting_someone_elses_private_note_is_a_404(member, make_note, author, community):
    private = make_note(author, community, "private: only me")
    with pytest.raises(Http404):
        report(member, private)


def test_reporting_an_unknown_label_or_a_missing_id_is_a_404(member, note, community):
    with pytest.raises(Http404):
        check_file_report(member, label="nothing", target_id=note.pk, reason="spam")
    with pytest.raises(Http404):
        check_file_report(member, label="note", target_id=note.pk + 999, reason="spam")
    # Join requests are registered for notifications only, not for reports.
    with pytest.raises(Http404):
        check_file_report(member, label="join_request", target_id=note.pk, reason="spam")


def test_a_note_over_the_limit_or_an_unknown_reason_is_refused_and_nothing_saved(member, note):
    with pytest.raises(ValidationError, match=f"under {NOTE_MAX}"):
        report(member, note, note="x" * (NOTE_MAX + 1))
    with pytest.raises(ValidationError, match="reason"):
        report(member, note, reason="boring")
    assert not Report.objects.exists()


def test_nobody_reports_their_own_content(author, note):
    with pytest.raises(ValidationError, match="yourself"):
        report(author, note)


def test_a_member_reports_another_member_but_not_someone_who_left(member, author, community):
    target = Membership.objects.get(user=author, community=community)
    filed = report(member, target, label=MEMBER_TARGET, reason="harassment")
    assert filed.subject == author
    target.status = "left"
    target.save()
    with pytest.raises(Http404):
        report(add_member(community).user, target, label=MEMBER_TARGET)


def test_a_listed_community_is_reported_by_anyone_an_unlisted_one_only_by_members(
    listed_community, community, outsider, member
):
    assert report(outsider, listed_community, label=COMMUNITY_TARGET).subject
    with pytest.raises(Http404):
        report(outsider, community, label=COMMUNITY_TARGET)
    assert report(member, community, label=COMMUNITY_TARGET).is_open


def reporters(community, count):
    return [add_member(community).user for _ in range(count)]


def test_three_different_reporters_hide_the_content_for_review(community, note, author):
    first, second, third = reporters(community, 3)
    report(first, note)
    report(second, note)
    assert not WithheldContent.objects.exists()

    report(third, note)

    hidden = WithheldContent.objects.get(target_label="note", target_id=note.pk)
    assert hidden.state == "hidden"
    entry = ModerationAction.objects.get(action=ActionKind.AUTO_HIDE)
    assert entry.actor is None
    assert entry.before["reports"] == 3


def test_the_threshold_is_configurable_per_community(community, note):
    AutoModeration.objects.create(community=community, auto_hide_reports=1)
    report(reporters(community, 1)[0], note)
    assert WithheldContent.objects.filter(target_id=note.pk).exists()


def test_hidden_content_is_seen_by_its_author_and_moderators_only(
    community, note, note_kind, author, moderator, owner, member
):
    for reporter in reporters(community, 3):
        report(reporter, note)

    def sees(user):
        return note_kind.visible_to(user).filter(pk=note.pk).exists()

    assert sees(author) and sees(moderator) and sees(owner)
    assert not sees(member)


def test_reports_on_a_member_never_hide_anything(community, author):
    target = Membership.objects.get(user=author, community=community)
    for reporter in reporters(community, 3):
        report(reporter, target, label=MEMBER_TARGET)
    assert not WithheldContent.objects.exists()
