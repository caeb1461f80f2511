"""One post: its page, comments, reactions, removal, pinning and images."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from feeds.crossposting.services.scheduling import is_public, may_manage_crossposts, public_from
from feeds.crossposting.teaser import teaser_page
from feeds.feed import card, comment_thread
from feeds.forms import CommentForm, RemovalForm
from feeds.models import Post, Reaction
from feeds.policy import access_post
from feeds.services.comments import (
    access_removable_comment,
    check_add_comment,
    check_remove_comment,
)
from feeds.services.posts import (
    access_removable_post,
    active_membership,
    check_pin_post,
    check_remove_post,
    may_pin,
    may_remove,
    removes_as_moderator,
)
from feeds.services.reactions import check_toggle_reaction
from feeds.services.screening import held_notice


def post_detail(request, post_id):
    """The post with its comments; for anyone outside the community, the public teaser with
    its one way in (feeds.crossposting.teaser)."""
    post = card(post_id, request.user)
    if active_membership(request.user, post.community_id) is None:
        # `card` asked the policy; the teaser shows more of the post than a card holds.
        found = Post.objects.select_related("author", "community", "min_tier", "circle").get(
            pk=post.pk
        )
        if is_public(found):
            return teaser_page(
                request,
                found,
                request_url=reverse("communities:request_to_join", args=[found.community.slug]),
            )
    # An event's post is shown on the event's page, with its time, place and answers (a
    # removed one stays here, as the tombstone every removed post leaves).
    if post.card_event is not None and not post.is_removed:
        return redirect("events:event", event_id=post.card_event.id)
    thread = comment_thread(post, request.user)
    signed_in = request.user.is_authenticated
    return render(
        request,
        "feeds/post.html",
        {
            "post": post,
            "comments": thread,
            "comment_form": CommentForm() if signed_in and not post.is_removed else None,
            "can_remove": signed_in and may_remove(request.user, post),
            "can_pin": signed_in and may_pin(request.user, post),
            "can_crosspost": signed_in
            and may_manage_crossposts(request.user, post.community)
            and public_from(post) is not None,
        },
    )


@login_required
@require_POST
def add_comment(request, post_id):
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = check_add_comment(
                request.user,
                post_id,
                form.cleaned_data["body"],
                parent_id=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if comment.held_reason:
                messages.info(request, held_notice("comment", comment.held_reason))
            return redirect(comment.get_absolute_url())
    else:
        access_post(request.user, post_id)
        messages.error(request, _("Write a comment of at most 5,000 characters."))
    return redirect("feeds:post", post_id=post_id)


@login_required
def remove_comment(request, comment_id):
    """Remove a comment: its author (or the post's) at once, a moderator with a reason."""
    comment = access_removable_comment(request.user, comment_id)
    moderating = removes_as_moderator(request.user, comment.post, comment.author_id)
    return _removal(
        request,
        lambda reason: check_remove_comment(request.user, comment_id, reason=reason).post,
        what="comment",
        moderating=moderating,
        back=comment.get_absolute_url(),
    )


@login_required
@require_POST
def react(request, post_id):
    try:
        post, _toggled = check_toggle_reaction(request.user, post_id, request.POST.get("emoji", ""))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.htmx:
        return render(request, "feeds/_reactions.html", {"post": card(post.pk, request.user)})
    return redirect(request.POST.get("next") if _is_local(request.POST.get("next")) else post)


def _is_local(url) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")


def reaction_list(request, post_id):
    """Who reacted with what: only people the viewer may see, on a post they may see."""
    post = access_post(request.user, post_id)
    reactions = Reaction.objects.visible_to(request.user).filter(post=post).select_related("user")
    return render(request, "feeds/reactions.html", {"post": post, "reactions": reactions})


@login_required
def remove(request, post_id):
    """Remove a post: its author at once, a moderator with a reason (as from the queue)."""
    post = access_removable_post(request.user, post_id)
    return _removal(
        request,
        lambda reason: check_remove_post(request.user, post_id, reason=reason),
        what="post",
        moderating=removes_as_moderator(request.user, post, post.author_id),
        back=post.get_absolute_url(),
    )


def _removal(request, remove_with, *, what: str, moderating: bool, back: str):
    """GET asks for confirmation (and a moderator's reason); POST removes through
    `remove_with(reason)`, or shows the form again with the service's message."""
    form = RemovalForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = remove_with(form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error("reason" if moderating else None, error)
            else:
                messages.success(
                    request, _("Comment removed.") if what == "comment" else _("Post removed.")
                )
                return redirect(done)
        status = 400
    return render(
        request,
        "feeds/remove.html",
        {"form": form, "what": what, "moderating": moderating, "back": back},
        status=status,
    )


@login_required
@require_POST
def pin(request, post_id):
    pinned = request.POST.get("pinned") == "1"
    try:
        post = check_pin_post(request.user, post_id, pinned=pinned)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("feeds:post", post_id=post_id)
    messages.success(request, _("Pinned to the community feed.") if pinned else _("Unpinned."))
    return redirect(post)


def post_image(request, post_id, image_id):
    """An image of a post the viewer may see; 404 for everyone else. Never cached publicly."""
    post = access_post(request.user, post_id)
    image = post.images.filter(pk=image_id).first()
    if image is None or post.is_removed:
        raise Http404("No such image.")
    prefix = settings.SOSOON_PRIVATE_MEDIA_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(
            content_type="image/png" if image.file.name.endswith(".png") else "image/jpeg"
        )
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + image.file.name
    else:
        response = FileResponse(image.file.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response
