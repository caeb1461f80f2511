"""Writing posts: create, edit (body and audience), remove, pin.

New and edited posts pass feeds.services.screening first (mute, auto-moderation, rate
limit); a held post is saved but withheld, announced to nobody and mentions nobody until a
moderator approves it.
"""

from collections.abc import Collection, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Community, Membership, MembershipStatus, Tier
from communities.moderation.models import WithheldContent
from communities.moderation.services.actions import check_delete_content
from communities.moderation.services.automod import hold_for_review
from communities.permissions import Action, role_may
from feeds.audiences import validate_audience
from feeds.live import announce_new_post
from feeds.models import (
    MAX_BODY,
    MAX_IMAGES,
    POST_LABEL,
    Circle,
    Post,
    PostImage,
    private_storage,
)
from feeds.notifying import notify_post_mentions
from feeds.policy import access_post
from feeds.releases.services import StepDraft, do_save_ladder, validate_ladder
from feeds.services.screening import POST_RATE, screen_text
from sosoon_site.languages import ReadersWords
from sosoon_site.rendering import mentioned_people, render_markdown

MAX_PINNED = 3


def active_membership(user, community_id: int) -> Membership | None:
    """`user`'s active membership in the community, or None."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(
            user=user, community_id=community_id, status=MembershipStatus.ACTIVE
        )
        .select_related("tier")
        .first()
    )


def validate_content(body: str, images: Sequence) -> None:
    """ValidationError for an empty post, an over-long body or too many images."""
    if not body.strip() and not images:
        raise ValidationError({"body": _("Write something or add an image.")})
    if len(body) > MAX_BODY:
        raise ValidationError(
            {"body": _("A post is at most %(count)s characters.") % {"count": f"{MAX_BODY:,}"}}
        )
    if len(images) > MAX_IMAGES:
        raise ValidationError(
            {
                "images": ngettext(
                    "A post has at most %(count)s image.",
                    "A post has at most %(count)s images.",
                    MAX_IMAGES,
                )
                % {"count": MAX_IMAGES}
            }
        )


def do_create_post(
    author,
    community: Community,
    *,
    body: str,
    audience: str,
    min_tier: Tier | None = None,
    circle: Circle | None = None,
    images: Sequence[ContentFile] = (),
    steps: Sequence[StepDraft] = (),
    held_reason: "ReadersWords | str" = "",
) -> Post:
    """Save the post, its (already cleaned) images and its release ladder's later `steps`
    (already checked); announce it once committed. With `held_reason` (auto-moderation said
    hold) it waits for a moderator instead: no banner, no mentions. The returned post's
    `held_reason` says which."""
    mentioned = mentioned_people(body)
    with transaction.atomic():
        post = Post.objects.create(
            community=community,
            author=author,
            body=body,
            body_html=render_markdown(body, mentioned=mentioned),
            audience=audience,
            min_tier=min_tier if audience == "tier" else None,
            circle=circle if audience == "circle" else None,
        )
        for position, image in enumerate(images):
            PostImage.objects.create(post=post, file=image, position=position)
        do_save_ladder(post, list(steps))
        if held_reason:
            hold_for_review(post, reason=held_reason)
        else:
            announce_post(post, mentioned)
    post.held_reason = held_reason
    return post


def announce_post(post: Post, mentioned) -> None:
    """What a post that is not held does once written, and what approving a held one does:
    tell the people it mentions, and once committed push the new-post banner to its
    audience. Caller is in the writing transaction."""
    notify_post_mentions(post, mentioned)
    transaction.on_commit(lambda: announce_new_post(post))


def check_create_post(
    author,
    community: Community,
    *,
    body: str,
    audience: str,
    min_tier: Tier | None = None,
    circle: Circle | None = None,
    images: Sequence[ContentFile] = (),
    steps: Sequence[StepDraft] = (),
) -> Post:
    """Create a post for an active member, after checking its content, audience and release
    ladder, the author's mute, the community's filter and the rate limit (RateLimited past
    it)."""
    if active_membership(author, community.pk) is None:
        raise PermissionDenied("Only members can post here.")
    validate_content(body, images)
    validate_audience(author, community, audience, min_tier=min_tier, circle=circle)
    validate_ladder(author, community, audience=audience, min_tier=min_tier, steps=list(steps))
    held_reason = screen_text(author, community, body)
    POST_RATE.require(author.pk, action="posts")
    return do_create_post(
        author,
        community,
        body=body,
        audience=audience,
        min_tier=min_tier,
        circle=circle,
        images=images,
        steps=steps,
        held_reason=held_reason,
    )


def _replace_images(post: Post, *, add: Sequence[ContentFile], remove_ids: Collection[int]) -> None:
    """Drop the images in `remove_ids` (their files once committed: a removed image of a
    circle post must not stay readable on disk) and append `add`, numbered in order."""
    removed = list(post.images.filter(pk__in=remove_ids))
    names = [image.file.name for image in removed]
    for image in removed:
        image.delete()
    transaction.on_commit(lambda: [private_storage.delete(name) for name in names])
    kept = list(post.images.order_by("position", "pk"))
    for position, image in enumerate(kept):
        if image.position != position:
            image.position = position
            image.save(update_fields=["position"])
    for position, image in enumerate(add, start=len(kept)):
        PostImage.objects.create(post=post, file=image, position=position)


def do_edit_post(
    post: Post,
    *,
    body: str,
    audience: str,
    min_tier: Tier | None,
    circle: Circle | None,
    add_images: Sequence[ContentFile] = (),
    remove_image_ids: Collection[int] = (),
    held_reason: "ReadersWords | str" = "",
) -> Post:
    """New body, audience and images, applied at once (access is decided when read). With
    `held_reason` the edited post waits for a moderator, unless it is withheld already.
    People the edit newly mentions hear of it as of a new post (those mentioned before were
    told then); a withheld post mentions nobody."""
    mentioned_before = {person.pk for person in mentioned_people(post.body)}
    mentioned = mentioned_people(body)
    post.body = body
    post.body_html = render_markdown(body, mentioned=mentioned)
    post.audience = audience
    post.min_tier = min_tier if audience == "tier" else None
    post.circle = circle if audience == "circle" else None
    post.edited = timezone.now()
    with transaction.atomic():
        post.save(update_fields=["body", "body_html", "audience", "min_tier", "circle", "edited"])
        _replace_images(post, add=add_images, remove_ids=remove_image_ids)
        withheld = WithheldContent.objects.filter(
            target_label=POST_LABEL, target_id=post.pk
        ).exists()
        if held_reason and not withheld:
            hold_for_review(post, reason=held_reason)
        elif not withheld:
            notify_post_mentions(
                post, [person for person in mentioned if person.pk not in mentioned_before]
            )
    post.held_reason = held_reason
    return post


def check_edit_post(
    user,
    post_id,
    *,
    body: str,
    audience: str,
    min_tier: Tier | None,
    circle: Circle | None,
    add_images: Sequence[ContentFile] = (),
    remove_image_ids: Collection[int] = (),
) -> Post:
    """Edit for the author, checking the result as a new post would be checked: content
    (what stays of the images plus what is added), audience, the filter and the rate limit."""
    post = access_post(user, post_id)
    if post.author_id != user.pk or post.is_removed:
        raise PermissionDenied("Only the author can edit a post.")
    kept = [image for image in post.images.all() if image.pk not in set(remove_image_ids)]
    validate_content(body, [*kept, *add_images])
    validate_audience(user, post.community, audience, min_tier=min_tier, circle=circle)
    if post.staged and (audience, min_tier) != (post.audience, post.min_tier):
        # Its later steps were checked against this opening audience.
        raise ValidationError(
            {"audience": _("This post is on a release ladder: its audience follows the ladder.")}
        )
    # Screened like a new post, so an edit cannot slip past the filter.
    held_reason = screen_text(user, post.community, body)
    POST_RATE.require(user.pk, action="posts")
    return do_edit_post(
        post,
        body=body,
        audience=audience,
        min_tier=min_tier,
        circle=circle,
        add_images=add_images,
        remove_image_ids=remove_image_ids,
        held_reason=held_reason,
    )


def may_remove(user, post: Post) -> bool:
    """The author, or a moderator of the post's community (who can see the post)."""
    if post.author_id == user.pk:
        return True
    return role_may(active_membership(user, post.community_id), Action.MODERATE)


