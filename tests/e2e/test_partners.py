"""Partners on a phone: the demo's owner reads the Natural Wine Club's partners on Insights,
adds an outside creator (after a member's handle that names nobody is refused), and Gina, a
partner who is a member, opens her own page, which shows her row and nobody else's."""

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
    page.goto(gina_page + "?period=90")
    rows = page.get_by_test_id("table-partners").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("@gina")
    expect(page.get_by_text("@vera.vino")).to_have_count(0)
    _fits(page)
