"""Every page's browser title is plain text naming the site: no markup, no Markdown markers.

The walk goes through the demo data as its owners and members see it: the pages people open
every day and the community sections an owner runs, every post Ana can read, and the Django
admin for the site's admin. A title is what a tab, a bookmark and a share sheet show."""

import html
import re
from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.urls import reverse

from communities.chat.models import ChatRoom
from communities.models import Community
from feeds.models import Audience, Post
from feeds.services.posts import do_create_post
from sosoon_site.accounts.models import User

TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
MARKDOWN_MARKERS = ("**", "](", "__", "```")

OWNER_SECTIONS = [
    "communities:home",
    "feeds:community",
    "communities:members",
    "communities:invitations",
    "communities:email_invitations",
    "communities:tiers",
    "communities:moderation",
    "communities:automod",
    "communities:chat_rooms",
    "communities:settings",
    "communities:transfer",
    "crossposting:list",
    "crossposting:accounts",
    "crossposting:metrics:accounts",
    "events:community",
    "events:new",
]


def plain_title_problem(page: str) -> str | None:
    """What is wrong with the page's <title> as plain text, or None."""
    found = TITLE.findall(page)
    if len(found) != 1:
        return f"{len(found)} <title> elements"
    raw = found[0]
    if "<" in raw:
        return f"markup in the title: {raw[:120]!r}"
    title = html.unescape(raw)
    if "<" in title:
        return f"markup in the title: {title[:120]!r}"
    if "\n" in title.strip():
        return f"a line break in the title: {title!r}"
    text = title.strip()
    if not text.removesuffix("Sosoon").strip(" ·"):
        return "an empty title"
    if "Sosoon" not in text:
        return f"the title does not name the site: {text!r}"
    if text.startswith("#"):
        return f"a leading # in the title: {text!r}"
    for marker in MARKDOWN_MARKERS:
        if marker in text:
            return f"Markdown {marker!r} in the title: {text!r}"
    return None


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # seed_demo runs only in the development profile
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False


def assert_plain_titles(client, paths) -> None:
    """Open each path (following redirects) and fail with every title that is not plain."""
    problems = []
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        problem = plain_title_problem(response.content.decode())
        if problem:
            problems.append(f"{path}: {problem}")
    assert not problems, "\n".join(problems)


def test_the_check_sees_markup_and_markdown():
    def page(title):
        return f"<html><head><title>{title}</title></head></html>"

    assert plain_title_problem(page("Natural Wine Club · Sosoon")) is None
    assert plain_title_problem(page('<section class="card">x · Sosoon'))
    assert plain_title_problem(page("Ana: **new** release · Sosoon"))
    assert plain_title_problem(page("[link](https://x.test) · Sosoon"))
    assert plain_title_problem(page("# Heading · Sosoon"))
    assert plain_title_problem(page(" · Sosoon"))
    assert plain_title_problem(page("Natural Wine Club"))


def test_every_main_page_an_owner_sees_has_a_plain_title(client, demo):
    ana = User.objects.get(handle="ana")
    client.force_login(ana)
    wine = Community.objects.get(slug="natural-wine-club")
    paths = [
        "/",
        "/c/",
        "/notifications/",
        "/messages/",
        "/profile/",
        "/profile/blocked/",
        "/circles/",
        reverse("events:calendar_settings"),
        reverse("crossposting:calendar"),
        reverse("crossposting:calendar") + f"?community={wine.slug}",
        reverse("crossposting:calendar_choose"),
        reverse("crossposting:calendar_slots"),
        reverse("crossposting:calendar_accounts"),
        reverse("feeds:person", kwargs={"handle": "ben"}),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
    ]
    paths += [reverse(name, kwargs={"slug": wine.slug}) for name in OWNER_SECTIONS]
    paths += [
        reverse("communities:direct_room", kwargs={"room_id": room.pk})
        for room in ChatRoom.objects.readable_by(ana, direct=True)
    ]
    paths += [
        reverse("communities:chat_search", kwargs={"room_id": room.pk}) + "?q=wine"
        for room in ChatRoom.objects.readable_by(ana)
    ]
    readable = Post.objects.visible_to(ana)
    paths += [
        reverse("feeds:post", kwargs={"post_id": pk})
        for pk in readable.values_list("pk", flat=True)
    ]
    paths += [
        reverse(name, kwargs={"post_id": pk})
        for pk in readable.filter(audience=Audience.PUBLIC, community=wine).values_list(
            "pk", flat=True
        )
        for name in ["crossposting:schedule", "crossposting:calendar_compose"]
    ]
    assert_plain_titles(client, paths)


def test_a_listed_communitys_owner_sees_plain_titles_on_its_join_requests(client, demo):
    client.force_login(User.objects.get(handle="dev"))
    synth = Community.objects.get(slug="vintage-synth-makers")
    paths = [
        reverse(name, kwargs={"slug": synth.slug})
        for name in [*OWNER_SECTIONS, "communities:requests"]
    ]
    assert_plain_titles(client, paths)


def test_a_members_pages_have_plain_titles(client, demo):
    member = User.objects.get(handle="ben")
    client.force_login(member)
    paths = ["/", "/c/natural-wine-club/", "/c/natural-wine-club/posts/", "/notifications/"]
    paths += [
        reverse("feeds:post", kwargs={"post_id": pk})
        for pk in Post.objects.visible_to(member).values_list("pk", flat=True)
    ]
    assert_plain_titles(client, paths)


def test_signed_out_pages_have_plain_titles(client, demo):
    public = Post.objects.visible_to(AnonymousUser()).values_list("pk", flat=True)
    paths = ["/", reverse("account_login"), "/c/"]
    paths += [reverse("feeds:post", kwargs={"post_id": pk}) for pk in public]
    assert_plain_titles(client, paths)


def test_the_site_admins_pages_have_plain_titles(client, demo):
    client.force_login(User.objects.get(handle="admin"))
    paths = [
        "/admin/",
        "/admin/communities/community/",
        "/admin/communities/report/",
        "/admin/feeds/post/",
    ]
    assert_plain_titles(client, paths)


MARKDOWN_POST = """# First pours

**Skin-contact** Grüner from [Weingut Ott](https://ott.example) & friends,
`tasting` on Friday:

- three wines
- one <cheese>
"""


@pytest.mark.parametrize("signed_in", [True, False], ids=["member", "signed-out-teaser"])
def test_a_post_page_is_titled_by_its_plain_text(client, demo, signed_in):
    ana = User.objects.get(handle="ana")
    wine = Community.objects.get(slug="natural-wine-club")
    wine.allow_public_teasers = True
    wine.save()
    post = do_create_post(ana, wine, body=MARKDOWN_POST, audience=Audience.PUBLIC)
    if signed_in:
        client.force_login(User.objects.get(handle="ben"))
    page = client.get(post.get_absolute_url()).content.decode()
    assert plain_title_problem(page) is None
    title = html.unescape(TITLE.search(page).group(1))
    words = "First pours Skin-contact Grüner from Weingut Ott & friends,…"
    expected = f"Ana Lima: {words}" if signed_in else words
    assert title == f"{expected} · Natural Wine Club · Sosoon"
