"""Auto-moderation: what the posting and chat services ask before saving, and what the
audience policies ask when reading.

Chat asks through governance's registry (communities.screening), where
communities.moderation.screens registers `screen_content` and `hold_for_review`; feeds, above
communities, calls them here. The verdicts (`Screening`, `Verdict`) are the registry's.

Before saving, callers ask `screen_content(user, community, text)` and act on the verdict:
`allow` saves as usual, `block` refuses with the reason, `hold` saves and then calls
`hold_for_review(obj, ...)` in the same transaction, so the content is never visible unheld.

When reading, a policy excludes `withheld_from(user, label)` (communities.moderation.models):
held or hidden content stays visible to its author and the community's moderators only (one
policy; these are subqueries it composes, not a second check). `reported_to_moderators(user,
label)` is rule 8: moderators see a circle post once a member has reported it.
"""

import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.content import kind_of, registered_kinds
from communities.models import Community, Membership
from communities.moderation.models import (
    ActionKind,
    AutoModeration,
    FilterAction,
    Report,
    ReportStatus,
    WithheldContent,
    WithholdState,
)
from communities.moderation.services.audit_log import pushing_access_change, record_action
from communities.moderation.services.authority import moderation_authority
from communities.moderation.services.filter_patterns import (
    PatternRefused,
    compile_pattern,
    pattern_matches,
)
from communities.moderation.services.targets import Target
from communities.permissions import Action, communities_where
from communities.screening import Screening, Verdict
from sosoon_site.languages import ReadersWords, in_english, ngettext_noop, words_of

PATTERN_MAX = 200
PATTERNS_MAX = 50
WORDS_MAX = 500
# Patterns never see more than this much text, which bounds the work of even a slow pattern.
SCREENED_TEXT_MAX = 20_000


def settings_for(community: Community) -> AutoModeration:
    """The community's settings, or unsaved defaults when nobody has changed them."""
    return AutoModeration.objects.filter(community=community).first() or AutoModeration(
        community=community
    )


def muted_until(user, community: Community) -> datetime | None:
    """When `user`'s mute in `community` ends, or None when they are not muted."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, community=community, muted_until__gt=timezone.now())
        .values_list("muted_until", flat=True)
        .first()
    )


def is_muted(user, community: Community) -> bool:
    """Whether `user` is read-only in `community` right now. Posting, commenting and chat
    refuse while this is true."""
    return muted_until(user, community) is not None


def mute_message(until: datetime) -> str:
    return _("You are muted here until %(until)s.") % {
        "until": date_format(timezone.localtime(until), "DATETIME_FORMAT")
    }


def _word_pattern(word: str) -> str:
    # A word is escaped, so it stays on `re` (its lookarounds cannot backtrack) and keeps
    # `re`'s Unicode idea of a word.
    return rf"(?<!\w){re.escape(word)}(?!\w)"


def matched_filter(settings: AutoModeration, text: str) -> str:
    """The blocked word or pattern `text` matches, or ""."""
    text = text[:SCREENED_TEXT_MAX]
    for word in settings.word_list():
        if re.search(_word_pattern(word), text, re.IGNORECASE):
            return word
    for pattern in settings.pattern_list():
        try:
            if pattern_matches(pattern, text):
                return pattern
        except PatternRefused:
            continue
    return ""


def patterns_not_in_force(settings: AutoModeration) -> list[str]:
    """Why each stored pattern the filter skips cannot run (patterns saved before the filter
    ran on RE2), for the settings page."""
    notes = []
    for number, pattern in enumerate(settings.pattern_list(), start=1):
        try:
            compile_pattern(pattern)
        except PatternRefused as refused:
            notes.append(
                _("Pattern %(number)s (%(pattern)s) is not in force: %(why)s.")
                % {"number": number, "pattern": pattern, "why": refused}
            )
    return notes


def contribution_count(user, community: Community) -> int:
    """How many posts, comments and messages of `user` in `community` are out in the open."""
    total = 0
    for kind in registered_kinds():
        if kind.authored_by is None:
            continue
        withheld = WithheldContent.objects.filter(target_label=kind.label).values("target_id")
        total += kind.authored_by(user, community).exclude(pk__in=withheld).count()
    return total


def screen_content(user, community: Community, text: str) -> Screening:
    """Whether `user` may publish `text` in `community` now: muted people are refused, the
    word and pattern filter blocks or holds, and new members' first posts are held."""
    until = muted_until(user, community)
    if until is not None:
        return Screening(Verdict.BLOCK, mute_message(until))
    settings = settings_for(community)
    matched = matched_filter(settings, text)
    if matched:
        if settings.filter_action == FilterAction.BLOCK:
            return Screening(
                Verdict.BLOCK, _("This community does not allow some of the words you used.")
            )
        return Screening(
            Verdict.HOLD,
            ReadersWords(gettext_noop("Held for review: it matched the community's filter.")),
        )
    if (
        settings.new_member_holds
        and not communities_where(user, Action.MODERATE).filter(pk=community.pk).exists()
        and contribution_count(user, community) < settings.new_member_holds
    ):
        return Screening(
            Verdict.HOLD,
            ReadersWords(gettext_noop("New members' first posts are reviewed by the moderators.")),
        )
    return Screening(Verdict.ALLOW)


