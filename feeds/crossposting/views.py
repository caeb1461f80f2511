"""Pages: connected accounts, the schedule form, the list of cross-posts, the landing page.

Views check access, call one service, and render. Every page of a community's cross-posts
and accounts is for its owners and admins (404 for anyone who may not know the community,
403 for members without the role); the landing page is public while the post is public.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from communities.permissions import Action, community_for, page_context
from communities.services.join_requests import check_request_to_join
from feeds.crossposting.base import ProviderError
from feeds.crossposting.forms import (
    LINK_PLACEHOLDER,
    SECTION_FORMS,
    RescheduleForm,
    RetryForm,
    WhenForm,
)
from feeds.crossposting.metrics.services import with_latest_metrics
from feeds.crossposting.models import CrossPost, Platform, network_label, new_ref_code
from feeds.crossposting.providers import provider_for
from feeds.crossposting.services import accounts as account_services
from feeds.crossposting.services import scheduling, tracking
from feeds.crossposting.services.accounts import fresh_access_token
from feeds.crossposting.teaser import teaser_page
from feeds.models import Post
from feeds.policy import access_post
from sosoon_site.languages import readable

CLIENT_SETTING = {
    Platform.X: "SOSOON_X_CLIENT_ID",
    Platform.PINTEREST: "SOSOON_PINTEREST_CLIENT_ID",
    Platform.TIKTOK: "SOSOON_TIKTOK_CLIENT_KEY",
}


def _configured(platform: str) -> bool:
    """Whether the operator set up this platform's client credentials."""
    return bool(getattr(settings, CLIENT_SETTING[platform]))


@login_required
def account_list(request, slug):
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    return render(
        request,
        "feeds/crossposting/accounts.html",
        {
            **page_context(request, community),
            "accounts": community.external_accounts.connected(),
            "platforms": [
                (value, network_label(value), _configured(value)) for value in Platform.values
            ],
            "sandbox_networks": settings.SOSOON_SANDBOX_NETWORKS,
        },
    )


def _callback_uri(request, platform: str) -> str:
    return request.build_absolute_uri(reverse("crossposting:callback", args=[platform]))


@login_required
@require_POST
def connect(request, slug, platform):
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    if platform not in Platform.values or not _configured(platform):
        raise Http404("No such platform.")
    url = account_services.begin_connect(
        request.session, community, platform, redirect_uri=_callback_uri(request, platform)
    )
    return redirect(url)


@login_required
def callback(request, platform):
    """Where the platform sends the browser back: check state, exchange the code."""
    if platform not in Platform.values:
        raise Http404("No such platform.")
    pending = account_services.take_pending_connection(
        request.session, platform, request.GET.get("state", "")
    )
    if pending is None:
        return HttpResponseBadRequest(_("This sign-in link is not valid any more; start again."))
    community, _actor = _community_by_id(request, pending.community_id)
    back = redirect("crossposting:accounts", slug=community.slug)
    if "code" not in request.GET:
        messages.error(request, _("The connection was not approved."))
        return back
    provider = provider_for(platform)
    try:
        tokens = provider.exchange(
            code=request.GET["code"],
            code_verifier=pending.code_verifier,
            redirect_uri=pending.redirect_uri,
        )
        account = account_services.do_connect_account(
            community, platform, tokens, connected_by=request.user
        )
    except ProviderError as error:
        messages.error(request, readable(error.words))
        return back
    messages.success(request, _("Connected %(account)s.") % {"account": account})
    return back


def _community_by_id(request, community_id: int):
    from communities.models import Community

    community = get_object_or_404(Community, pk=community_id)
    return community_for(request, community.slug, Action.MANAGE_CROSSPOSTS)


@login_required
@require_POST
def disconnect(request, slug, account_id):
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    account = get_object_or_404(community.external_accounts.connected(), pk=account_id)
    cancelled = account_services.do_disconnect_account(account)
    done = _("Disconnected %(account)s.") % {"account": account}
    if cancelled:
        done += " " + ngettext(
            "%(count)s scheduled cross-post(s) were cancelled.",
            "%(count)s scheduled cross-post(s) were cancelled.",
            cancelled,
        ) % {"count": cancelled}
    messages.success(request, done)
    return redirect("crossposting:accounts", slug=community.slug)


