"""Insights on a phone: the demo's owner opens the Natural Wine Club's Insights, whose 90 days
of seeded history draw both charts (as images the browser decodes), the retention heat-map
and the tables, in light and dark themes, with nothing wider than the screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

ANA = "ana@demo.sosoon.test"  # owner of the Natural Wine Club
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_owner_reads_insights_on_a_phone(new_page, scheme, tmp_path):
    page = sign_in(new_page(viewport=PHONE, is_mobile=True, color_scheme=scheme), ANA)
    page.goto("/c/natural-wine-club/")
    page.get_by_role("link", name="Insights").click()
    expect(page).to_have_title("Insights · Natural Wine Club · Sosoon")
    page.get_by_role("link", name="90 days").click()
    expect(page.get_by_test_id("period")).to_contain_text("(90 days)")
    for name in ["members", "activity"]:
        chart = page.get_by_test_id(f"chart-{name}").locator("img")
        expect(chart).to_be_visible()
        chart.scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=chart.element_handle()
        )
        box = chart.bounding_box()
        assert 300 <= box["width"] <= PHONE["width"]
    members = page.get_by_test_id("figure").filter(has_text="Members").first
    assert int(members.locator("strong").inner_text()) > 20
    heat = page.get_by_test_id("table-cohorts")
    expect(heat.locator("tbody tr").first).to_be_visible()
    assert heat.locator("td[class^='heat-']").count() > 8
    page.get_by_test_id("chart-members").get_by_text("The numbers, day by day").click()
    expect(page.get_by_test_id("table-members").locator("tbody tr")).to_have_count(90)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(page.get_by_test_id("top-posts").get_by_test_id("top-post").first).to_be_visible()
    expect(page.get_by_text("Between us: the tasting room")).to_have_count(0)
    page.screenshot(path=str(tmp_path / f"insights-{scheme}.png"), full_page=True)
