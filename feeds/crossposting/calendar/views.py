"""The calendar pages: month and week, the composer and its previews, moving a cross-post,
posting slots and groups, accounts at a glance, and the iCalendar feed.

Every page is for the signed-in person and shows only what they manage (access.py); views
check access, call one service and render. Everything that changes a schedule goes through
the scheduling services and the audience policy, as the per-community pages do.
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from feeds.crossposting import views as schedule_views
from feeds.crossposting.calendar import cells, glance, grid, ical, previews
from feeds.crossposting.calendar.access import (
    access_account,
    access_crosspost,
    managed_account_list,
    managed_accounts,
    managed_communities,
)
from feeds.crossposting.calendar.forms import FilterForm, GroupForm, MoveForm, SlotForm
from feeds.crossposting.calendar.groups import (
    check_create_group,
    check_delete_group,
    managed_groups,
)
from feeds.crossposting.calendar.models import AccountGroup, PostingSlot
from feeds.crossposting.calendar.slots import check_add_slot, check_remove_slot, next_free_slot
from feeds.crossposting.forms import WhenForm
from feeds.crossposting.models import Platform
from feeds.crossposting.services import scheduling
from feeds.models import Post
from feeds.policy import access_post

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _day(form: FilterForm) -> date:
    value = form.cleaned_data.get("date") if form.is_bound and form.is_valid() else None
    return value or timezone.localdate()


def _query(request, **changes) -> str:
    """The current query string with `changes` (None removes a key)."""
    params = {key: value for key, value in request.GET.items() if value}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(params)


@login_required
def calendar_page(request):
    """The month (default) or week of every cross-post of every account the person manages."""
    accounts = managed_account_list(request.user)
    # The communities worth filtering by are those with accounts, which came with them.
    communities = list({account.community_id: account.community for account in accounts}.values())
    form = FilterForm(request.GET or None, communities=communities, accounts=accounts)
    shown = form.filtered(accounts)
    day = _day(form)
    view = request.GET.get("view") if request.GET.get("view") == "week" else "month"
    if view == "week":
        rows = grid.week(shown, day)
        start, _end = grid.week_bounds(day)
        earlier, later = day - timedelta(days=7), day + timedelta(days=7)
        heading = _("Week of %(day)s") % {"day": date_format(start, "j F Y")}
    else:
        rows = grid.month(shown, day)
        earlier = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
        later = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        heading = date_format(day, "F Y")
    compose_params = {
        key: request.GET[key] for key in ("community", "account") if request.GET.get(key)
    }
    links = cells.Links(
        here=request.get_full_path(),
        compose_query=urlencode(compose_params),
        week_query=_query(request, view="week", date=None),
    )
    now, today = timezone.now(), timezone.localdate()
    if view == "week":
        table = cells.week_rows(rows, links, now=now)
        columns = [(date_format(cell.start, "D j"), cell.start.date() == today) for cell in rows[0]]
    else:
        table = cells.month_rows(rows, links, today=today)
        columns = [(WEEKDAYS_ABBR[day], False) for day in range(7)]
    return render(
        request,
        "feeds/crossposting/calendar/calendar.html",
        {
            "form": form,
            "view": view,
            "table": table,
            "columns": columns,
            "heading": heading,
            "earlier": _query(request, date=earlier.isoformat()),
            "later": _query(request, date=later.isoformat()),
            "today": _query(request, date=None),
            "as_week": _query(request, view="week"),
            "as_month": _query(request, view="month"),
            "has_accounts": bool(accounts),
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


@login_required
def compose_choose(request):
    """Step one of scheduling from the calendar: which public post to cross-post."""
    communities = managed_communities(request.user)
    slug = request.GET.get("community", "")
    # Public (what may be cross-posted), and the person's own to see (blocks hide posts).
    posts = (
        Post.objects.visible_to(request.user)
        .filter(pk__in=Post.objects.visible_to(AnonymousUser()).live().values("pk"))
        .filter(community__in=communities.values("pk"))
        .select_related("community")
        .order_by("-created")
    )
    if slug:
        posts = posts.filter(community__slug=slug)
    return render(
        request,
        "feeds/crossposting/calendar/choose.html",
        {
            "posts": posts[:50],
            "carry": _query(request, community=None),
            "at": _when_initial(request).get("scheduled_at"),
        },
    )


def _preselected(request, community, accounts) -> tuple[set[int], AccountGroup | None]:
    """The accounts the composer starts with ticked: a group's, or one account's."""
    group = None
    chosen: set[int] = set()
    group_id = request.GET.get("group", "")
    if group_id.isdigit():
        group = AccountGroup.objects.filter(pk=group_id, community=community).first()
        if group is not None:
            chosen = {account.pk for account in group.accounts.all()}
    account_id = request.GET.get("account", "")
    if account_id.isdigit():
        chosen.add(int(account_id))
    return chosen & {account.pk for account in accounts}, group


def _when_initial(request) -> dict:
    raw = request.GET.get("at", "")
    try:
        moment = datetime.strptime(raw, DATETIME_LOCAL)
    except ValueError:
        return {}
    return {"scheduled_at": timezone.make_aware(moment)}


def _live_preview(section, post) -> None:
    """htmx attributes that refresh the section's preview as the person types."""
    attributes = {
        "hx-post": reverse("crossposting:calendar_preview", args=[section.account.pk]),
        "hx-trigger": "input changed delay:300ms, change",
        "hx-target": f"#preview-{section.prefix}",
        "hx-include": "closest fieldset",
        "hx-vals": f'{{"post": "{post.pk}"}}',
        "hx-indicator": f"#preview-{section.prefix}",
    }
    for name in ("text", "title", "board", "privacy_level", "images", "alt_text"):
        if name in section.fields:
            section.fields[name].widget.attrs.update(attributes)


