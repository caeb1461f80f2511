"""Scheduling, cancelling, rescheduling and retrying cross-posts.

Only a post the audience policy shows to signed-out visitors (audience `public`, in a
community that allows public teasers) can be cross-posted, and only by the community's owners
and admins, to the community's own connected accounts.
"""

import mimetypes
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, TextField, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communities.models import Membership, MembershipStatus
from communities.permissions import Action, role_may
from communities.services.invitations import do_create_invitation
from communities.services.membership_rules import base_tier
from feeds.crossposting.base import Content
from feeds.crossposting.models import (
    CrossPost,
    CrossPostStatus,
    ExternalAccount,
    new_ref_code,
)
from feeds.crossposting.providers import provider_for
from feeds.crossposting.services.notices import notify_crosspost_problem
from feeds.crossposting.services.publishing import content_of
from feeds.models import Audience, Post


@dataclass
class Draft:
    """One account's version of the cross-post, as the form collected it."""

    account: ExternalAccount
    text: str
    media: list[dict] = field(default_factory=list)
    title: str = ""
    alt_text: str = ""
    board_id: str = ""
    board_name: str = ""
    privacy_level: str = ""
    allow_comments: bool = False
    auto_add_music: bool = False
    # The tracked link (to the community's landing page with `ref_code`).
    link: str = ""
    ref_code: str = field(default_factory=new_ref_code)


def may_manage_crossposts(user, community) -> bool:
    """Owners and admins (the role table's MANAGE_CROSSPOSTS row)."""
    if not user.is_authenticated:
        return False
    membership = Membership.objects.filter(
        user=user, community=community, status=MembershipStatus.ACTIVE
    ).first()
    return role_may(membership, Action.MANAGE_CROSSPOSTS)


def _public(*, now=None):
    """Every post the audience policy shows a signed-out visitor now, or at `now`."""
    return Post.objects.visible_to(AnonymousUser(), now=now).live()


def public_posts(community):
    """The community's posts a signed-out visitor may see now (what may be cross-posted)."""
    return _public().filter(community=community)


def is_public(post: Post, *, at=None) -> bool:
    """Whether the audience policy shows `post` to a signed-out visitor right now, or at `at`
    (a post on a release ladder becomes public at its public step)."""
    return _public(now=at).filter(pk=post.pk).exists()


def public_from(post: Post) -> datetime | None:
    """Since or from when the audience policy shows `post` to a signed-out visitor: now, or
    the time of its release ladder's public step (it may be cross-posted from then), or None.
    Each candidate time is asked of the policy, so a withheld post or a community without
    teasers gives None."""
    now = timezone.now()
    if is_public(post, at=now):
        return now
    if not post.staged:
        return None
    steps = post.release_steps.filter(audience=Audience.PUBLIC, at__gt=now).order_by("at")
    for at in steps.values_list("at", flat=True):
        if is_public(post, at=at):
            return at
    return None


def text_while_public(text, *, community_ids, now=None) -> Case:
    """A cross-post's stored `text` (an expression over CrossPost: the text, or part of it)
    while its post is still public, and "" once it is not (its audience narrowed, it was
    removed or withheld): the same question as `is_public`, asked in SQL for every row of a
    list, so a schedule shows nothing of a post that stopped being public. `community_ids`
    (ids, or a subquery of them) are the communities the rows come from: the subquery reads
    only their posts. `now` is the present unless a query compiled once passes it."""
    public = _public(now=now).filter(community_id__in=community_ids).values("pk")
    return Case(When(post_id__in=public, then=text), default=Value(""), output_field=TextField())


def check_schedule(
    user, post: Post, drafts: list[Draft], *, scheduled_at: datetime
) -> list[CrossPost]:
    """Validate every draft against its platform's rules, then save them all or none.

    ValidationError carries {"<account id>-<field>": reason} for the form."""
    if not may_manage_crossposts(user, post.community):
        raise PermissionDenied("Only the community's owners and admins cross-post.")
    opens = public_from(post)
    if opens is None:
        raise ValidationError(_("Only public posts can be cross-posted."))
    errors = {}
    if scheduled_at <= timezone.now():
        errors["scheduled_at"] = _("Choose a time in the future.")
    elif not is_public(post, at=scheduled_at):
        # A post on a release ladder: its public step is when it may go out.
        local = date_format(timezone.localtime(opens), "D j M Y, H:i")
        errors["scheduled_at"] = _(
            "The post is public from %(time)s: choose that time or later."
        ) % {"time": local}
    for draft in drafts:
        if draft.account.community_id != post.community_id or not draft.account.can_publish:
            errors[f"{draft.account.pk}-account"] = _("This account cannot publish; reconnect it.")
            continue
        content = draft_content(draft, post_id=post.pk)
        for name, reason in provider_for(draft.account.platform).validate(content).items():
            errors[f"{draft.account.pk}-{name}"] = reason
    if errors:
        raise ValidationError(errors)
    tier = base_tier(post.community)
    with transaction.atomic():
        crossposts = []
        for draft in drafts:
            crosspost = _unsaved(post, draft, scheduled_at=scheduled_at, user=user)
            # Its own invitation, so a join is attributed to this cross-post and account.
            crosspost.invitation = do_create_invitation(post.community, user, tier=tier)
            crosspost.save()
            crossposts.append(crosspost)
    return crossposts


