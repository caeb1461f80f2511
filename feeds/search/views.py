"""The search page: posts first (paged like a feed, newest first), then people, chat rooms
and chat messages. A bad search re-renders the form with what to type instead."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render

from feeds.feed import LATEST, latest_page
from feeds.search.results import SEARCHES, post_source, search_all
from sosoon_site.text_search import MAX_CHARS, search_words


@login_required
def search(request):
    query = request.GET.get("q", "")
    after = request.GET.get("after", "")
    context = {"query": query.strip(), "order": LATEST, "max_chars": MAX_CHARS}
    if not query.strip():
        return render(request, "feeds/search/results.html", context)
    try:
        words = search_words(query)
    except ValidationError as refusal:
        context["error"] = " ".join(refusal.messages)
        return render(request, "feeds/search/results.html", context)
    SEARCHES.require(request.user.pk, action="searches")
    context["page"] = latest_page(post_source(words), request.user, cursor=after)
    if request.htmx and after:
        return render(request, "feeds/_feed_items.html", context)
    if not after:
        context["found"] = search_all(request.user, words)
    return render(request, "feeds/search/results.html", context)
