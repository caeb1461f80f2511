"""The weekly Insights email for a community's owner and admins: every Monday, last week's
five numbers beside the week before, as an email and an in-app notification.

Off by default for each person (`DigestPreference.insights_weekly`, on the Email digests
page); only people the role table lets read Insights (VIEW_INSIGHTS) get it. The week runs
Monday to Sunday in the community's time zone and is sent once its Sunday has been rolled
up, so it is due from the community's Monday midnight and goes out on the first hourly run
after that day's roll-up (the `insights-weekly` job, sosoon_site/jobs.py).

The numbers are the Insights page's own, for that week (report.py builds both): members at
the week's end and joined in it, active members in the week (WAU), the engagement rate, the
top post and the top source of joins. The top post is named only if the audience policy
lets the recipient see it, and never if it went to a circle (`report.top_posts`).

Each send is claimed by a unique `WeeklyInsightsSent` row in the same transaction as the
notification and the queued mail (sosoon_site/mail/: the outbox delivers after commit and
retries a mail server that is down, recording why in words an operator can act on), so no
week is sent twice and a worker that dies leaves nothing half-saved: the next run sends it.
The mail's one-click unsubscribe (RFC 8058) uses digests' signed tokens with a salt of its
own, so it turns off this email only.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from communities.content import ContentKind, register_content
from communities.models import Community
from communities.notifying import NotificationKind, notify
from communities.permissions import Action, communities_where, people_who_may
from feeds.digests.models import DigestPreference
from feeds.digests.tokens import INSIGHTS_WEEKLY_SALT, unsubscribe_token
from feeds.insights import report
from feeds.insights.days import local_day, week_start
from feeds.insights.models import CommunityDay, WeeklyInsightsSent, WeeklyOutcome
from feeds.insights.periods import Period
from sosoon_site.accounts.models import User
from sosoon_site.claims import claim_once
from sosoon_site.languages import in_language_of

# The page's figures the email carries, by their label on the page (looked up translated,
# as the page labels them).
MEMBERS, JOINED, ACTIVE, ENGAGEMENT = (
    gettext_noop("Members"),
    gettext_noop("Joined"),
    gettext_noop("Active in the last 7 days (WAU)"),
    gettext_noop("Engagement rate"),
)
WEEK_LABEL = "insights_week"


@dataclass(frozen=True)
class TopSource:
    """The source most of the week's joins came by, and its joins the week before."""

    label: str
    joined: int
    before: int


@dataclass
class WeekInNumbers:
    community: Community
    period: Period
    members: report.Figure
    joined: report.Figure
    active: report.Figure
    engagement: report.Figure
    top_post: report.TopPost | None
    top_source: TopSource | None


def last_week(community: Community, now: datetime) -> Period:
    """Monday to Sunday of the week before the community's current week, in its zone."""
    monday = week_start(local_day(community, now))
    return Period(monday - timedelta(days=7), monday - timedelta(days=1))


def week_in_numbers(community: Community, period: Period, viewer: User) -> WeekInNumbers:
    """The week's five numbers beside the week before, as the Insights page counts them for
    that week; the top post is one `viewer` may see (never a circle post)."""
    days = {
        row.day: row
        for row in CommunityDay.objects.filter(
            community=community, day__gte=period.previous().start, day__lte=period.end
        )
    }
    figures = {figure.label: figure for figure in report.figures(community, period, days)}
    sources = report.sources_table(community, period, days)
    # A source row: label, visits, joined, joined the period before, ...; the first of the
    # sources' order wins a tie.
    joins = [row for row in sources.rows if row[2]]
    top = max(joins, key=lambda row: row[2], default=None)
    posts = report.top_posts(community, period, viewer)
    return WeekInNumbers(
        community=community,
        period=period,
        members=figures[gettext(MEMBERS)],
        joined=figures[gettext(JOINED)],
        active=figures[gettext(ACTIVE)],
        engagement=figures[gettext(ENGAGEMENT)],
        top_post=posts[0] if posts else None,
        top_source=TopSource(top[0], top[2], top[3]) if top else None,
    )


def insights_path(community: Community, period: Period) -> str:
    """The Insights page showing `period` (compared with the period before, as the email)."""
    page = reverse("insights:page", kwargs={"slug": community.slug})
    return f"{page}?{period.query('custom')}"


def _absolute(path: str) -> str:
    return settings.SOSOON_SITE_URL.rstrip("/") + path


