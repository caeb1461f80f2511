"""When a post stops being public, its cross-posts that have not gone out are cancelled.

Connected to post_save of Post and Community, so every way a post's audience narrows (an
edit, a removal, the community turning public teasers off, the admin) is covered without the
writers having to remember to call us; and to post_save of WithheldContent, because
moderation hides or holds a post without saving it (feeds.policy reads the withheld row).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_noop

from communities.models import Community
from communities.moderation.models import WithheldContent
from feeds.crossposting.models import CrossPost, CrossPostStatus
from feeds.crossposting.services.scheduling import cancel_pending_for_post, is_public
from feeds.models import POST_LABEL, Post

NARROWED = gettext_noop("Cancelled: the post is no longer public, so it cannot be cross-posted.")
WITHHELD = gettext_noop("Cancelled: moderators withheld the post, so it cannot be cross-posted.")


@receiver(post_save, sender=Post, dispatch_uid="crossposting.post_saved")
def cancel_when_post_narrows(sender, instance: Post, **kwargs) -> None:
    """Asked at the first pending cross-post's time (or now, if it is due): a post on a
    release ladder may be public only from its public step, and audiences only widen."""
    first = (
        CrossPost.objects.filter(post=instance, status=CrossPostStatus.SCHEDULED)
        .order_by("scheduled_at")
        .values_list("scheduled_at", flat=True)
        .first()
    )
    if first is not None and not is_public(instance, at=max(first, timezone.now())):
        cancel_pending_for_post(instance, reason=NARROWED)


@receiver(post_save, sender=Community, dispatch_uid="crossposting.community_saved")
def cancel_when_teasers_stop(sender, instance: Community, **kwargs) -> None:
    if instance.allow_public_teasers:
        return
    posts = Post.objects.filter(
        community=instance, crossposts__status=CrossPostStatus.SCHEDULED
    ).distinct()
    for post in posts:
        cancel_pending_for_post(post, reason=NARROWED)


@receiver(post_save, sender=WithheldContent, dispatch_uid="crossposting.post_withheld")
def cancel_when_post_withheld(sender, instance: WithheldContent, created: bool, **kwargs) -> None:
    if not created or instance.target_label != POST_LABEL:
        return
    post = Post.objects.filter(pk=instance.target_id).first()
    if post is not None:
        cancel_pending_for_post(post, reason=WITHHELD)