def withhold(target: Target, *, state: str, reason: str | ReadersWords) -> WithheldContent:
    """Record that `target` is withheld (held or hidden) for review, with what it said then
    and why: a moderator's words as written; the system's (`ReadersWords`) in English, with
    the words beside, so each reader reads them in their language."""
    words = reason if isinstance(reason, ReadersWords) else None
    return WithheldContent.objects.create(
        community=target.community,
        target_label=target.label,
        target_id=target.id,
        author=target.subject,
        state=state,
        reason=in_english(words) if words else reason,
        reason_words=words.payload() if words else None,
        snapshot=target.snapshot(),
    )


def hold_for_review(obj: Model, *, reason: str | ReadersWords) -> WithheldContent:
    """Withhold new content `obj` until a moderator approves it. Caller is in the transaction
    that created `obj`."""
    kind = kind_of(obj)
    community = kind.community(obj)
    target = Target(kind.label, obj.pk, obj, community, subject=kind.author(obj), kind=kind)
    words = words_of(reason)
    held = withhold(target, state=WithholdState.HELD, reason=words)
    record_action(
        target,
        action=ActionKind.HOLD,
        actor=None,
        reason=words,
        before={},
        after={"state": WithholdState.HELD},
        notify_subject=False,
    )
    return held


def maybe_auto_hide(target: Target) -> WithheldContent | None:
    """Hide `target` for review once enough different people have open reports on it.
    Caller is in the transaction that filed the latest report."""
    if not target.is_content:
        return None
    threshold = settings_for(target.community).auto_hide_reports
    reporters = (
        Report.objects.filter(
            target_label=target.label, target_id=target.id, status=ReportStatus.OPEN
        )
        .values("reporter")
        .distinct()
        .count()
    )
    if not threshold or reporters < threshold:
        return None
    if WithheldContent.objects.filter(target_label=target.label, target_id=target.id).exists():
        return None
    reason = ReadersWords.counted(
        ngettext_noop(
            "Hidden for review after %(count)s member reported it.",
            "Hidden for review after %(count)s members reported it.",
        ),
        reporters,
    )
    with pushing_access_change(target, removed=True):
        hidden = withhold(target, state=WithholdState.HIDDEN, reason=reason)
    record_action(
        target,
        action=ActionKind.AUTO_HIDE,
        actor=None,
        reason=reason,
        before={"state": "visible", "reports": reporters},
        after={"state": WithholdState.HIDDEN},
        notify_subject=False,
    )
    return hidden


def validate_blocked_words(text: str) -> str:
    """The word list, one per line, without blanks; ValidationError when too long."""
    words = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(words) > WORDS_MAX:
        raise ValidationError(_("At most %(most)s words or phrases.") % {"most": WORDS_MAX})
    return "\n".join(words)


def validate_patterns(text: str) -> str:
    """The pattern list, one per line; ValidationError naming every line that is too long
    or that RE2 cannot run (filter_patterns says what it refuses and why)."""
    patterns = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(patterns) > PATTERNS_MAX:
        raise ValidationError(_("At most %(most)s patterns.") % {"most": PATTERNS_MAX})
    errors = []
    for number, pattern in enumerate(patterns, start=1):
        if len(pattern) > PATTERN_MAX:
            errors.append(
                _("Pattern %(number)s is longer than %(most)s characters.")
                % {"number": number, "most": PATTERN_MAX}
            )
            continue
        try:
            compile_pattern(pattern)
        except PatternRefused as refused:
            errors.append(
                _("Pattern %(number)s (%(pattern)s) cannot be used: %(why)s.")
                % {"number": number, "pattern": pattern, "why": refused}
            )
    if errors:
        raise ValidationError(errors)
    return "\n".join(patterns)


def do_save_automod(community: Community, **fields) -> AutoModeration:
    with transaction.atomic():
        settings, _created = AutoModeration.objects.get_or_create(community=community)
        for name, value in fields.items():
            setattr(settings, name, value)
        settings.save()
    return settings


def check_save_automod(
    actor,
    community: Community,
    *,
    blocked_words: str,
    patterns: str,
    filter_action: str,
    new_member_holds: int,
    auto_hide_reports: int,
) -> AutoModeration:
    """Validate everything first; nothing is saved when any field is wrong."""
    moderation_authority(actor, community, Action.EDIT_SETTINGS)
    errors = {}
    try:
        blocked_words = validate_blocked_words(blocked_words)
    except ValidationError as error:
        errors["blocked_words"] = error.messages
    try:
        patterns = validate_patterns(patterns)
    except ValidationError as error:
        errors["patterns"] = error.messages
    if filter_action not in FilterAction.values:
        errors["filter_action"] = [_("Choose block or hold.")]
    if not 0 <= new_member_holds <= 100:
        errors["new_member_holds"] = [_("Between 0 and 100.")]
    if not 1 <= auto_hide_reports <= 100:
        errors["auto_hide_reports"] = [_("Between 1 and 100.")]
    if errors:
        raise ValidationError(errors)
    return do_save_automod(
        community,
        blocked_words=blocked_words,
        patterns=patterns,
        filter_action=filter_action,
        new_member_holds=new_member_holds,
        auto_hide_reports=auto_hide_reports,
    )
