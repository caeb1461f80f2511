"""Tracked links: visits to a cross-post's landing page and the joins that follow.

Each cross-post has its own ref code (in its link) and its own invitation to the community
(base tier, member role). A visit to the landing page is counted per cross-post and browser
session; a join through the landing page's invitation is attributed by the invitation, and a
join request filed from the landing page (listed communities) by a Referral row.
"""

from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from communities.models import JoinRequestStatus, Membership, MembershipStatus
from feeds.crossposting.models import CrossPost, Referral, VisitDay

SESSION_KEY = "crossposting_ref"


def record_visit(session, crosspost: CrossPost) -> None:
    """Count one visit per browser session and remember the ref for a later join request."""
    seen = session.get(SESSION_KEY)
    if seen != crosspost.ref_code:
        CrossPost.objects.filter(pk=crosspost.pk).update(visit_count=F("visit_count") + 1)
        _count_today(crosspost)
        session[SESSION_KEY] = crosspost.ref_code


def _count_today(crosspost: CrossPost) -> None:
    """One more visit on the community's date (Insights reads visits by day and source).
    Caller loaded `crosspost.post.community`."""
    day = timezone.localdate(timezone=ZoneInfo(crosspost.post.community.time_zone))
    visits = VisitDay.objects.filter(crosspost=crosspost, day=day)
    if visits.update(visits=F("visits") + 1):
        return
    try:
        with transaction.atomic():
            VisitDay.objects.create(crosspost=crosspost, day=day, visits=1)
    except IntegrityError:  # another visit made the day's row first
        visits.update(visits=F("visits") + 1)


def do_record_referral(crosspost: CrossPost, join_request) -> Referral:
    return Referral.objects.get_or_create(crosspost=crosspost, join_request=join_request)[0]


def with_join_counts(crossposts):
    """Annotate `invitation_joins` (active members who joined through the cross-post's
    invitation) and `request_joins` (approved join requests from its landing page)."""
    by_invitation = (
        Membership.objects.filter(
            joined_via_invitation=OuterRef("invitation"), status=MembershipStatus.ACTIVE
        )
        .values("joined_via_invitation")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return crossposts.annotate(
        invitation_joins=Coalesce(Subquery(by_invitation), 0),
        request_joins=Count(
            "referrals",
            filter=Q(referrals__join_request__status=JoinRequestStatus.APPROVED),
            distinct=True,
        ),
    )