@login_required
def crosspost_list(request, slug):
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    crossposts = with_latest_metrics(
        list(
            tracking.with_join_counts(
                CrossPost.objects.filter(account__community=community)
                .select_related("account", "post")
                .annotate(
                    shown_text=scheduling.text_while_public(F("text"), community_ids=[community.pk])
                )
                .order_by("-scheduled_at", "-pk")
            )[:200]
        )
    )
    return render(
        request,
        "feeds/crossposting/list.html",
        {
            **page_context(request, community),
            "crossposts": crossposts,
            "public_posts": scheduling.public_posts(community)[:20],
        },
    )


@login_required
@require_POST
def act(request, slug, crosspost_id, action):
    """Cancel, reschedule or retry one cross-post."""
    community, _actor = community_for(request, slug, Action.MANAGE_CROSSPOSTS)
    crosspost = get_object_or_404(
        CrossPost.objects.select_related("account"), pk=crosspost_id, account__community=community
    )
    try:
        if action == "cancel":
            if not scheduling.do_cancel(crosspost):
                raise ValidationError(
                    _("It is already on its way or finished; it cannot be cancelled.")
                )
            messages.success(request, _("Cancelled."))
        elif action == "reschedule":
            form = RescheduleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Enter a date and time."))
            scheduling.do_reschedule(crosspost, form.cleaned_data["scheduled_at"])
            messages.success(request, _("Rescheduled."))
        elif action == "retry":
            form = RetryForm(request.POST)
            form.is_valid()
            scheduling.do_retry(
                crosspost, checked_platform=form.cleaned_data.get("checked_platform", False)
            )
            messages.success(request, _("It will be sent at the next dispatch (within 30 s)."))
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("crossposting:list", slug=community.slug)


def _media_item(request, image) -> dict:
    return scheduling.media_item(image, url=request.build_absolute_uri(image.get_absolute_url()))


def _prefill_text(post: Post, link: str, *, limit: int) -> str:
    body = " ".join(post.body.split())
    room = max(0, limit - 25)
    if len(body) > room:
        body = body[: room - 1].rstrip() + "…"
    return f"{body}\n\n{link}".strip()


def _landing_url(request, ref_code: str) -> str:
    return request.build_absolute_uri(reverse("crossposting:landing", args=[ref_code]))


def _section(request, post, account, images, data=None):
    """The form section for one account, with the choices fetched from its platform."""
    form_class = SECTION_FORMS[account.platform]
    image_choices = [
        (str(image.pk), _("Image %(number)s") % {"number": image.position + 1}) for image in images
    ]
    options, problem = {}, ""
    if account.platform in (Platform.PINTEREST, Platform.TIKTOK):
        try:
            token = fresh_access_token(account)
            provider = provider_for(account.platform)
            if account.platform == Platform.PINTEREST:
                options["boards"] = provider.boards(token)
            else:
                info = provider.creator_info(token)
                options["privacy_options"] = info.get("privacy_level_options", [])
                options["comment_disabled"] = bool(info.get("comment_disabled"))
        except ProviderError as error:
            problem = readable(error.words)
            options = (
                {"boards": []}
                if account.platform == Platform.PINTEREST
                else {"privacy_options": []}
            )
    prefix = f"a{account.pk}"
    if data is None:
        limit = {"x": 280, "pinterest": 800}.get(account.platform, 2000)
        initial = {
            "text": _prefill_text(post, LINK_PLACEHOLDER, limit=limit),
            "images": [
                str(image.pk) for image in images[: provider_for(account.platform).max_images]
            ],
            "title": " ".join(post.body.split())[:100],
        }
        form = form_class(
            prefix=prefix, initial=initial, account=account, image_choices=image_choices, **options
        )
    else:
        form = form_class(
            data, prefix=prefix, account=account, image_choices=image_choices, **options
        )
    form.problem = problem
    return form