def weekly_message(person: User, week: WeekInNumbers) -> EmailMultiAlternatives:
    """The email: plain text and HTML, absolute links, and the one-click unsubscribe headers."""
    community = week.community
    unsubscribe = _absolute(
        reverse(
            "digests:unsubscribe_insights",
            args=[unsubscribe_token(person.pk, community.pk, salt=INSIGHTS_WEEKLY_SALT)],
        )
    )
    top_post_url = (
        _absolute(week.top_post.post.get_absolute_url()) if week.top_post is not None else ""
    )
    context = {
        "person": person,
        "week": week,
        "insights_url": _absolute(insights_path(community, week.period)),
        "top_post_url": top_post_url,
        "preferences_url": _absolute(reverse("digests:preferences")),
        "unsubscribe_url": unsubscribe,
    }
    name = " ".join(community.name.split())
    message = EmailMultiAlternatives(
        subject=gettext("%(community)s last week: %(members)s members, %(joined)s joined")
        % {"community": name, "members": week.members.now, "joined": week.joined.now},
        body=render_to_string("feeds/insights/weekly_email.txt", context),
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string("feeds/insights/weekly_email.html", context), "text/html"
    )
    return message


def _wanted_by(community_id: int):
    """The people who want `community_id`'s weekly Insights and may read its Insights now."""
    chosen = DigestPreference.objects.filter(
        community_id=community_id, insights_weekly=True
    ).values("user_id")
    return people_who_may(Action.VIEW_INSIGHTS, community_id).filter(pk__in=chosen, is_active=True)


@dataclass(frozen=True)
class WeeklyDue:
    user_id: int
    community_id: int
    week: date


def due_weekly(now: datetime) -> list[WeeklyDue]:
    """Every weekly email owed at `now`: last week in each community's zone, once its Sunday
    is rolled up, to each person who wants it and has no claim for that week yet."""
    owed = []
    community_ids = (
        DigestPreference.objects.filter(insights_weekly=True)
        .values_list("community_id", flat=True)
        .distinct()
    )
    for community in Community.objects.filter(pk__in=community_ids):
        period = last_week(community, now)
        if not CommunityDay.objects.filter(community=community, day=period.end).exists():
            continue
        claimed = WeeklyInsightsSent.objects.filter(community=community, week=period.start).values(
            "user_id"
        )
        for user_id in (
            _wanted_by(community.pk).exclude(pk__in=claimed).values_list("pk", flat=True)
        ):
            owed.append(WeeklyDue(user_id, community.pk, period.start))
    return owed


def do_send_weekly(due: WeeklyDue) -> str:
    """Claim `due`'s week and, if the person still wants it and may read Insights, notify
    them and queue the email (to a verified address only); the outcome ("sent", "in_app",
    "skipped", or "claimed elsewhere")."""
    with transaction.atomic():
        claim = claim_once(
            WeeklyInsightsSent,
            user_id=due.user_id,
            community_id=due.community_id,
            week=due.week,
            outcome=WeeklyOutcome.SKIPPED,
        )
        if claim is None:
            return "claimed elsewhere"
        person = _wanted_by(due.community_id).filter(pk=due.user_id).first()
        if person is None:
            return claim.outcome
        community = Community.objects.get(pk=due.community_id)
        period = Period(due.week, due.week + timedelta(days=6))
        notify(
            [person],
            kind=NotificationKind.INSIGHTS_WEEKLY,
            actor=None,
            target=claim,
            community=community,
        )
        claim.outcome = WeeklyOutcome.IN_APP
        if EmailAddress.objects.filter(
            user=person, email__iexact=person.email, verified=True
        ).exists():
            # The figures are named while they are read, so both happen in the reader's language.
            with in_language_of(person):
                weekly_message(person, week_in_numbers(community, period, person)).send()
            claim.outcome = WeeklyOutcome.SENT
        claim.save(update_fields=["outcome"])
        return claim.outcome


def send_weekly_insights(now: datetime) -> dict[str, int]:
    """Send every weekly email owed at `now`, once each; the count of each outcome."""
    outcomes: dict[str, int] = {}
    for due in due_weekly(now):
        outcome = do_send_weekly(due)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def register_weekly_content() -> None:
    """The claim rows as content a notification can point at, seen only by their own person
    while they may read the community's Insights: a demoted admin's notification goes."""
    register_content(
        ContentKind(
            label=WEEK_LABEL,
            model=WeeklyInsightsSent,
            visible_to=lambda user: WeeklyInsightsSent.objects.filter(
                user=user, community__in=communities_where(user, Action.VIEW_INSIGHTS)
            ),
            audience=lambda sent: people_who_may(Action.VIEW_INSIGHTS, sent.community_id).filter(
                pk=sent.user_id
            ),
            url=lambda sent: insights_path(
                sent.community, Period(sent.week, sent.week + timedelta(days=6))
            ),
            summary=lambda sent: (
                gettext("Insights of %(community)s, week of %(week)s")
                % {"community": sent.community.name, "week": date_format(sent.week, "j F")}
            ),
            community=lambda sent: sent.community,
        )
    )