def _section_values(section) -> dict:
    """A section's fields as typed (bound) or prefilled (unbound), for its preview."""
    if section.is_bound:
        data = section.data
        return {
            name: (
                data.getlist(f"{section.prefix}-{name}")
                if name == "images"
                else data.get(f"{section.prefix}-{name}", "")
            )
            for name in section.fields
        }
    return {name: section.initial.get(name, "") for name in section.fields}


@login_required
def compose(request, post_id):
    """One Sosoon post -> drafts for several accounts, with per-network fields and previews,
    all at one time. A group or account in the query string starts ticked; "Next free slot"
    fills in the earliest slot free for every ticked account."""
    post, accounts = schedule_views.crosspostable(request, post_id)
    if accounts is None:
        return redirect(post)
    community = post.community
    chosen, group = _preselected(request, community, accounts)
    images = list(post.images.all())
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "next_free" in data:
        ticked = [a for a in accounts if data.get(f"a{a.pk}-include")]
        moment = next_free_slot(ticked or accounts)
        if moment is None:
            messages.info(request, _("None of these accounts has a free posting slot; set some."))
        else:
            data["scheduled_at"] = timezone.localtime(moment).strftime(DATETIME_LOCAL)
    when = WhenForm(data, initial=_when_initial(request))
    sections = [
        schedule_views._section(request, post, account, images, data) for account in accounts
    ]
    for section in sections:
        section.fields["include"].initial = section.account.pk in chosen
        _live_preview(section, post)
        if "board" in section.fields:
            previews.remember_boards(section.account, section.fields["board"].choices[1:])
    acting = data is not None and not ({"next_free", "preview"} & set(data))
    if acting:
        done = _schedule(request, post, when, sections, images)
        if done is not None:
            messages.success(
                request,
                ngettext(
                    "Scheduled %(count)s cross-post(s).", "Scheduled %(count)s cross-post(s).", done
                )
                % {"count": done},
            )
            moment = timezone.localtime(when.cleaned_data["scheduled_at"])
            return redirect(
                f"{reverse('crossposting:calendar')}?view=week&date={moment.date().isoformat()}"
            )
    by_id = {image.pk: image for image in images}
    link = previews.sample_link(request)
    for section in sections:
        boards = dict(section.fields["board"].choices) if "board" in section.fields else {}
        section.preview = previews.build(
            section.account, _section_values(section), sample_link=link, images=by_id, boards=boards
        )
    return render(
        request,
        "feeds/crossposting/calendar/compose.html",
        {
            "post": post,
            "community": community,
            "when": when,
            "sections": sections,
            "groups": community.account_groups.all(),
            "group": group,
            "at": request.GET.get("at", ""),
        },
    )


def _schedule(request, post, when, sections, images) -> int | None:
    """Validate and schedule the ticked sections; the count, or None with errors placed."""
    valid = when.is_valid() & all([section.is_valid() for section in sections])
    chosen = [section for section in sections if valid and section.cleaned_data.get("include")]
    if not valid:
        return None
    if not chosen:
        when.add_error(None, _("Choose at least one account."))
        return None
    drafts = schedule_views.drafts_for(request, chosen, images)
    try:
        scheduling.check_schedule(
            request.user, post, drafts, scheduled_at=when.cleaned_data["scheduled_at"]
        )
    except ValidationError as error:
        schedule_views._spread_errors(error, when, sections)
        return None
    return len(drafts)


@login_required
@require_POST
def preview(request, account_id):
    """One draft's preview, re-rendered as the person types (htmx)."""
    account = access_account(request.user, account_id)
    post_id = request.POST.get("post", "")
    if not post_id.isdigit():
        raise Http404("No such post.")
    post = access_post(request.user, int(post_id))
    if post.community_id != account.community_id or not scheduling.is_public(post):
        raise Http404("No such post.")
    prefix = f"a{account.pk}"
    values = {
        name: request.POST.get(f"{prefix}-{name}", "")
        for name in ("text", "title", "board", "privacy_level", "alt_text")
    }
    values["images"] = request.POST.getlist(f"{prefix}-images")
    built = previews.build(
        account,
        values,
        sample_link=previews.sample_link(request),
        images={image.pk: image for image in post.images.all()},
        boards=previews.board_names(account) if account.platform == Platform.PINTEREST else {},
    )
    return render(request, "feeds/crossposting/calendar/_preview.html", {"preview": built})


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, {request.get_host()}):
        return value
    return reverse("crossposting:calendar")


