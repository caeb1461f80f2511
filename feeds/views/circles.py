"""My circles: private lists of people to address posts to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from feeds.forms import CircleForm, CircleMemberForm
from feeds.services.circles import (
    access_circle,
    check_add_to_circle,
    check_create_circle,
    check_delete_circle,
    circles_of,
    do_remove_from_circle,
)


@login_required
def circle_list(request):
    form = CircleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            circle = check_create_circle(request.user, form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error.message_dict.get("name", error.messages))
        else:
            return redirect("feeds:circle", circle_id=circle.pk)
    return render(
        request,
        "feeds/circles.html",
        {"circles": circles_of(request.user), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def circle_detail(request, circle_id):
    circle = access_circle(request.user, circle_id)
    form = CircleMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = check_add_to_circle(request.user, circle, form.cleaned_data["handle"])
        except ValidationError as error:
            form.add_error("handle", error.message_dict.get("handle", error.messages))
        else:
            messages.success(
                request,
                _("%(person)s is in %(circle)s.")
                % {"person": entry.user.name, "circle": circle.label},
            )
            return redirect("feeds:circle", circle_id=circle.pk)
    people = circle.members.select_related("user")
    return render(
        request,
        "feeds/circle.html",
        {"circle": circle, "people": people, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def remove_from_circle(request, circle_id, user_id):
    circle = access_circle(request.user, circle_id)
    do_remove_from_circle(circle, user_id)
    messages.success(request, _("Removed from %(circle)s.") % {"circle": circle.label})
    return redirect("feeds:circle", circle_id=circle.pk)


@login_required
@require_POST
def delete_circle(request, circle_id):
    circle = access_circle(request.user, circle_id)
    try:
        check_delete_circle(circle)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("feeds:circle", circle_id=circle.pk)
    messages.success(request, _("%(circle)s is deleted.") % {"circle": circle.label})
    return redirect("feeds:circles")
