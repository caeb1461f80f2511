"""Scheduling, building and sending digests, and the preferences behind them.

`due_digests(now)` lists who is owed which digest: active members with a verified address
whose preference is not off and whose last closed period has no `DigestSent` row yet.
`do_send_digest(due, now)` then, in one transaction, claims the period (the unique row),
checks again that the person is still an active member who wants it and has a verified
address, builds every section through the policy at that moment, and queues the mail in the
outbox (which delivers it after commit, with retries). An empty digest is claimed and not
sent, so a quiet period is not rebuilt every hour.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from communities.models import Community, Membership, MembershipStatus
from communities.permissions import Action, communities_where
from feeds.digests.messages import Digest, digest_message
from feeds.digests.models import (
    DEFAULT_FREQUENCY,
    DigestOutcome,
    DigestPreference,
    DigestSent,
    Frequency,
)
from feeds.digests.periods import Period, last_closed_period
from feeds.digests.sections import sections
from feeds.digests.tokens import INSIGHTS_WEEKLY_SALT, SALT, read_unsubscribe_token
from sosoon_site.accounts.models import User
from sosoon_site.claims import claim_once
from sosoon_site.languages import in_language_of

# Claims are only ever checked for a person's last closed period, so older ones can go.
CLAIMS_KEPT = timedelta(days=35)


@dataclass(frozen=True)
class Due:
    """One digest owed: what a scheduled batch carries to the worker that sends it."""

    user_id: int
    community_id: int
    frequency: str
    start: datetime
    end: datetime

    @property
    def period(self) -> Period:
        return Period(self.frequency, self.start, self.end)


def _frequency_of(user_ref, community_ref):
    """The person's frequency for the community as a query expression, the default without
    a preference row."""
    chosen = DigestPreference.objects.filter(user=user_ref, community=community_ref).values(
        "frequency"
    )[:1]
    return Coalesce(Subquery(chosen), Value(DEFAULT_FREQUENCY.value))


def _verified(user_ref, email_ref) -> Exists:
    return Exists(
        EmailAddress.objects.filter(user=user_ref, email__iexact=email_ref, verified=True)
    )


def _wanted_memberships():
    """Active memberships of active people with a verified address who want the digest."""
    return (
        Membership.objects.filter(status=MembershipStatus.ACTIVE, user__is_active=True)
        .annotate(
            frequency=_frequency_of(OuterRef("user_id"), OuterRef("community_id")),
            verified=_verified(OuterRef("user_id"), OuterRef("user__email")),
        )
        .filter(verified=True)
        .exclude(frequency=Frequency.OFF)
    )


def due_digests(now: datetime) -> list[Due]:
    """Every digest whose period has closed by `now` and is not yet claimed."""
    owed = []
    for row in _wanted_memberships().values(
        "user_id", "community_id", "frequency", "user__time_zone"
    ):
        period = last_closed_period(row["frequency"], now=now, time_zone=row["user__time_zone"])
        owed.append(
            Due(row["user_id"], row["community_id"], row["frequency"], period.start, period.end)
        )
    if not owed:
        return []
    earliest = min(due.start for due in owed)
    done = set(
        DigestSent.objects.filter(period_start__gte=earliest).values_list(
            "user_id", "community_id", "frequency", "period_start"
        )
    )
    return [
        due for due in owed if (due.user_id, due.community_id, due.frequency, due.start) not in done
    ]


def prune_claims(now: datetime) -> int:
    """Delete claims of periods that ended more than CLAIMS_KEPT ago; the number deleted."""
    deleted, _ = DigestSent.objects.filter(period_end__lt=now - CLAIMS_KEPT).delete()
    return deleted


def build_digest(person: User, community: Community, period: Period, now: datetime) -> Digest:
    """Every registered section for `person`, through the policy as it stands now."""
    digest = Digest(person=person, community=community, period=period)
    for section in sections():
        digest.parts.append((section, section.build(person, community, period, now)))
    return digest


def _still_wanted(due: Due) -> bool:
    """The scheduling check again, at send time: a ban, leaving, turning digests off or
    losing the verified address in between means no digest."""
    return (
        _wanted_memberships()
        .filter(user_id=due.user_id, community_id=due.community_id, frequency=due.frequency)
        .exists()
    )


def do_send_digest(due: Due, *, now: datetime) -> str:
    """Claim `due`'s period and, if the person is still owed a digest with something in it,
    queue its mail; the outcome ("sent", "empty", "skipped", or "claimed elsewhere")."""
    with transaction.atomic():
        claim = claim_once(
            DigestSent,
            user_id=due.user_id,
            community_id=due.community_id,
            frequency=due.frequency,
            period_start=due.start,
            period_end=due.end,
            outcome=DigestOutcome.SKIPPED,
            claimed_at=now,
        )
        if claim is None:
            return "claimed elsewhere"
        if not _still_wanted(due):
            return claim.outcome
        person = User.objects.get(pk=due.user_id)
        community = Community.objects.get(pk=due.community_id)
        # Written in the reader's language: section headings are chosen while it is built.
        with in_language_of(person):
            digest = build_digest(person, community, due.period, now)
            if not digest.empty:
                digest_message(digest).send()
        claim.outcome = DigestOutcome.EMPTY if digest.empty else DigestOutcome.SENT
        claim.save(update_fields=["outcome"])
        return claim.outcome


def preferences_of(person: User) -> list[tuple[Community, str]]:
    """Each community `person` is an active member of, with their digest frequency."""
    memberships = (
        Membership.objects.filter(user=person, status=MembershipStatus.ACTIVE)
        .select_related("community")
        .annotate(frequency=_frequency_of(OuterRef("user_id"), OuterRef("community_id")))
        .order_by("community__name")
    )
    return [(membership.community, membership.frequency) for membership in memberships]


def do_set_frequency(person: User, community: Community, frequency: str) -> None:
    DigestPreference.objects.update_or_create(
        user=person, community=community, defaults={"frequency": frequency}
    )


def insights_choices_of(person: User) -> list[tuple[Community, bool]]:
    """Each community whose Insights `person` may read (owner, admin), with whether they get
    its weekly Insights email."""
    chosen = DigestPreference.objects.filter(
        user=person, community=OuterRef("pk"), insights_weekly=True
    )
    communities = (
        communities_where(person, Action.VIEW_INSIGHTS)
        .annotate(wanted=Exists(chosen))
        .order_by("name")
    )
    return [(community, community.wanted) for community in communities]


def do_set_insights_weekly(person: User, community: Community, wanted: bool) -> None:
    """Turn the weekly Insights email of `community` on or off for `person`; nothing else
    about their digests changes."""
    DigestPreference.objects.update_or_create(
        user=person, community=community, defaults={"insights_weekly": wanted}
    )


# What each kind of unsubscribe link turns off: the member digest, or the owner's weekly
# Insights email. Each kind's token is signed with its own salt, so neither opens the other.
UNSUBSCRIBE_SALTS = {"digest": SALT, "insights": INSIGHTS_WEEKLY_SALT}


def access_unsubscribe(token: str, *, kind: str = "digest") -> tuple[User, Community]:
    """The person and community an unsubscribe token of `kind` names; Http404 for a token
    this site did not sign for that kind, or for a person or community that is gone."""
    found = read_unsubscribe_token(token, salt=UNSUBSCRIBE_SALTS[kind])
    person = User.objects.filter(pk=found[0]).first() if found else None
    community = Community.objects.filter(pk=found[1]).first() if found else None
    if person is None or community is None:
        raise Http404("No such unsubscribe link.")
    return person, community


def do_unsubscribe(token: str, *, kind: str = "digest") -> tuple[User, Community]:
    """Turn off what the token names, the digest or the weekly Insights email (one click,
    no sign-in: RFC 8058)."""
    person, community = access_unsubscribe(token, kind=kind)
    if kind == "insights":
        do_set_insights_weekly(person, community, False)
    else:
        do_set_frequency(person, community, Frequency.OFF)
    return person, community
