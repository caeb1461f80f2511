"""The publishing calendar in a real browser: a brand owner schedules the public teaser by
clicking an empty hour of the week, drags a cross-post to another day, moves one with the
plain form in a browser without JavaScript, and the calendar fits a phone."""

import json
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from feeds.crossposting.calendar.previews import SAMPLE_REF
from tests.e2e.login_form import sign_in

pytestmark = pytest.mark.browser

DEV = "dev@demo.sosoon.test"  # owner of Vintage Synth Makers, whose teaser is public
HANDLE = "synth_calendar"


@pytest.fixture(scope="module")
def week_ahead() -> date:
    """The Monday of the week after next: every hour of it is in the future."""
    today = date.today()
    return today - timedelta(days=today.weekday()) + timedelta(days=14)


@pytest.fixture(scope="module")
def synth_x(live, week_ahead) -> dict:
    """An X account of Vintage Synth Makers (no request ever leaves with its tokens) and a
    cross-post of the teaser on Wednesday 10:00 UTC of that week."""
    wednesday = week_ahead + timedelta(days=2)
    out = live.python(
        "import json\n"
        "from datetime import datetime, timezone\n"
        "from communities.models import Community\n"
        "from feeds.crossposting.models import CrossPost, ExternalAccount\n"
        "from feeds.models import Post\n"
        "synth = Community.objects.get(slug='vintage-synth-makers')\n"
        f"account = ExternalAccount(community=synth, platform='x', external_id='{HANDLE}',"
        f" handle='{HANDLE}')\n"
        "account.access_token, account.refresh_token = 'access', 'refresh'\n"
        "account.save()\n"
        "teaser = Post.objects.get(community=synth, audience='public')\n"
        "crosspost = CrossPost.objects.create(post=teaser, account=account, text='Juno live',"
        f" scheduled_at=datetime({wednesday.year}, {wednesday.month}, {wednesday.day}, 10,"
        " tzinfo=timezone.utc))\n"
        "print(json.dumps({'account': account.pk, 'crosspost': crosspost.pk}))"
    )
    return json.loads(out)


def scheduled_at(live, crosspost_id: int) -> str:
    return live.python(
        "from feeds.crossposting.models import CrossPost\n"
        f"print(CrossPost.objects.get(pk={crosspost_id}).scheduled_at.strftime('%Y-%m-%dT%H:%M'))"
    )


def week_url(week_ahead: date, account_id: int) -> str:
    return f"/crossposts/calendar/?view=week&date={week_ahead.isoformat()}&account={account_id}"


def test_schedule_by_clicking_an_empty_hour_then_drag_a_post_to_another_day(
    live, new_page, synth_x, week_ahead
):
    # Tall enough that the morning hours fit: a drag that has to scroll is no drag at all.
    page = sign_in(new_page(viewport={"width": 1280, "height": 1400}), DEV)
    page.goto(week_url(week_ahead, synth_x["account"]))
    expect(page).to_have_title(f"Calendar · Week of {week_ahead.day} {week_ahead:%B %Y} · Sosoon")

    thursday = (week_ahead + timedelta(days=3)).isoformat()
    page.get_by_test_id(f"cell-{thursday}T15").get_by_test_id("schedule-here").click()
    expect(page).to_have_title("Schedule a post · Sosoon")
    page.get_by_test_id("choose-post").filter(has_text="Juno-60").click()
    expect(page.get_by_label("Publish at (your time zone)")).to_have_value(f"{thursday}T15:00")
    # The live count listens once htmx has started (a deferred script): typing into the page
    # before then, as only a test can, would send no preview request at all.
    page.wait_for_load_state("load")
    section = page.locator("fieldset").filter(has_text=f"X @{HANDLE}")
    section.get_by_label("Post to this account").check()
    section.get_by_label("Text").fill("Juno-60 restoration live on Sunday {link}")
    # X's count, from the server's rule, as the person types. X counts a link it recognises
    # as 23, but not this site's loopback address: that counts character by character.
    link = live.url(f"/r/{SAMPLE_REF}/")
    expected = len("Juno-60 restoration live on Sunday ") + len(link)
    # The preview is a server round trip after a 300 ms pause in typing; on a busy machine
    # it can take longer than the default five seconds.
    expect(section.get_by_test_id("x-count")).to_have_text(f"{expected} / 280", timeout=20_000)
    page.get_by_test_id("schedule").click()

    expect(page.get_by_text("Scheduled 1 cross-post(s).")).to_be_visible()
    expect(page.get_by_test_id(f"cell-{thursday}T15").get_by_test_id("chip")).to_contain_text(
        f"15:00 X @{HANDLE}"
    )

    wednesday = (week_ahead + timedelta(days=2)).isoformat()
    friday = (week_ahead + timedelta(days=4)).isoformat()
    chip = page.locator(f"#chip-{synth_x['crosspost']}")
    expect(page.get_by_test_id(f"cell-{wednesday}T10")).to_contain_text(f"X @{HANDLE}")
    chip.drag_to(page.get_by_test_id(f"cell-{friday}T11"))
    expect(page.get_by_text("Moved to Fri")).to_be_visible()
    expect(
        page.get_by_test_id(f"cell-{friday}T11").locator(f"#chip-{synth_x['crosspost']}")
    ).to_be_visible()
    assert scheduled_at(live, synth_x["crosspost"]) == f"{friday}T11:00"


def test_move_with_the_plain_form_without_javascript(live, new_page, synth_x, week_ahead):
    page = sign_in(new_page(java_script_enabled=False), DEV)
    page.goto(week_url(week_ahead, synth_x["account"]))
    page.locator(f"#chip-{synth_x['crosspost']} a").click()

    expect(page).to_have_title("Move a cross-post · Sosoon")
    saturday = (week_ahead + timedelta(days=5)).isoformat()
    page.get_by_label("Publish at (your time zone)").fill(f"{saturday}T08:30")
    page.get_by_role("button", name="Move", exact=True).click()

    expect(page.get_by_text("Moved to Sat")).to_be_visible()
    expect(page.get_by_test_id(f"cell-{saturday}T08")).to_contain_text(f"08:30 X @{HANDLE}")
    assert scheduled_at(live, synth_x["crosspost"]) == f"{saturday}T08:30"


@pytest.mark.parametrize("path", ["/crossposts/calendar/", "/crossposts/accounts/"])
def test_the_calendar_and_accounts_fit_a_phone(new_page, synth_x, path):
    page = sign_in(new_page(viewport={"width": 375, "height": 740}, is_mobile=True), DEV)
    page.goto(path)
    # The grid scrolls inside its own box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
