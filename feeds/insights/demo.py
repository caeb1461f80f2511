"""Ninety days of history for the Natural Wine Club, so Insights shows real shapes on the
first run: tasters joining in waves, reading and chiming in, drifting off and coming back,
a few leaving and one ban. Called from feeds' demo after its posts; idempotent (the tasters'
accounts mark it done). The numbers come from a seeded random generator, so every run of
the demo draws the same picture; the roll-up then builds the summary tables (a backfill).
"""

import random
from datetime import datetime, time, timedelta

from communities.models import Community, MembershipChange
from communities.services.invitations import do_create_invitation
from communities.services.members import do_ban_member, do_leave_community
from communities.services.membership_rules import do_add_member
from feeds.insights.days import today, zone_of
from feeds.insights.models import MemberVisit
from feeds.insights.partners import demo as partners_demo
from feeds.insights.rollups import roll_up_days
from feeds.models import Audience, Comment, Post, Reaction
from sosoon_site.accounts.models import User
from sosoon_site.rendering import render_markdown

HISTORY_DAYS = 90
TASTERS = 36
# Most tasters arrive in three waves: the launch, a cross-post that travelled, a newsletter.
WAVES = (2, 34, 63)
LEAVERS = (5, 11, 23, 30)
BANNED = 17
COMMENTS = ("Lovely.", "Adding this to my list.", "Tried it last night, agreed!", "Where to buy?")
POST_BODIES = (
    "Opened a pét-nat from the Loire tonight: pear, bread, a little funk.",
    "Which grower should we invite for the next tasting?",
    "Orange wine with curry: yes or no?",
)


def _at(community, day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone_of(community))


def _backdate_last_change(community, user, at: datetime) -> None:
    change = MembershipChange.objects.filter(community=community, user=user).last()
    MembershipChange.objects.filter(pk=change.pk).update(at=at)


def seed_history(community: Community) -> list[str]:
    """Give `community` its tasters and ninety days of their visits, posts, comments and
    reactions, then roll the days up. Nothing if the tasters exist already."""
    if User.objects.filter(handle="taster01").exists():
        return []
    rng = random.Random(15)
    first_day = today(community) - timedelta(days=HISTORY_DAYS)
    Community.objects.filter(pk=community.pk).update(created_at=_at(community, first_day, 9))
    MembershipChange.objects.filter(community=community).update(at=_at(community, first_day, 9))
    base = community.tiers.get(rank=0)
    # The launch came by word of mouth (direct), the second wave through a shared link and
    # the partners' links (partners/demo.py), the third through a mailing of email invitations.
    link = do_create_invitation(community, community.owner, tier=base)
    partner_links, partner_author = partners_demo.seed_partners(community)
    partner_joins = {partner_link: [] for partner_link in partner_links}
    joined_on = {}
    for number in range(1, TASTERS + 1):
        user = User.objects.create_user(
            email=f"taster{number:02}@demo.sosoon.test",
            handle=f"taster{number:02}",
            display_name=f"Taster {number}",
            password=None,
        )
        wave_number = number % len(WAVES)
        offset = min(HISTORY_DAYS - 1, WAVES[wave_number] + int(rng.expovariate(1 / 4)))
        day = first_day + timedelta(days=offset)
        invitation = None
        if wave_number == 1 and number % 2:
            invitation = link
        elif wave_number == 1:
            joined_through = sum(len(days) for days in partner_joins.values())
            partner_link = partner_links[joined_through % len(partner_links)]
            partner_joins[partner_link].append(day)
            invitation = partner_link.invitation
        elif wave_number == 2:
            invitation = do_create_invitation(
                community, community.owner, tier=base, email=user.email
            )
        tier = invitation.tier if invitation else None
        do_add_member(user, community, invitation=invitation, tier=tier)
        _backdate_last_change(community, user, _at(community, day, rng.randint(8, 22)))
        joined_on[user] = day
    gone_on = {}
    for index, user in enumerate(joined_on, start=1):
        if index in LEAVERS or index == BANNED:
            day = joined_on[user] + timedelta(days=rng.randint(10, 25))
            if day >= today(community):
                continue
            membership = community.memberships.get(user=user)
            if index == BANNED:
                do_ban_member(community, user)
            else:
                do_leave_community(membership)
            _backdate_last_change(community, user, _at(community, day, 20))
            gone_on[user] = day
    posts = list(Post.objects.filter(community=community, audience=Audience.COMMUNITY))
    visits, comments, reactions = [], [], []
    for offset in range(HISTORY_DAYS):
        day = first_day + timedelta(days=offset)
        # Interest fades after joining, and perks up again around each wave.
        lift = max(0.0, 1 - min(abs(offset - wave) for wave in WAVES) / 12)
        for user, joined in joined_on.items():
            if day < joined or (user in gone_on and day >= gone_on[user]):
                continue
            chance = 0.15 + 0.55 * 0.93 ** (day - joined).days + 0.25 * lift
            if rng.random() > chance:
                continue
            visits.append(MemberVisit(community=community, user=user, day=day))
            if rng.random() < 0.35 and posts:
                post = rng.choice(posts)
                at = _at(community, day, rng.randint(7, 23))
                if rng.random() < 0.5:
                    body = rng.choice(COMMENTS)
                    comments.append(
                        Comment(
                            post=post,
                            author=user,
                            body=body,
                            body_html=render_markdown(body, mentioned=[]),
                            created=at,
                        )
                    )
                else:
                    reactions.append(Reaction(post=post, user=user, emoji="heart", created=at))
        if offset % 9 == 4:
            author = rng.choice([u for u, d in joined_on.items() if d <= day] or [community.owner])
            if partner_author is not None and offset % 18 == 4:
                author = partner_author
            body = POST_BODIES[offset % len(POST_BODIES)]
            posts.append(
                Post.objects.create(
                    community=community,
                    author=author,
                    body=body,
                    body_html=render_markdown(body, mentioned=[]),
                    created=_at(community, day, 19),
                )
            )
    MemberVisit.objects.bulk_create(visits, ignore_conflicts=True)
    Comment.objects.bulk_create(comments)
    Reaction.objects.bulk_create(reactions, ignore_conflicts=True)
    link_visits = partners_demo.seed_visits(partner_joins, rng)
    roll_up_days(community, first_day, today(community) - timedelta(days=1))
    return [
        f"{TASTERS} tasters with {HISTORY_DAYS} days of history in {community.name}",
        f"{len(visits)} visits, {len(comments)} comments, {len(reactions)} reactions",
        f"{len(partner_links)} partner links with {link_visits} visits",
    ]
