"""Release ladders: checking one, saving it with its post, and telling each step's new people.

Access never waits for this module: the audience policy reads the step reached when it is
asked. What a step's time needs done besides is telling the people it newly reaches (the
live "new post" banner, and a notification: a mention for those the post mentions, "opened
a post to you" for the rest), once: `do_announce_due_steps` claims each due step with one
conditional UPDATE, so two job processes, or a job run twice, tell nobody twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from communities.models import Community, Tier
from communities.notifications.models import NotificationKind
from communities.notifications.services import notify
from feeds.audiences import describe_audience, validate_audience
from feeds.live import announce_new_post
from feeds.models import Audience, Post, ReleaseStep
from feeds.policy import audience_of
from feeds.releases.models import STEP_AUDIENCES
from sosoon_site.rendering import mentioned_people

MAX_STEPS = 3
# A ladder opens with a tier or the whole community: a circle is not part of a tier ladder,
# and a public post has nowhere wider to go.
OPENING_AUDIENCES = (Audience.TIER, Audience.COMMUNITY)
# Just before a step: who the post reached then, to tell only the people the step added.
_BEFORE = timedelta(microseconds=1)


@dataclass(frozen=True)
class StepDraft:
    """One later step as the composer gives it: from `at`, for `audience` (and `min_tier`)."""

    at: datetime
    audience: str
    min_tier: Tier | None = None


def breadth(audience: str, min_tier: Tier | None) -> tuple[int, int]:
    """How wide an audience is, to compare steps: a lower tier is wider than a higher one,
    the whole community wider than any tier but the base one (the same people), the public
    widest."""
    if audience == Audience.TIER:
        return (1, 0) if min_tier is None or min_tier.is_base else (0, -min_tier.rank)
    if audience == Audience.COMMUNITY:
        return (1, 0)
    return (2, 0)


def describe_step(step: StepDraft) -> str:
    """ "Insider or above", "Everyone in the community", "Public teaser"."""
    if step.audience == Audience.TIER and step.min_tier is not None:
        return _("%(tier)s or above") % {"tier": step.min_tier.name}
    return Audience(step.audience).label


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "D j M Y, H:i")


def validate_ladder(
    author,
    community: Community,
    *,
    audience: str,
    min_tier: Tier | None,
    steps: list[StepDraft],
    now: datetime | None = None,
) -> None:
    """ValidationError (keyed "ladder") unless each step comes after the one before (the
    first after now) and reaches more people than it, and `author` may address it."""
    if not steps:
        return
    now = timezone.now() if now is None else now
    if len(steps) > MAX_STEPS:
        raise ValidationError(
            {"ladder": _("A release ladder has at most %(count)s steps.") % {"count": MAX_STEPS}}
        )
    if audience not in OPENING_AUDIENCES:
        raise ValidationError(
            {"ladder": _("A release ladder starts with a tier or the whole community.")}
        )
    errors = []
    previous = StepDraft(at=now, audience=audience, min_tier=min_tier)
    for number, step in enumerate(steps, start=1):
        label = _("Step %(number)s") % {"number": number}
        if step.audience not in STEP_AUDIENCES:
            errors.append(
                _("%(step)s: choose a tier, the whole community or a public teaser.")
                % {"step": label}
            )
            continue
        try:
            validate_audience(author, community, step.audience, min_tier=step.min_tier, circle=None)
        except ValidationError as error:
            errors.extend(f"{label}: {message}" for message in error.messages)
            continue
        if step.at <= previous.at:
            if number == 1:
                late = _("%(step)s (%(when)s) must come after now.")
            else:
                late = _("%(step)s (%(when)s) must come after step %(before)s (%(then)s).")
            errors.append(
                late
                % {
                    "step": label,
                    "when": _when(step.at),
                    "before": number - 1,
                    "then": _when(previous.at),
                }
            )
        if breadth(step.audience, step.min_tier) <= breadth(previous.audience, previous.min_tier):
            if number == 1:
                narrow = _(
                    "%(step)s (%(audience)s) must reach more people than the post's first"
                    " audience (%(before_audience)s): a ladder only widens."
                )
            else:
                narrow = _(
                    "%(step)s (%(audience)s) must reach more people than step %(before)s"
                    " (%(before_audience)s): a ladder only widens."
                )
            errors.append(
                narrow
                % {
                    "step": label,
                    "audience": describe_step(step),
                    "before": number - 1,
                    "before_audience": describe_step(previous),
                }
            )
        previous = step
    if errors:
        raise ValidationError({"ladder": errors})


def do_save_ladder(post: Post, steps: list[StepDraft]) -> None:
    """Save `post`'s later steps (already checked). Caller is in the writing transaction."""
    if not steps:
        return
    ReleaseStep.objects.bulk_create(
        ReleaseStep(
            post=post,
            at=step.at,
            audience=step.audience,
            min_tier=step.min_tier if step.audience == Audience.TIER else None,
        )
        for step in steps
    )
    post.staged = True
    post.save(update_fields=["staged"])


