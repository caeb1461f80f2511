"""Writing posts: the composer, Markdown, images kept private, editing, removal, pins, and
every bad input the issue lists (a clear form error, nothing saved)."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from feeds.models import Audience, Circle, Post, PostImage
from feeds.services.posts import MAX_PINNED
from tests.factories import add_member, create_community


def compose(client, slug="wine", **fields):
    data = {"body": "Tasting notes", "audience": "community", **fields}
    return client.post(reverse("feeds:compose", kwargs={"slug": slug}), data)


def test_a_member_posts_and_lands_on_the_post_page(client, author):
    client.force_login(author)
    response = compose(client, body="First pour of the **2024 pét-nat**")
    post = Post.objects.get()
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    page = client.get(post.get_absolute_url())
    assert "<strong>2024 pét-nat</strong>" in page.text


def test_markdown_is_sanitised_and_links_get_rel(author, post_factory):
    post = post_factory(
        body="[site](https://example.org) <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[bad](javascript:alert(1))"
    )
    assert 'rel="nofollow ugc noopener"' in post.body_html
    assert "<script" not in post.body_html
    assert "onerror" not in post.body_html and "<img" not in post.body_html
    assert "javascript:" not in post.body_html


def test_mentions_become_links_to_people(post_factory, member):
    post = post_factory(body=f"Ask @{member.handle} about it, not @nobody_here")
    assert f'href="/people/{member.handle}/"' in post.body_html
    assert "@nobody_here" in post.body_html and "/people/nobody_here/" not in post.body_html


BAD_INPUT = [
    ({"body": "   "}, "body", "Write something or add an image."),
    ({"body": "x" * 10_001}, "body", "at most 10000 characters"),
    ({"audience": "tier"}, "audience", "Choose who will see the post from the list."),
    ({"audience": "tier:"}, "audience", "Choose who will see the post from the list."),
    ({"audience": "public"}, "audience", "Choose who will see the post from the list."),
    ({"audience": "circle"}, "audience", "Choose who will see the post from the list."),
    ({"audience": ""}, "audience", "This field is required."),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_INPUT)
def test_bad_posts_get_a_form_error_and_nothing_is_saved(client, author, fields, field, message):
    client.force_login(author)
    response = compose(client, **fields)
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert not Post.objects.exists()


def test_a_tier_of_another_community_is_refused(client, author, community_factory):
    other = community_factory(name="Other", slug="other")
    client.force_login(author)
    response = compose(client, audience=f"tier:{other.tiers.get().pk}")
    assert response.status_code == 400 and "audience" in response.context["form"].errors
    assert not Post.objects.exists()


def test_someone_elses_circle_is_refused(client, author, member):
    theirs = Circle.objects.create(owner=member, name="Their friends")
    client.force_login(author)
    response = compose(client, audience=f"circle:{theirs.pk}")
    assert response.status_code == 400 and "audience" in response.context["form"].errors
    assert not Post.objects.exists()


def test_public_is_refused_by_the_service_where_teasers_are_off(author, community):
    from django.core.exceptions import ValidationError

    from feeds.services.posts import check_create_post

    with pytest.raises(ValidationError, match="does not allow public"):
        check_create_post(author, community, body="hi", audience=Audience.PUBLIC)
    assert not Post.objects.exists()


def image_bytes(size=(20, 20), fmt="PNG") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def test_five_images_are_refused(client, author, png_upload):
    client.force_login(author)
    response = client.post(
        reverse("feeds:compose", kwargs={"slug": "wine"}),
        {"body": "", "audience": "community", "images": [png_upload(f"{n}.png") for n in range(5)]},
    )
    assert response.status_code == 400
    assert "at most 4 images" in str(response.context["form"].errors["images"])
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.png", b"not an image at all"), "not an image"),
        (SimpleUploadedFile("big.png", b"0" * (8 * 1024 * 1024 + 1)), "larger than 8 MB"),
    ],
)
def test_non_images_and_oversized_files_are_refused(client, author, upload, message):
    client.force_login(author)
    response = client.post(
        reverse("feeds:compose", kwargs={"slug": "wine"}),
        {"body": "look", "audience": "community", "images": [upload]},
    )
    assert response.status_code == 400
    assert message in str(response.context["form"].errors["images"])
    assert not Post.objects.exists()


def test_a_decompression_bomb_is_refused(client, author, settings):
    client.force_login(author)
    bomb = SimpleUploadedFile("bomb.png", image_bytes(size=(8000, 6000)))
    response = client.post(
        reverse("feeds:compose", kwargs={"slug": "wine"}),
        {"body": "look", "audience": "community", "images": [bomb]},
    )
    assert response.status_code == 400
    assert "bomb.png: The image is too large (8000x6000 pixels)" in response.text
    assert "the limit for a PNG image is 10 megapixels" in response.text
    assert not Post.objects.exists()


def test_images_are_stored_privately_and_served_only_to_the_audience(
    client, author, close_friend, member, close_friends, png_upload, settings
):
    client.force_login(author)
    compose(client, audience=f"circle:{close_friends.pk}", images=[png_upload()])
    image = PostImage.objects.get()
    assert str(settings.SOSOON_PRIVATE_MEDIA_ROOT) in image.file.path
    assert str(settings.MEDIA_ROOT) not in image.file.path

    client.force_login(close_friend)
    response = client.get(image.get_absolute_url())
    assert response.status_code == 200 and response["Cache-Control"] == "private, max-age=3600"
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"

    client.force_login(member)
    assert client.get(image.get_absolute_url()).status_code == 404


def test_behind_nginx_the_image_is_handed_over_with_x_accel_redirect(
    client, author, png_upload, settings
):
    settings.SOSOON_PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    client.force_login(author)
    compose(client, images=[png_upload()])
    image = PostImage.objects.get()
    response = client.get(image.get_absolute_url())
    assert response["X-Accel-Redirect"] == f"/_private/{image.file.name}"
    assert response.content == b""


def test_the_composer_says_who_will_see_the_post(client, author, community, insider, member):
    client.force_login(author)
    insider_tier = community.tiers.get(name="Insider")
    line = client.get(
        reverse("feeds:audience", kwargs={"slug": "wine"}),
        {"audience": f"tier:{insider_tier.pk}"},
        HTTP_HX_REQUEST="true",
    )
    # The insider, the author, who always sees their own post, and the owner, who sees every
    # tier from the base tier; the member is below Insider.
    assert (
        "Visible to 3 members of Natural Wine Club at Insider or above"
        " (its owner and admins included)"
    ) in line.text
    everyone = client.get(
        reverse("feeds:audience", kwargs={"slug": "wine"}), {"audience": "community"}
    )
    assert "Visible to 4 members of Natural Wine Club" in everyone.text


def test_the_composer_is_for_members_only(client, outsider, community):
    client.force_login(outsider)
    assert compose(client).status_code == 404
    assert client.get(reverse("feeds:audience", kwargs={"slug": "wine"})).status_code == 404


def test_editing_changes_the_audience_at_once(
    client, author, member, insider, community, post_factory
):
    post = post_factory(audience=Audience.COMMUNITY)
    client.force_login(author)
    response = client.post(
        reverse("feeds:edit", kwargs={"post_id": post.pk}),
        {
            "body": "Now for Insiders",
            "audience": f"tier:{community.tiers.get(name='Insider').pk}",
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.edited is not None and "Now for Insiders" in post.body_html
    client.force_login(member)
    assert client.get(post.get_absolute_url()).status_code == 404
    client.force_login(insider)
    assert "edited" in client.get(post.get_absolute_url()).text


def edit(client, post, **fields):
    data = {"body": post.body, "audience": post.audience, **fields}
    return client.post(reverse("feeds:edit", kwargs={"post_id": post.pk}), data)


def test_editing_removes_and_adds_images(
    client, author, member, png_upload, django_capture_on_commit_callbacks
):
    client.force_login(author)
    compose(client, images=[png_upload("a.png"), png_upload("b.png", color=(0, 90, 200))])
    post = Post.objects.get()
    first, second = post.images.order_by("position")
    form = client.get(reverse("feeds:edit", kwargs={"post_id": post.pk}))
    assert f'src="{first.get_absolute_url()}"' in form.text
    assert "Remove image 2" in form.text

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(client, post, remove_images=[first.pk], images=[png_upload("c.png")])

    assert response.status_code == 302
    kept = list(post.images.order_by("position"))
    assert [image.position for image in kept] == [0, 1] and kept[0].pk == second.pk
    assert not first.file.storage.exists(first.file.name)
    client.force_login(member)
    assert client.get(first.get_absolute_url()).status_code == 404
    page = client.get(post.get_absolute_url()).text
    assert all(f'src="{image.get_absolute_url()}"' in page for image in kept)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"body": "", "remove_images": ["all"]}, "body", "Write something or add an image."),
        ({"extra": 3}, "images", "at most 4 images"),
        ({"bad": True}, "images", "not an image"),
    ],
)
def test_a_bad_image_edit_gets_a_form_error_and_changes_nothing(
    client, author, png_upload, change, field, message
):
    client.force_login(author)
    compose(client, body="Two pictures", images=[png_upload("a.png"), png_upload("b.png")])
    post = Post.objects.get()
    before = list(post.images.values_list("pk", "position"))
    fields = {"body": change.get("body", post.body)}
    if change.get("remove_images"):
        fields["remove_images"] = [pk for pk, _ in before]
    if change.get("extra"):
        fields["images"] = [png_upload(f"{n}.png") for n in range(change["extra"])]
    if change.get("bad"):
        fields["images"] = [SimpleUploadedFile("notes.png", b"not an image at all")]

    response = edit(client, post, **fields)

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    post.refresh_from_db()
    assert post.body == "Two pictures" and post.edited is None
    assert list(post.images.values_list("pk", "position")) == before
    assert all(image.file.storage.exists(image.file.name) for image in post.images.all())


def test_only_the_author_edits(client, member, post_factory):
    post = post_factory()
    client.force_login(member)
    assert client.get(reverse("feeds:edit", kwargs={"post_id": post.pk})).status_code == 403


def test_a_removed_post_shows_as_removed_and_keeps_its_comments(
    client, author, member, post_factory
):
    from feeds.services.comments import do_add_comment

    post = post_factory(body="Secret recipe")
    do_add_comment(member, post, "Thanks!")
    client.force_login(author)
    assert client.post(reverse("feeds:remove", kwargs={"post_id": post.pk})).status_code == 302
    client.force_login(member)
    page = client.get(post.get_absolute_url())
    assert "This post was removed." in page.text and "Secret recipe" not in page.text
    assert "Thanks!" in page.text
    feed = client.get(reverse("feeds:community", kwargs={"slug": "wine"}))
    assert f'id="post-{post.pk}"' not in feed.text


def test_members_cannot_remove_others_posts_but_moderators_can(
    client, member, moderator, post_factory
):
    post = post_factory()
    client.force_login(member)
    assert client.post(reverse("feeds:remove", kwargs={"post_id": post.pk})).status_code == 403
    client.force_login(moderator)
    removal = client.post(reverse("feeds:remove", kwargs={"post_id": post.pk}), {"reason": "Spam"})
    assert removal.status_code == 302
    post.refresh_from_db()
    assert post.is_removed


def test_admins_pin_up_to_three_announcements(client, admin, member, post_factory):
    posts = [post_factory(body=f"Announcement {n}") for n in range(MAX_PINNED + 1)]
    client.force_login(member)
    assert (
        client.post(
            reverse("feeds:pin", kwargs={"post_id": posts[0].pk}), {"pinned": "1"}
        ).status_code
        == 403
    )
    client.force_login(admin)
    for post in posts:
        client.post(reverse("feeds:pin", kwargs={"post_id": post.pk}), {"pinned": "1"})
    assert Post.objects.filter(pinned_at__isnull=False).count() == MAX_PINNED
    feed = client.get(reverse("feeds:community", kwargs={"slug": "wine"}))
    assert feed.text.count('class="pill">Pinned<') == MAX_PINNED


def test_a_pinned_circle_post_stays_inside_its_circle(
    client, author, member, close_friends, post_factory, community
):
    owner_membership = community.memberships.get(role="owner")
    post = post_factory(
        author=owner_membership.user,
        audience=Audience.CIRCLE,
        circle=Circle.objects.create(owner=owner_membership.user, name="Staff"),
    )
    client.force_login(owner_membership.user)
    client.post(reverse("feeds:pin", kwargs={"post_id": post.pk}), {"pinned": "1"})
    client.force_login(member)
    assert (
        f'id="post-{post.pk}"'
        not in client.get(reverse("feeds:community", kwargs={"slug": "wine"})).text
    )


def test_posting_needs_an_active_membership(client, banned, community):
    client.force_login(banned)
    assert compose(client).status_code == 404
    assert not Post.objects.exists()


def test_circle_posts_show_a_badge_but_never_the_circle(
    client, author, close_friend, post_factory, close_friends
):
    named = Circle.objects.create(owner=author, name="Wine snobs")
    named.members.create(user=close_friend)
    close = post_factory(audience=Audience.CIRCLE, circle=close_friends)
    other = post_factory(audience=Audience.CIRCLE, circle=named)
    client.force_login(close_friend)
    page = client.get(reverse("feeds:community", kwargs={"slug": "wine"}))
    assert "Close friends" in page.text
    assert "Wine snobs" not in page.text
    assert f'id="post-{close.pk}"' in page.text and f'id="post-{other.pk}"' in page.text


def test_a_listed_community_member_from_elsewhere_cannot_post_here(client, user_factory):
    community = create_community(name="Elsewhere", slug="elsewhere", discoverability="listed")
    stranger = add_member(community).user
    client.force_login(stranger)
    assert compose(client).status_code == 404
