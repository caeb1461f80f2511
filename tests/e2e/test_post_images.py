"""Images on a phone, in a real browser against a real daphne: a member posts a picture, then
edits the post to swap it for another; the post page shows only the new one."""

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.login_form import submit_login

pytestmark = pytest.mark.browser

POSTS = "/c/natural-wine-club/posts/"
BODY = "Label of the week"


def picture(path, color) -> str:
    Image.new("RGB", (60, 40), color).save(path, format="PNG")
    return str(path)


def test_a_member_swaps_the_picture_of_a_post_on_a_phone(new_page, tmp_path):
    ana: Page = new_page(viewport={"width": 390, "height": 844})
    ana.goto("/accounts/login/")
    submit_login(ana, "ana@demo.sosoon.test")
    expect(ana.get_by_test_id("me")).to_be_visible()

    ana.goto(POSTS)
    ana.get_by_text("Write a post in").click()
    composer = ana.get_by_test_id("composer")
    composer.get_by_label("Post", exact=True).fill(BODY)
    composer.get_by_label("Images").set_input_files(picture(tmp_path / "red.png", (200, 30, 60)))
    composer.get_by_role("button", name="Post").click()
    expect(ana).to_have_title(f"Ana Lima: {BODY} · Natural Wine Club · Sosoon")
    post = ana.get_by_test_id("post").filter(has_text=BODY)
    old_image = post.get_by_alt_text("Image 1 of the post")
    expect(old_image).to_be_visible()
    old_src = old_image.get_attribute("src")

    ana.get_by_role("link", name="Edit").click()
    expect(ana).to_have_title("Edit post · Natural Wine Club · Sosoon")
    kept = ana.get_by_test_id("kept-images")
    expect(kept.get_by_alt_text("Image 1 of the post")).to_be_visible()
    kept.get_by_label("Remove image 1").check()
    ana.get_by_label("Add images").set_input_files(picture(tmp_path / "blue.png", (0, 90, 200)))
    ana.get_by_role("button", name="Save").click()

    expect(ana.get_by_text("Post updated.")).to_be_visible()
    images = ana.get_by_test_id("post").filter(has_text=BODY).get_by_role("img")
    expect(images).to_have_count(1)
    assert images.first.get_attribute("src") != old_src
    assert ana.request.get(old_src).status == 404
