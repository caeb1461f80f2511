"""The digest preferences page and the unsubscribe links (the member digest's, and the
owner's weekly Insights email's).

The unsubscribe view needs no sign-in and takes no CSRF token: RFC 8058's one-click POST
comes from the mail provider, with only `List-Unsubscribe=One-Click` in its body. The signed
token in the URL is what authorises it, and all it can do is turn one digest off. A GET only
shows a page with the button (link scanners follow GETs), so nothing changes without a POST.
Each kind of link (`kind`, from the URL) turns off only its own email.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from feeds.digests.forms import PreferencesForm
from feeds.digests.services import (
    access_unsubscribe,
    do_set_frequency,
    do_set_insights_weekly,
    do_unsubscribe,
    insights_choices_of,
    preferences_of,
)


@login_required
def preferences(request):
    form = PreferencesForm(
        request.POST or None,
        preferences=preferences_of(request.user),
        insights=insights_choices_of(request.user),
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for community, frequency in form.chosen():
                do_set_frequency(request.user, community, frequency)
            for community, wanted in form.chosen_insights():
                do_set_insights_weekly(request.user, community, wanted)
        messages.success(request, _("Your email digest choices are saved."))
        return redirect("digests:preferences")
    return render(request, "feeds/digests/preferences.html", {"form": form})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str, kind: str = "digest"):
    if request.method == "POST":
        person, community = do_unsubscribe(token, kind=kind)
        done = True
    else:
        person, community = access_unsubscribe(token, kind=kind)
        done = False
    return render(
        request,
        "feeds/digests/unsubscribe.html",
        {"person": person, "community": community, "done": done, "kind": kind},
    )