def media_item(image, *, url: str) -> dict:
    """One entry of CrossPost.media for a post image whose absolute URL is `url`."""
    return {
        "image": image.pk,
        "url": url,
        "path": image.file.name,
        "type": mimetypes.guess_type(image.file.name)[0] or "image/jpeg",
    }


def draft_content(draft: Draft, *, post_id: int | None) -> Content:
    """What `draft` (of the post `post_id`) would send: publishing's own `content_of`, applied
    to the cross-post the draft would be saved as. Scheduling validates it and the composer
    previews it, so what is judged and shown is what is published."""
    return content_of(_from_draft(draft, post_id=post_id))


def _unsaved(post: Post, draft: Draft, *, scheduled_at, user) -> CrossPost:
    crosspost = _from_draft(draft, post_id=post.pk)
    crosspost.post, crosspost.created_by, crosspost.scheduled_at = post, user, scheduled_at
    return crosspost


def _from_draft(draft: Draft, *, post_id: int | None) -> CrossPost:
    return CrossPost(
        post_id=post_id,
        account=draft.account,
        text=draft.text,
        title=draft.title,
        alt_text=draft.alt_text,
        board_id=draft.board_id,
        board_name=draft.board_name,
        privacy_level=draft.privacy_level,
        allow_comments=draft.allow_comments,
        auto_add_music=draft.auto_add_music,
        media=draft.media,
        link=draft.link,
        ref_code=draft.ref_code,
    )


def do_cancel(crosspost: CrossPost, *, reason: str = gettext_noop("Cancelled.")) -> bool:
    """Cancel if nothing has been sent yet; False when it is already on its way or done."""
    cancelled = CrossPost.objects.filter(pk=crosspost.pk, status=CrossPostStatus.SCHEDULED).update(
        status=CrossPostStatus.CANCELLED,
        reason=reason,
        reason_words=None,
        updated_at=timezone.now(),
    )
    crosspost.refresh_from_db()
    return bool(cancelled)


def do_reschedule(crosspost: CrossPost, scheduled_at: datetime) -> None:
    """A new time for a scheduled or failed cross-post whose post is still public (the
    audience policy decides, now: it may have changed since it was scheduled)."""
    if scheduled_at <= timezone.now():
        raise ValidationError({"scheduled_at": _("Choose a time in the future.")})
    if not is_public(crosspost.post):
        raise ValidationError(_("Only public posts can be cross-posted; this one is not any more."))
    updated = CrossPost.objects.filter(
        pk=crosspost.pk, status__in=[CrossPostStatus.SCHEDULED, CrossPostStatus.FAILED]
    ).update(
        status=CrossPostStatus.SCHEDULED,
        scheduled_at=scheduled_at,
        attempts=0,
        reason="",
        reason_words=None,
        updated_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("Only scheduled or failed cross-posts can be rescheduled."))
    crosspost.refresh_from_db()


def do_retry(crosspost: CrossPost, *, checked_platform: bool = False) -> None:
    """Send a failed or needs-review cross-post again at the next dispatch.

    needs_review means it may already be live: the person must confirm they checked. One
    that TikTok had accepted (publish_id) resumes polling instead of posting again."""
    if crosspost.status == CrossPostStatus.NEEDS_REVIEW and not checked_platform:
        raise ValidationError(
            _("Check the account on the platform first: this post may already be live.")
        )
    if crosspost.status not in (CrossPostStatus.FAILED, CrossPostStatus.NEEDS_REVIEW):
        raise ValidationError(_("Only failed or needs-review cross-posts can be retried."))
    now = timezone.now()
    changes = {
        "attempts": 0,
        "reason": "",
        "reason_words": None,
        "request_sent_at": None,
        "updated_at": now,
    }
    if crosspost.publish_id:
        changes |= {"status": CrossPostStatus.PUBLISHING, "next_attempt_at": now, "claimed_at": now}
    else:
        changes |= {
            "status": CrossPostStatus.SCHEDULED,
            "scheduled_at": max(now, crosspost.scheduled_at),
        }
    CrossPost.objects.filter(pk=crosspost.pk, status=crosspost.status).update(**changes)
    crosspost.refresh_from_db()


def cancel_pending_for_post(post: Post, *, reason: str) -> int:
    """Cancel the post's cross-posts that have not gone out; tell the owner. Returns count."""
    pending = list(CrossPost.objects.filter(post=post, status=CrossPostStatus.SCHEDULED))
    count = CrossPost.objects.filter(
        pk__in=[crosspost.pk for crosspost in pending], status=CrossPostStatus.SCHEDULED
    ).update(
        status=CrossPostStatus.CANCELLED,
        reason=reason,
        reason_words=None,
        updated_at=timezone.now(),
    )
    for crosspost in pending:
        crosspost.status, crosspost.reason = CrossPostStatus.CANCELLED, reason
        crosspost.reason_words = None
        notify_crosspost_problem(crosspost)
    return count
