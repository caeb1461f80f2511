"""The digest preferences page and the unsubscribe link.

The unsubscribe view needs no sign-in and takes no CSRF token: RFC 8058's one-click POST
comes from the mail provider, with only `List-Unsubscribe=One-Click` in its body. The signed
token in the URL is what authorises it, and all it can do is turn one digest off. A GET only
shows a page with the button (link scanners follow GETs), so nothing changes without a POST.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from feeds.digests.forms import PreferencesForm
from feeds.digests.services import (
    access_unsubscribe,
    do_set_frequency,
    do_unsubscribe,
    preferences_of,
)


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, preferences=preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for community, frequency in form.chosen():
                do_set_frequency(request.user, community, frequency)
        messages.success(request, "Your email digest choices are saved.")
        return redirect("digests:preferences")
    return render(request, "feeds/digests/preferences.html", {"form": form})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    if request.method == "POST":
        person, community = do_unsubscribe(token)
        done = True
    else:
        person, community = access_unsubscribe(token)
        done = False
    return render(
        request,
        "feeds/digests/unsubscribe.html",
        {"person": person, "community": community, "done": done},
    )
