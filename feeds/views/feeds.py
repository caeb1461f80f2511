"""Feed pages: the signed-in home page, a community's feed, and search within a community.

A full page renders the list; an htmx request for the next page (infinite scroll) gets only
the next cards and the next "More posts" link, which is a plain link without JavaScript.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from communities.permissions import access_community, page_context
from feeds.feed import LATEST, TOP, community_source, feed_page, home_source, pinned_posts
from feeds.forms import PostForm
from feeds.insights.visits import record_visit
from feeds.models import Post
from feeds.services.posts import active_membership
from sosoon_site.text_search import search_words


def _order(request) -> str:
    return TOP if request.GET.get("order") == TOP else LATEST


def _respond(request, template: str, context: dict):
    if request.htmx and request.GET.get("after"):
        return render(request, "feeds/_feed_items.html", context)
    return render(request, template, context)


def home(request):
    """Signed in: the home feed across my communities. Signed out: what Sosoon is."""
    if not request.user.is_authenticated:
        return render(request, "landing.html")
    order = _order(request)
    page = feed_page(home_source(), request.user, order=order, cursor=request.GET.get("after", ""))
    return _respond(
        request,
        "home.html",
        {"page": page, "order": order},
    )


def community_feed(request, slug):
    """A community's posts the viewer may see (a listed community's public teasers for
    outsiders), pinned announcements first, optionally searched."""
    community = access_community(request, slug)
    order = _order(request)
    typed = request.GET.get("q", "").strip()
    query, search_error = typed, ""
    if typed:
        try:
            search_words(typed)
        except ValidationError as error:
            query, search_error = "", error.messages[0]
    source = community_source(community, query=query)
    page = feed_page(source, request.user, order=order, cursor=request.GET.get("after", ""))
    if not request.GET.get("after") and not query:
        page.pinned = pinned_posts(request.user, community)
    is_member = active_membership(request.user, community.pk) is not None
    if is_member:
        record_visit(request.user, community)
    context = {
        **page_context(request, community),
        "page": page,
        "order": order,
        "query": query,
        "typed": typed,
        "search_error": search_error,
        "form": PostForm(author=request.user, community=community) if is_member else None,
        "draft": Post(community=community, author=request.user) if is_member else None,
    }
    return _respond(request, "feeds/community_feed.html", context)
