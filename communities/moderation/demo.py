"""Moderation's part of the demo (communities.demo runs it): an open report in the wine club
(gina reports farid for spam), so the moderation queue has something in it. Idempotent."""

from communities.models import Community, Membership
from communities.moderation.models import MEMBER_TARGET, Report
from communities.moderation.services.reports import do_file_report
from communities.moderation.services.targets import find_target
from sosoon_site.accounts.models import User


def seed_reports(wine: Community) -> list[str]:
    """File the demo report unless it is there; return what was created, for the log."""
    gina = User.objects.get(handle="gina")
    farid = Membership.objects.get(user__handle="farid", community=wine)
    if Report.objects.filter(reporter=gina, target_label=MEMBER_TARGET, target_id=farid.pk):
        return []
    do_file_report(
        gina,
        find_target(MEMBER_TARGET, farid.pk),
        reason="spam",
        note="Keeps posting links to his own wine shop.",
    )
    return ["report gina about farid in Natural Wine Club"]
