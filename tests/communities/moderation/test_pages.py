"""The moderation pages: reporting, the community queue, settings, and the admin queue."""

import pytest

from communities.models import AutoModeration, ModerationAction, Report, WithheldContent
from communities.moderation.services.automod import hold_for_review
from communities.moderation.services.reports import check_file_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported_note(note, member):
    check_file_report(member, label="note", target_id=note.pk, reason="spam", note="Link spam")
    return note


def test_a_member_reports_through_the_page(client, member, note):
    client.force_login(member)
    page = client.get(f"/report/note/{note.pk}/")
    assert page.status_code == 200
    assert "<title>Report · Sosoon</title>" in page.content.decode()

    sent = client.post(f"/report/note/{note.pk}/", {"reason": "spam", "note": "Buy watches"})
    assert sent.status_code == 302
    again = client.post(f"/report/note/{note.pk}/", {"reason": "spam"})
    assert "already reported" in again.content.decode()
    assert Report.objects.count() == 1


def test_the_report_page_is_a_404_for_what_you_cannot_see(client, outsider, note):
    client.force_login(outsider)
    assert client.get(f"/report/note/{note.pk}/").status_code == 404
    assert client.post(f"/report/note/{note.pk}/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_the_queue_shows_the_snapshot_to_moderators_of_this_community_only(
    client, reported_note, moderator, member, other_moderator, make_note, author, community
):
    make_note(author, community, "private: the rest of my circle")
    client.force_login(moderator)
    page = client.get("/c/wine/moderation/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "A note about wine" in body and "Link spam" in body
    assert "the rest of my circle" not in body

    client.force_login(member)
    assert client.get("/c/wine/moderation/").status_code == 403
    client.force_login(other_moderator)
    assert client.get("/c/wine/moderation/").status_code == 404


def test_a_moderator_hides_from_the_queue(client, reported_note, moderator):
    client.force_login(moderator)
    client.post(
        "/c/wine/moderation/act/",
        {"label": "note", "target_id": reported_note.pk, "action": "hide", "reason": "Spam"},
    )
    assert WithheldContent.objects.filter(target_id=reported_note.pk, state="hidden").exists()
    assert Report.objects.get().status == "handled"


def test_the_queue_refuses_a_target_from_another_community(
    client, moderator, make_note, other_moderator
):
    elsewhere_note = make_note(other_moderator, other_moderator.memberships.get().community)
    client.force_login(moderator)
    response = client.post(
        "/c/wine/moderation/act/",
        {"label": "note", "target_id": elsewhere_note.pk, "action": "hide", "reason": "x"},
    )
    assert response.status_code == 404


def test_held_content_waits_in_the_queue_until_approved(
    client, note, note_kind, moderator, member, author
):
    hold_for_review(note, reason="Matched the filter")
    assert not note_kind.visible_to(member).filter(pk=note.pk).exists()
    assert note_kind.visible_to(author).filter(pk=note.pk).exists()

    client.force_login(moderator)
    assert "Matched the filter" in client.get("/c/wine/moderation/").content.decode()
    client.post(
        "/c/wine/moderation/act/",
        {"label": "note", "target_id": note.pk, "action": "approve", "reason": "Looks fine"},
    )
    assert note_kind.visible_to(member).filter(pk=note.pk).exists()


def test_a_malformed_pattern_is_a_clear_error_and_nothing_is_saved(client, admin):
    client.force_login(admin)
    page = client.post(
        "/c/wine/moderation/settings/",
        {
            "blocked_words": "scam",
            "patterns": "buy (cheap",
            "filter_action": "hold",
            "new_member_holds": 0,
            "auto_hide_reports": 3,
        },
    )
    assert page.status_code == 200
    assert "not a valid pattern" in page.content.decode()
    assert not AutoModeration.objects.exists()


def test_moderators_may_not_change_the_settings(client, moderator):
    client.force_login(moderator)
    assert client.get("/c/wine/moderation/settings/").status_code == 403


def test_the_admin_queue_filters_and_acts_in_bulk_with_a_reason(
    client, reported_note, make_note, community, member, site_moderator
):
    second = make_note(member, community, "Another spam")
    check_file_report(
        site_moderator.__class__.objects.get(handle="author"),
        label="note",
        target_id=second.pk,
        reason="spam",
    )
    client.force_login(site_moderator)
    listing = client.get("/admin/communities/report/?status__exact=open&reason__exact=spam")
    assert listing.status_code == 200
    ids = list(Report.objects.values_list("pk", flat=True))

    ask = client.post(
        "/admin/communities/report/", {"action": "hide_selected", "_selected_action": ids}
    )
    assert "give a reason" in ask.content.decode()
    client.post(
        "/admin/communities/report/",
        {"action": "hide_selected", "_selected_action": ids, "apply": "1", "reason": "Spam"},
    )
    assert WithheldContent.objects.filter(state="hidden").count() == 2
    assert ModerationAction.objects.filter(action="hide", actor=site_moderator).count() == 2


def test_site_moderators_see_no_email_address_or_password_hash(client, site_moderator, author):
    client.force_login(site_moderator)
    listing = client.get("/admin/accounts/user/")
    assert listing.status_code == 200
    assert author.email not in listing.content.decode()
    assert client.get(f"/admin/accounts/user/?q={author.email}").context["cl"].result_count == 0
    detail = client.get(f"/admin/accounts/user/{author.pk}/change/").content.decode()
    assert "author" in detail
    assert author.email not in detail and author.password not in detail
    memberships = client.get(f"/admin/communities/membership/?q={author.email}")
    assert memberships.context["cl"].result_count == 0
    assert client.get("/admin/communities/invitation/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/feeds/externalaccount/").status_code == 403


def test_superusers_still_see_email_addresses(client, superuser, author):
    client.force_login(superuser)
    assert author.email in client.get("/admin/accounts/user/").content.decode()


def test_the_moderators_group_holds_only_what_moderation_needs():
    from django.contrib.auth.models import Group

    granted = set(
        Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("communities", "moderate_everywhere") in granted
    assert ("communities", "view_moderationaction") in granted
    model_writes = ("add_", "change_user", "delete_report", "delete_moderationaction")
    assert not {codename for _, codename in granted if codename.startswith(model_writes)}
    assert ("accounts", "change_user") not in granted
    assert not {app for app, _ in granted} - {"communities", "accounts"}


def test_the_admin_reads_a_report_as_words_not_as_json(client, reported_note, site_moderator):
    report = Report.objects.get()
    author = report.snapshot["author"]
    assert str(report) == f"Spam report on a note by {author}"
    client.force_login(site_moderator)
    detail = client.get(f"/admin/communities/report/{report.pk}/change/").content.decode()
    assert "What was reported, as the reporter saw it" in detail
    assert f">{report.snapshot['text']}</blockquote>" in detail
    assert '{"text"' not in detail and "&quot;text&quot;" not in detail


def test_only_a_mute_asks_how_long(client, reported_note, site_moderator):
    client.force_login(site_moderator)
    ids = list(Report.objects.values_list("pk", flat=True))
    warn = client.post(
        "/admin/communities/report/", {"action": "warn_selected", "_selected_action": ids}
    ).content.decode()
    mute = client.post(
        "/admin/communities/report/", {"action": "mute_selected", "_selected_action": ids}
    ).content.decode()
    assert "give a reason" in warn and "Mute for" not in warn
    assert "Mute for" in mute


def test_the_queue_shows_times_as_every_page_does_never_a_raw_timestamp(
    client, reported_note, moderator
):
    """The snapshot keeps its time as ISO text; the queue shows it relative, with the full
    time in the moderator's zone as the tooltip."""
    moderator.time_zone = "Europe/Sofia"
    moderator.save(update_fields=["time_zone"])
    snapshot = Report.objects.get().snapshot
    client.force_login(moderator)

    body = client.get("/c/wine/moderation/").content.decode()

    assert snapshot["created"][:16] not in body, "the raw UTC time is not shown"
    assert ">just now</time>" in body and "(Europe/Sofia)" in body