def describe_ladder(draft: Post, steps: list[StepDraft]) -> list[tuple[str, str]]:
    """The composer's ladder lines: (when, "Visible to N people ...") for each later step,
    counted with the same sentence as the opening audience's (feeds.audiences), as each step
    would reach the community's people as they are now."""
    lines = []
    for step in steps:
        if step.audience == Audience.TIER and step.min_tier is None:
            sentence = _("Choose the lowest tier this step opens to.")
        else:
            reached = Post(
                community=draft.community,
                author=draft.author,
                audience=step.audience,
                min_tier=step.min_tier if step.audience == Audience.TIER else None,
            )
            sentence = describe_audience(reached)
        lines.append((_("From %(when)s") % {"when": _when(step.at)}, sentence))
    return lines


def ladder_of(post: Post) -> list[StepDraft]:
    """`post`'s later steps, in order (for its page and the composer's lines)."""
    return [
        StepDraft(at=step.at, audience=step.audience, min_tier=step.min_tier)
        for step in post.release_steps.select_related("min_tier").order_by("at")
    ]


def newly_reached(step: ReleaseStep) -> list[int]:
    """The people `step` brings into its post's audience: in it at the step's time, not just
    before (memberships, tiers and blocks as they are now)."""
    post = step.post
    before = audience_of(post, now=step.at - _BEFORE).values("pk")
    return list(audience_of(post, now=step.at).exclude(pk__in=before).values_list("pk", flat=True))


def do_announce_step(step: ReleaseStep) -> list[int]:
    """Tell the people `step` newly reaches: the post's mentions for those it mentions, a
    "opened a post to you" notification for the rest, and the live banner once committed.
    Caller has claimed the step. Returns who was told."""
    post = step.post
    if post.is_removed:
        return []
    reached = newly_reached(step)
    if not reached:
        return []
    mentioned = {person.pk for person in mentioned_people(post.body)} & set(reached)
    told = notify(
        [pk for pk in reached if pk in mentioned],
        kind=NotificationKind.MENTION,
        actor=post.author,
        target=post,
    )
    told += notify(
        [pk for pk in reached if pk not in mentioned],
        kind=NotificationKind.RELEASED,
        actor=post.author,
        target=post,
    )
    transaction.on_commit(lambda: announce_new_post(post, among=reached))
    return told


def do_announce_due_steps(*, now: datetime | None = None) -> int:
    """Announce every step whose time has come and that nobody announced yet; return how
    many. Each is claimed by one conditional UPDATE in its own transaction, so a step is
    announced once however many processes run this."""
    now = timezone.now() if now is None else now
    due = (
        ReleaseStep.objects.filter(announced__isnull=True, at__lte=now)
        .select_related("post__community", "post__author", "post__min_tier")
        .order_by("at", "pk")
    )
    announced = 0
    for step in due:
        with transaction.atomic():
            claimed = ReleaseStep.objects.filter(pk=step.pk, announced__isnull=True).update(
                announced=now
            )
            if claimed:
                do_announce_step(step)
                announced += 1
    return announced