@login_required
def move(request, crosspost_id):
    """A cross-post's new time: by drag and drop (htmx POST) or this page's plain form."""
    crosspost = access_crosspost(request.user, crosspost_id)
    if request.method == "POST":
        form = MoveForm(request.POST)
        back = _safe_next(request, request.POST.get("next", ""))
        if form.is_valid():
            try:
                scheduling.do_reschedule(crosspost, form.cleaned_data["scheduled_at"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                moment = timezone.localtime(crosspost.scheduled_at)
                messages.success(
                    request,
                    _("Moved to %(moment)s.") % {"moment": date_format(moment, "D j M H:i")},
                )
                if request.htmx:
                    return HttpResponseClientRefresh()
                return redirect(back)
        elif request.htmx:
            messages.error(request, _("Choose a date and time."))
        if request.htmx:
            return HttpResponseClientRefresh()
    else:
        back = _safe_next(request, request.GET.get("next", ""))
        form = MoveForm(
            initial={"scheduled_at": timezone.localtime(crosspost.scheduled_at), "next": back}
        )
    suggestion = next_free_slot([crosspost.account])
    return render(
        request,
        "feeds/crossposting/calendar/move.html",
        {
            "crosspost": crosspost,
            # Its stored text shows only while the post is public, as in the calendar.
            "post_is_public": scheduling.is_public(crosspost.post),
            "form": form,
            "back": back,
            "suggestion": suggestion and timezone.localtime(suggestion),
        },
    )


@login_required
def slots_page(request):
    """Posting slots per account and account groups, in the person's time zone."""
    accounts = list(managed_accounts(request.user))
    slot_form = SlotForm(accounts=accounts)
    group_form = GroupForm(accounts=accounts)
    if request.method == "POST" and request.POST.get("form") == "slot":
        slot_form = SlotForm(request.POST, accounts=accounts)
        if slot_form.is_valid():
            try:
                check_add_slot(
                    request.user,
                    slot_form.cleaned_data["account"],
                    weekday=slot_form.cleaned_data["weekday"],
                    at=slot_form.cleaned_data["at"],
                    time_zone=timezone.get_current_timezone_name(),
                )
            except ValidationError as error:
                slot_form.add_error(None, error)
            else:
                messages.success(request, _("Posting slot added."))
                return redirect("crossposting:calendar_slots")
    elif request.method == "POST" and request.POST.get("form") == "group":
        group_form = GroupForm(request.POST, accounts=accounts)
        if group_form.is_valid():
            try:
                check_create_group(
                    request.user,
                    name=group_form.cleaned_data["name"],
                    account_ids=group_form.cleaned_data["accounts"],
                )
            except ValidationError as error:
                _add_errors(group_form, error)
            else:
                messages.success(request, _("Group created."))
                return redirect("crossposting:calendar_slots")
    slots = PostingSlot.objects.filter(account__in=[a.pk for a in accounts]).order_by(
        "weekday", "at"
    )
    by_account = {account.pk: [] for account in accounts}
    for slot in slots:
        by_account[slot.account_id].append(slot)
    return render(
        request,
        "feeds/crossposting/calendar/slots.html",
        {
            "accounts": [(account, by_account[account.pk]) for account in accounts],
            "groups": managed_groups(request.user),
            "slot_form": slot_form,
            "group_form": group_form,
            "time_zone": timezone.get_current_timezone_name(),
        },
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, reasons in error.message_dict.items():
            form.add_error(name if name in form.fields else None, reasons)
    else:
        form.add_error(None, error)


@login_required
@require_POST
def remove_slot(request, slot_id):
    try:
        check_remove_slot(request.user, slot_id)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Posting slot removed."))
    return redirect("crossposting:calendar_slots")


@login_required
@require_POST
def remove_group(request, group_id):
    check_delete_group(request.user, group_id)
    messages.success(request, _("Group removed; its accounts stay connected."))
    return redirect("crossposting:calendar_slots")


@login_required
def accounts_glance(request):
    """Every connected account the person manages: health, last and next publish, errors."""
    return render(
        request,
        "feeds/crossposting/calendar/glance.html",
        {"accounts": glance.accounts_at_a_glance(request.user)},
    )


@login_required
def ical_feed(request):
    """The person's schedule as an iCalendar file, for a calendar application."""
    body = ical.schedule_calendar(request.user, host=request.get_host())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sosoon-schedule.ics"'
    return response
