"""A person's page, where @mentions link: their posts the viewer may see."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from feeds.feed import latest_page, person_source
from sosoon_site.accounts.blocks import is_blocked_between
from sosoon_site.accounts.models import User


@login_required
def person(request, handle):
    """Name, handle, bio and visible posts; 404 for unknown people and either side of a
    block. A mention grants nothing: posts still go through the policy."""
    someone = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if someone is None or is_blocked_between(request.user, someone):
        raise Http404("No such person.")
    page = latest_page(person_source(someone), request.user, cursor=request.GET.get("after", ""))
    template = (
        "feeds/_feed_items.html"
        if request.htmx and request.GET.get("after")
        else "feeds/person.html"
    )
    return render(request, template, {"someone": someone, "page": page, "order": "latest"})