def crosspostable(request, post_id):
    """The post and its community's accounts that can publish, for a person who may cross-post
    it (PermissionDenied otherwise). The accounts are None when the post is not public, with
    the message already said: the caller sends the person back to the post."""
    post = access_post(request.user, post_id)
    if not scheduling.may_manage_crossposts(request.user, post.community):
        raise PermissionDenied("Only the community's owners and admins cross-post.")
    if scheduling.public_from(post) is None:
        messages.error(request, _("Only public posts can be cross-posted."))
        return post, None
    accounts = [
        account for account in post.community.external_accounts.connected() if account.can_publish
    ]
    return post, accounts


def drafts_for(request, sections, images) -> list[scheduling.Draft]:
    """One draft per chosen (valid) section, each with a tracked link of its own."""
    by_id = {image.pk: image for image in images}
    drafts = []
    for section in sections:
        values = section.cleaned_data
        ref_code = new_ref_code()
        link = _landing_url(request, ref_code)
        board_names = dict(section.fields["board"].choices) if "board" in section.fields else {}
        drafts.append(
            scheduling.Draft(
                account=section.account,
                text=section.text_with_link(link),
                media=[_media_item(request, by_id[int(pk)]) for pk in values["images"]],
                title=values.get("title", ""),
                alt_text=values.get("alt_text", ""),
                board_id=values.get("board", ""),
                board_name=board_names.get(values.get("board", ""), ""),
                privacy_level=values.get("privacy_level", ""),
                allow_comments=bool(values.get("allow_comments")),
                auto_add_music=bool(values.get("auto_add_music")),
                link=link,
                ref_code=ref_code,
            )
        )
    return drafts


@login_required
def schedule(request, post_id):
    post, accounts = crosspostable(request, post_id)
    if accounts is None:
        return redirect(post)
    community = post.community
    images = list(post.images.all())
    data = request.POST if request.method == "POST" else None
    when = WhenForm(data)
    sections = [_section(request, post, account, images, data) for account in accounts]
    if request.method == "POST":
        valid = when.is_valid() & all([section.is_valid() for section in sections])
        chosen = [section for section in sections if valid and section.cleaned_data.get("include")]
        if valid and not chosen:
            when.add_error(None, _("Choose at least one account."))
        elif valid:
            drafts = drafts_for(request, chosen, images)
            try:
                scheduling.check_schedule(
                    request.user, post, drafts, scheduled_at=when.cleaned_data["scheduled_at"]
                )
            except ValidationError as error:
                _spread_errors(error, when, sections)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Scheduled %(count)s cross-post(s).",
                        "Scheduled %(count)s cross-post(s).",
                        len(drafts),
                    )
                    % {"count": len(drafts)},
                )
                return redirect("crossposting:list", slug=community.slug)
    return render(
        request,
        "feeds/crossposting/schedule.html",
        {**page_context(request, community), "post": post, "when": when, "sections": sections},
    )


def _spread_errors(error: ValidationError, when, sections) -> None:
    """Put each service reason next to its field ("<account id>-<field>" keys)."""
    if not hasattr(error, "error_dict"):
        when.add_error(None, error)
        return
    by_account = {str(section.account.pk): section for section in sections}
    for key, reasons in error.message_dict.items():
        account_id, _dash, name = key.partition("-")
        section = by_account.get(account_id)
        if section is None:
            when.add_error("scheduled_at" if key == "scheduled_at" else None, reasons)
        else:
            section.add_provider_errors({name: " ".join(reasons)})


def landing(request, ref_code):
    """The tracked link: the teaser and its way in (teaser.py). Counts the visit."""
    crosspost = get_object_or_404(
        CrossPost.objects.select_related("post__community", "invitation__community"),
        ref_code=ref_code,
    )
    post = crosspost.post
    if not scheduling.is_public(post):
        raise Http404("No such page.")
    # Public, and still this visitor's to see: a block between them and the author hides it.
    access_post(request.user, post.pk)
    community = post.community
    tracking.record_visit(request.session, crosspost)
    if request.method == "POST" and community.is_listed and request.user.is_authenticated:
        try:
            join_request = check_request_to_join(request.user, community, "")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            tracking.do_record_referral(crosspost, join_request)
            messages.success(request, _("Request sent. The admins will decide soon."))
        return redirect("crossposting:landing", ref_code=ref_code)
    return teaser_page(request, post, invitation=crosspost.invitation, request_url=request.path)
