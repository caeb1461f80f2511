"""Partners on a phone: the demo's owner reads the Natural Wine Club's partners on Insights,
adds an outside creator (after a member's handle that names nobody is refused), and Gina, a
partner who is a member, opens her own page from the sidebar's menu, which shows her row and
nobody else's. Then the owner edits a partner (an empty name is refused first) and removes
them: their link stops working and their row on Insights is marked removed."""

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

ANA = "ana@demo.sosoon.test"  # owner of the Natural Wine Club
GINA = "gina@demo.sosoon.test"  # a member, and one of its partners
PHONE = {"width": 390, "height": 844}


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_owner_adds_a_partner_and_a_partner_reads_only_their_own_numbers(new_page):
    page = sign_in(new_page(viewport=PHONE, is_mobile=True), ANA)
    page.goto("/c/natural-wine-club/insights/?period=90")
    partners = page.get_by_test_id("table-partners")
    gina_row = partners.locator("tbody tr").filter(has_text="@gina")
    vera_row = partners.locator("tbody tr").filter(has_text="@vera.vino")
    expect(gina_row).to_have_count(1)
    expect(vera_row).to_have_count(1)
    assert int(vera_row.locator("td").nth(1).inner_text()) > 0  # visits
    assert int(vera_row.locator("td").nth(2).inner_text()) > 0  # joined
    sources = page.get_by_test_id("table-sources")
    expect(sources.locator("tbody tr").filter(has_text="Partner")).to_have_count(1)
    _fits(page)

    page.get_by_role("link", name="Manage partners and their links").click()
    form = page.get_by_test_id("partner-form")
    form.get_by_label("Member's handle").fill("nobody_at_all")
    form.get_by_role("button", name="Add partner").click()
    expect(page.get_by_text("Nobody with the handle @nobody_at_all is a member")).to_be_visible()
    expect(page.get_by_test_id("partner")).to_have_count(2)
    form = page.get_by_test_id("partner-form")
    form.get_by_label("Someone outside it").check()
    form.locator("#id_name").fill("Lena Loire")
    form.get_by_label("Their handle elsewhere").fill("@lena.loire")
    form.get_by_role("button", name="Add partner").click()
    expect(page.get_by_text("Lena Loire is a partner now.")).to_be_visible()
    lena = page.get_by_test_id("partner").filter(has_text="@lena.loire")
    expect(lena.get_by_test_id("partner-link")).to_have_count(1)
    link = lena.get_by_label("Tracked link").input_value()
    assert "/j/" in link
    _fits(page)
    visitor = new_page(viewport=PHONE, is_mobile=True)
    visitor.goto(link)
    assert "/invite/" in visitor.url
    page.reload()
    expect(page.get_by_test_id("partner").filter(has_text="@lena.loire")).to_contain_text("1 visit")
    gina_page = (
        page.get_by_test_id("partner").filter(has_text="@gina").locator("a").first
    ).get_attribute("href")

    page = sign_in(new_page(viewport=PHONE, is_mobile=True), GINA)
    page.goto("/c/natural-wine-club/")
    page.get_by_role("button", name="Menu").click()
    page.locator("#sidebar").get_by_role("link", name="Your partner numbers").click()
    page.wait_for_url(f"**{gina_page}")
    page.goto(gina_page + "?period=90")
    rows = page.get_by_test_id("table-partners").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("@gina")
    expect(page.get_by_text("@vera.vino")).to_have_count(0)
    _fits(page)


# An outside partner of the club, with 3 visits to her link yesterday: the address to share.
ROSA = """
from datetime import timedelta
from communities.models import Community
from feeds.insights.days import today
from feeds.insights.partners.models import LinkVisitDay
from feeds.insights.partners.services import do_add_partner

club = Community.objects.get(slug="natural-wine-club")
link = do_add_partner(club, club.owner, name="Rosa Rioja", handle="@rosa.rioja").links.get()
LinkVisitDay.objects.create(link=link, day=today(club) - timedelta(days=1), visits=3)
print(link.get_absolute_url())
"""
ROLL_UP_YESTERDAY = """
from datetime import timedelta
from communities.models import Community
from feeds.insights.days import today
from feeds.insights.rollups import roll_up_days

club = Community.objects.get(slug="natural-wine-club")
roll_up_days(club, today(club) - timedelta(days=1), today(club) - timedelta(days=1))
"""


def test_the_owner_edits_a_partner_then_removes_them_and_their_link_stops(live, new_page):
    link = live.url(live.python(ROSA))
    page = sign_in(new_page(viewport=PHONE, is_mobile=True), ANA)
    page.goto("/c/natural-wine-club/insights/partners/")
    rosa = page.get_by_test_id("partner").filter(has_text="@rosa.rioja")
    rosa.get_by_role("link", name="Edit Rosa Rioja").click()
    assert page.title().startswith("Edit Rosa Rioja")
    form = page.get_by_test_id("partner-edit-form")
    form.locator("#id_name").fill("")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Give the partner's name.")).to_be_visible()
    _fits(page)
    form = page.get_by_test_id("partner-edit-form")
    form.locator("#id_name").fill("Rosa Rioja Alta")
    form.get_by_label("Tier for people who join through their links").select_option(label="Insider")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Changes to Rosa Rioja Alta are saved.")).to_be_visible()
    rosa = page.get_by_test_id("partner").filter(has_text="@rosa.rioja")
    expect(rosa).to_contain_text("Rosa Rioja Alta")
    expect(rosa.get_by_test_id("partner-link")).to_contain_text("Insider")

    rosa.get_by_role("link", name="Remove Rosa Rioja Alta…").click()
    assert page.title().startswith("Remove Rosa Rioja Alta as a partner?")
    expect(page.get_by_test_id("partner-remove")).to_contain_text("stops working at once")
    _fits(page)
    page.get_by_role("button", name="Remove partner").click()
    expect(page.get_by_text("Rosa Rioja Alta is no longer a partner")).to_be_visible()
    expect(page.get_by_test_id("partner").filter(has_text="@rosa.rioja")).to_have_count(0)

    visitor = new_page(viewport=PHONE, is_mobile=True)
    visitor.goto(link)
    expect(visitor.get_by_text("Whoever made it has revoked it.")).to_be_visible()
    _fits(visitor)

    live.python(ROLL_UP_YESTERDAY)
    page.goto("/c/natural-wine-club/insights/?period=7")
    row = page.get_by_test_id("table-partners").locator("tbody tr").filter(has_text="@rosa.rioja")
    expect(row.locator("th")).to_have_text("Rosa Rioja Alta (removed)")
    expect(row.locator("td").nth(1)).to_have_text("3")
    _fits(page)
