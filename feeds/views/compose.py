"""Writing a post: the composer, its "who will see this" line, and editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.permissions import access_community, page_context
from feeds.audiences import choice_value
from feeds.forms import AudienceChoiceForm, PostForm
from feeds.models import Audience, Post
from feeds.policy import access_post
from feeds.releases.services import describe_ladder
from feeds.services.posts import active_membership, check_create_post, check_edit_post
from feeds.services.screening import held_notice


def _member_community(request, slug):
    community = access_community(request, slug)
    if active_membership(request.user, community.pk) is None:
        raise Http404("No such community.")
    return community


def _draft(author, community, chosen: dict) -> Post:
    """An unsaved post with the audience the form chose so far, for the "Visible to" lines."""
    return Post(
        community=community,
        author=author,
        audience=chosen.get("audience") or Audience.COMMUNITY,
        min_tier=chosen.get("min_tier"),
        circle=chosen.get("circle"),
    )


@login_required
def compose(request, slug):
    """The composer on its own page; the community feed embeds the same form."""
    community = _member_community(request, slug)
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        author=request.user,
        community=community,
        with_ladder=True,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = check_create_post(
                request.user,
                community,
                body=data["body"],
                audience=data["audience"],
                min_tier=data["min_tier"],
                circle=data["circle"],
                images=data.get("images", []),
                steps=data.get("steps", []),
            )
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            if post.held_reason:
                messages.info(request, held_notice("post", post.held_reason))
            else:
                messages.success(request, _("Posted."))
            return redirect(post)
    chosen = getattr(form, "cleaned_data", {})
    draft = _draft(request.user, community, chosen)
    steps = chosen.get("steps", []) if form.is_bound and not form.errors else []
    context = {
        **page_context(request, community),
        "form": form,
        "draft": draft,
        "ladder": describe_ladder(draft, steps),
    }
    return render(request, "feeds/compose.html", context, status=400 if form.errors else 200)


@login_required
def audience_preview(request, slug):
    """The composer's "Visible to 37 members of ... at Insider or above" line, and one line
    per release step (the same sentence for each), for htmx."""
    community = _member_community(request, slug)
    form = AudienceChoiceForm(
        request.GET, author=request.user, community=community, with_ladder=True
    )
    form.is_valid()
    draft = _draft(request.user, community, getattr(form, "cleaned_data", {}))
    try:
        steps = form.ladder_steps()
    except ValidationError:
        steps = []
    context = {
        "draft": draft,
        "ladder": describe_ladder(draft, steps),
        # Only the composer's own page has the ladder's lines to replace.
        "ladder_swap": "step1_at" in request.GET,
    }
    return render(request, "feeds/_audience.html", context)


@login_required
def edit(request, post_id):
    post = access_post(request.user, post_id)
    if post.author_id != request.user.pk or post.is_removed:
        raise PermissionDenied("Only the author can edit a post.")
    initial = {
        "body": post.body,
        "audience": choice_value(
            post.audience, min_tier_id=post.min_tier_id, circle_id=post.circle_id
        ),
    }
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        author=request.user,
        community=post.community,
        kept_images=post.images.all(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edited = check_edit_post(
                request.user,
                post.pk,
                body=data["body"],
                audience=data["audience"],
                min_tier=data["min_tier"],
                circle=data["circle"],
                add_images=data["images"],
                remove_image_ids=data.get("remove_images", []),
            )
        except ValidationError as error:
            form.add_validation_error(error)
        else:
            if edited.held_reason:
                messages.info(request, held_notice("post", edited.held_reason))
            else:
                messages.success(request, _("Post updated."))
            return redirect(post)
    return render(
        request,
        "feeds/edit.html",
        {**page_context(request, post.community), "form": form, "post": post, "draft": post},
        status=400 if form.errors else 200,
    )