def do_remove_post(post: Post) -> Post:
    """Soft delete: the post shows as removed, its comments stay. Also how a moderator
    deletes a post (feeds.content), so both leave the same tombstone."""
    post.deleted = timezone.now()
    post.pinned_at = None
    post.save(update_fields=["deleted", "pinned_at"])
    return post


def removes_as_moderator(user, post: Post, author_id: int) -> bool:
    """Whether `user` removing content of `author_id` on `post` (the post or one of its
    comments) is a moderation act, which needs a reason, leaves an audit row and tells the
    author: it is someone else's and `user` moderates the community. A post's author
    removing a comment on their own post is not."""
    return author_id != user.pk and role_may(
        active_membership(user, post.community_id), Action.MODERATE
    )


def access_removable_post(user, post_id) -> Post:
    """The post, if `user` may see it (Http404 otherwise) and remove it (PermissionDenied)."""
    post = access_post(user, post_id)
    if not may_remove(user, post):
        raise PermissionDenied("Only the author or a moderator can remove a post.")
    return post


def check_remove_post(user, post_id, *, reason: str = "") -> Post:
    """The author removes their own post at once; anyone else goes through the moderation
    service, exactly as from the queue (reason required, ModerationAction, notice)."""
    post = access_removable_post(user, post_id)
    if post.is_removed:
        return post
    if removes_as_moderator(user, post, post.author_id):
        check_delete_content(user, POST_LABEL, post.pk, reason=reason)
        post.refresh_from_db()
        return post
    return do_remove_post(post)


def may_pin(user, post: Post) -> bool:
    """Community owners and admins pin announcements (the settings row of the role table)."""
    return role_may(active_membership(user, post.community_id), Action.EDIT_SETTINGS)


def check_pin_post(user, post_id, *, pinned: bool) -> Post:
    """Pin (at most MAX_PINNED per community) or unpin a post the admin can see."""
    post = access_post(user, post_id)
    if not may_pin(user, post):
        raise PermissionDenied("Only community admins can pin posts.")
    if not pinned:
        post.pinned_at = None
        post.save(update_fields=["pinned_at"])
        return post
    if post.is_removed:
        raise ValidationError("A removed post cannot be pinned.")
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=post.community_id).first()
        already = Post.objects.filter(community_id=post.community_id, pinned_at__isnull=False)
        if post.pinned_at is None and already.count() >= MAX_PINNED:
            raise ValidationError(
                f"{MAX_PINNED} posts are pinned already; unpin one before pinning another."
            )
        post.pinned_at = post.pinned_at or timezone.now()
        post.save(update_fields=["pinned_at"])
    return post
