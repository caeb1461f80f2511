"""Each place the client once disagreed with a network's specification, against the strict
sandboxes: the request the specification prescribes goes through, and the sandbox refuses
what the old client sent."""

from datetime import timedelta
from io import BytesIO
from itertools import pairwise

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from feeds.crossposting.base import (
    Content,
    FailedTryAgain,
    Media,
    Pending,
    RateLimited,
    Rejected,
    TemporaryFailure,
)
from feeds.crossposting.models import CrossPostStatus
from feeds.crossposting.providers import provider_for
from feeds.crossposting.sandbox.pinterest import PINS_PATH
from feeds.crossposting.sandbox.pinterest import TOKEN_PATH as PINTEREST_TOKEN
from feeds.crossposting.sandbox.tiktok import INIT_PATH, STATUS_PATH
from feeds.crossposting.sandbox.tiktok import TOKEN_PATH as TIKTOK_TOKEN
from feeds.crossposting.sandbox.x import INITIALIZE_PATH, MEDIA_PATH, TWEETS_PATH
from feeds.models import PostImage, private_storage

REDIRECT = "https://sosoon.test/crossposting/callback/"


def connect(platform):
    """The real OAuth dance against the sandbox: authorize, press Authorize, exchange."""
    provider = provider_for(platform)
    authorisation = provider.authorise(redirect_uri=REDIRECT)
    approval = httpx.post(authorisation.url, data={"decision": "authorize"})
    assert approval.status_code == 302, approval.text
    code = httpx.URL(approval.headers["location"]).params["code"]
    return authorisation, provider.exchange(
        code=code, code_verifier=authorisation.code_verifier, redirect_uri=REDIRECT
    )


def stored(data: bytes, name: str, content_type: str) -> Media:
    path = private_storage.save(f"tests/{name}", ContentFile(data))
    return Media(url=f"https://sosoon.test/{name}", path=path, content_type=content_type)


def image_bytes(kind: str) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, kind)
    return buffer.getvalue()


def reload(crosspost):
    crosspost.refresh_from_db()
    return crosspost


def settle(crosspost, dispatch, *, minutes=30):
    """Run the dispatcher minute by minute until the row leaves `publishing`."""
    for minute in range(minutes):
        dispatch(now=timezone.now() + timedelta(minutes=minute))
        if reload(crosspost).status != CrossPostStatus.PUBLISHING:
            break
    return reload(crosspost)


# X ---------------------------------------------------------------------------------------------


def test_x_gif_goes_through_the_chunked_upload_as_tweet_gif(fake_x):
    access, _ = fake_x.issue_tokens()
    gif = stored(image_bytes("GIF"), "moving.gif", "image/gif")

    provider_for("x").publish(access, Content(text="Moving", media=[gif]))

    assert fake_x.calls(INITIALIZE_PATH)[0].json()["media_category"] == "tweet_gif"
    # The one-shot upload takes images only; the GETs are the processing STATUS reads.
    assert all(request.method == "GET" for request in fake_x.calls(MEDIA_PATH))
    assert fake_x.posts[0]["media_kinds"] == ["gif"]


def test_x_gif_is_posted_only_once_x_has_processed_it(fake_x):
    """Finalize answers `pending`: the client asks STATUS no sooner than check_after_secs
    says, and creates the post only after X answered `succeeded`."""
    fake_x.processing_seconds, fake_x.check_after_secs = 2.5, 1
    access, _ = fake_x.issue_tokens()
    gif = stored(image_bytes("GIF"), "moving.gif", "image/gif")

    provider_for("x").publish(access, Content(text="Moving", media=[gif]))

    finalize = next(r for r in fake_x.requests if r.path.endswith("/finalize"))
    statuses = [r for r in fake_x.calls(MEDIA_PATH) if r.method == "GET"]
    assert len(statuses) >= 2
    asked = [finalize.received_at] + [status.received_at for status in statuses]
    assert all(later - earlier >= 0.95 for earlier, later in pairwise(asked))
    assert statuses[0].query == {"command": "STATUS", "media_id": finalize.path.split("/")[-2]}
    (tweet,) = fake_x.calls(TWEETS_PATH)
    assert tweet.received_at >= finalize.received_at + 2.5
    assert fake_x.posts[0]["media_kinds"] == ["gif"]


def test_x_waits_as_long_as_check_after_secs_says(fake_x):
    fake_x.processing_seconds, fake_x.check_after_secs = 0.5, 2
    access, _ = fake_x.issue_tokens()
    gif = stored(image_bytes("GIF"), "slow.gif", "image/gif")

    provider_for("x").publish(access, Content(text="Slow", media=[gif]))

    finalize = next(r for r in fake_x.requests if r.path.endswith("/finalize"))
    (status,) = [r for r in fake_x.calls(MEDIA_PATH) if r.method == "GET"]
    assert status.received_at - finalize.received_at >= 1.95


def test_x_refuses_a_post_whose_gif_is_still_processing(fake_x):
    """What the old client did: post straight after finalize."""
    access, _ = fake_x.issue_tokens()
    headers = {"Authorization": f"Bearer {access}"}
    data = image_bytes("GIF")
    media_id = httpx.post(
        f"{fake_x.url}{INITIALIZE_PATH}",
        headers=headers,
        json={"media_type": "image/gif", "total_bytes": len(data), "media_category": "tweet_gif"},
    ).json()["data"]["id"]
    httpx.post(
        f"{fake_x.url}/2/media/upload/{media_id}/append",
        headers=headers,
        data={"segment_index": "0"},
        files={"media": ("a.gif", data, "image/gif")},
    )
    finalized = httpx.post(f"{fake_x.url}/2/media/upload/{media_id}/finalize", headers=headers)
    assert finalized.json()["data"]["processing_info"]["state"] == "pending"

    refused = httpx.post(
        f"{fake_x.url}{TWEETS_PATH}",
        headers=headers,
        json={"text": "Too soon", "media": {"media_ids": [media_id]}},
    )
    assert refused.status_code == 400
    assert "still being processed" in refused.json()["errors"][0]["message"]
    assert not fake_x.posts


def test_x_gif_that_fails_processing_is_refused_with_xs_reason(fake_x):
    fake_x.processing_seconds, fake_x.processing_error = 0.5, "Unsupported animation"
    access, _ = fake_x.issue_tokens()
    gif = stored(image_bytes("GIF"), "broken.gif", "image/gif")

    with pytest.raises(Rejected, match="Unsupported animation"):
        provider_for("x").publish(access, Content(text="Broken", media=[gif]))
    assert not fake_x.calls(TWEETS_PATH)


def test_x_size_limits_are_5_mb_for_images_and_15_mb_for_gifs(fake_x):
    x = provider_for("x")
    mb = 1024 * 1024

    def sized(content_type, size):
        return Content(
            text="Sized", media=[Media(url="", path="", content_type=content_type, size=size)]
        )

    assert x.validate(sized("image/jpeg", 5 * mb)) == {}
    assert "at most 5 MB" in x.validate(sized("image/jpeg", 5 * mb + 1))["media"]
    assert x.validate(sized("image/gif", 15 * mb)) == {}
    assert "at most 15 MB" in x.validate(sized("image/gif", 15 * mb + 1))["media"]

    access, _ = fake_x.issue_tokens()
    headers = {"Authorization": f"Bearer {access}"}
    too_big = httpx.post(
        f"{fake_x.url}{MEDIA_PATH}",
        headers=headers,
        data={"media_category": "tweet_image"},
        files={"media": ("image", b"\xff\xd8\xff" + bytes(5 * mb), "image/jpeg")},
    )
    assert too_big.status_code == 400
    assert "5242880" in too_big.json()["errors"][0]["message"]
    too_long = httpx.post(
        f"{fake_x.url}{INITIALIZE_PATH}",
        headers=headers,
        json={"media_type": "image/gif", "total_bytes": 15 * mb + 1, "media_category": "tweet_gif"},
    )
    assert too_long.status_code == 400


def test_x_large_gif_goes_in_segments_of_at_most_5_mb(fake_x):
    fake_x.processing_seconds = 0
    access, _ = fake_x.issue_tokens()
    data = image_bytes("GIF") + bytes(9 * 1024 * 1024)
    gif = stored(data, "long.gif", "image/gif")

    provider_for("x").publish(access, Content(text="Long", media=[gif]))

    appends = [r for r in fake_x.requests if r.path.endswith("/append")]
    assert len(appends) == 3
    assert all(len(r.body) <= 5 * 1024 * 1024 + 1024 for r in appends)
    assert fake_x.posts[0]["media_kinds"] == ["gif"]


def test_a_cross_post_of_an_oversized_image_is_refused_for_x_when_scheduled(
    x_account, public_post, owner
):
    from feeds.crossposting.services.scheduling import Draft, check_schedule

    image = public_post.images.first()
    huge = stored(b"\xff\xd8\xff" + bytes(6 * 1024 * 1024), "huge.jpg", "image/jpeg")
    draft = Draft(
        account=x_account,
        text="Huge",
        media=[
            {
                "image": image.pk,
                "url": "https://sosoon.test/huge.jpg",
                "path": huge.path,
                "type": "image/jpeg",
            }
        ],
    )
    with pytest.raises(ValidationError) as refused:
        check_schedule(
            owner, public_post, [draft], scheduled_at=timezone.now() + timedelta(hours=1)
        )
    assert "at most 5 MB" in refused.value.message_dict[f"{x_account.pk}-media"][0]
    assert not x_account.crossposts.exists()


def test_x_one_shot_upload_refuses_a_gif(fake_x):
    """What the old client sent: the GIF as tweet_image through the one-shot upload."""
    access, _ = fake_x.issue_tokens()
    response = httpx.post(
        f"{fake_x.url}{MEDIA_PATH}",
        headers={"Authorization": f"Bearer {access}"},
        data={"media_category": "tweet_image"},
        files={"media": ("image", image_bytes("GIF"), "image/gif")},
    )
    assert response.status_code == 400
    assert response.json()["title"] == "Invalid Request"


def test_x_one_shot_upload_carries_no_media_type(fake_x):
    access, _ = fake_x.issue_tokens()
    photo = stored(image_bytes("JPEG"), "photo.jpg", "image/jpeg")
    provider_for("x").publish(access, Content(text="Photo", media=[photo]))
    assert b'name="media_type"' not in fake_x.calls(MEDIA_PATH)[0].body

    refused = httpx.post(
        f"{fake_x.url}{MEDIA_PATH}",
        headers={"Authorization": f"Bearer {access}"},
        data={"media_category": "tweet_image", "media_type": "image/jpeg"},
        files={"media": ("image", image_bytes("JPEG"), "image/jpeg")},
    )
    assert refused.status_code == 400


def test_x_takes_four_photos_or_one_gif(fake_x):
    x = provider_for("x")
    photo = Media(url="", path="", content_type="image/jpeg")
    gif = Media(url="", path="", content_type="image/gif")
    assert "one animated GIF" in x.validate(Content(text="Mixed", media=[gif, photo]))["media"]
    assert x.validate(Content(text="Four", media=[photo] * 4)) == {}
    assert x.validate(Content(text="One GIF", media=[gif])) == {}

    access, _ = fake_x.issue_tokens()
    with pytest.raises(Rejected, match="4 photos or 1 animated GIF"):
        x.publish(
            access,
            Content(
                text="Mixed",
                media=[stored(image_bytes("GIF"), "a.gif", "image/gif")]
                + [stored(image_bytes("JPEG"), "b.jpg", "image/jpeg")] * 3,
            ),
        )
    assert not fake_x.posts


def test_x_code_and_message_errors_show_xs_message(fake_x):
    access, _ = fake_x.issue_tokens()
    fake_x.fail(TWEETS_PATH, "access_level")
    with pytest.raises(Rejected) as refused:
        provider_for("x").publish(access, Content(text="Hello"))
    assert "subset of X API V2 endpoints" in refused.value.reason
    assert "HTTP 403" not in refused.value.reason


def test_x_sandbox_refuses_what_twitter_text_refuses(fake_x):
    access, _ = fake_x.issue_tokens()
    # 260 + 1 + 23 for the ccTLD link = 284 weighted characters: over X's 280.
    answer = httpx.post(
        f"{fake_x.url}{TWEETS_PATH}",
        json={"text": "a" * 260 + " bit.ly/abcde"},
        headers={"Authorization": f"Bearer {access}"},
    )
    assert answer.status_code == 403
    assert "the text is too long" in answer.json()["detail"]
    with pytest.raises(Rejected, match="not permitted"):
        provider_for("x").publish(access, Content(text="a" * 260 + " bit.ly/abcde"))
    assert not fake_x.posts


def test_x_endpoints_need_their_scopes(fake_x):
    read_only, _ = fake_x.issue_tokens({"tweet.read", "users.read"})
    with pytest.raises(Rejected, match=r"tweet\.write"):
        provider_for("x").publish(read_only, Content(text="Hello"))


def test_x_rate_limit_headers_and_429(fake_x):
    access, _ = fake_x.issue_tokens()
    fake_x.limits = {**fake_x.limits, "tweet": (2, 900)}
    first = httpx.post(
        f"{fake_x.url}{TWEETS_PATH}",
        json={"text": "one"},
        headers={"Authorization": f"Bearer {access}"},
    )
    assert first.headers["x-rate-limit-limit"] == "2"
    assert first.headers["x-rate-limit-remaining"] == "1"
    provider_for("x").publish(access, Content(text="two"))
    with pytest.raises(RateLimited) as limited:
        provider_for("x").publish(access, Content(text="three"))
    assert int(limited.value.retry_at.timestamp()) == fake_x.rate_limit_reset


def test_x_metrics_are_public_metrics_and_change(fake_x):
    access, _ = fake_x.issue_tokens()
    x = provider_for("x")
    tweet_id = x.publish(access, Content(text="Counted")).external_id
    fake_x.posts[0]["created_at"] -= 3600  # an hour old

    metrics = x.fetch_metrics(access, [tweet_id, "1799999999999999999"])

    assert set(metrics) == {tweet_id}  # the unknown id is simply absent
    assert set(metrics[tweet_id]) == set(x.metric_names)
    assert metrics[tweet_id]["impressions"] > 0
    fake_x.posts[0]["created_at"] -= 3600
    assert (
        x.fetch_metrics(access, [tweet_id])[tweet_id]["impressions"]
        > (metrics[tweet_id]["impressions"])
    )
    assert fake_x.calls(TWEETS_PATH)[-1].query["tweet.fields"] == "public_metrics"


def test_x_metrics_in_an_unexpected_form_are_tried_again_not_read_as_deleted(fake_x):
    access, _ = fake_x.issue_tokens()
    x = provider_for("x")
    tweet_id = x.publish(access, Content(text="Counted")).external_id
    fake_x.fail(TWEETS_PATH, "garbled")
    with pytest.raises(TemporaryFailure, match="unexpected form"):
        x.fetch_metrics(access, [tweet_id])


# Pinterest -------------------------------------------------------------------------------------


def test_pinterest_asks_for_the_scopes_creating_a_pin_needs(fake_pinterest):
    _, tokens = connect("pinterest")
    assert set(tokens.scopes.split(",")) >= {
        "boards:read",
        "boards:write",
        "pins:read",
        "pins:write",
    }
    pin = Content(
        text="A pin",
        board_id="549755885175",
        media=[Media(url="https://sosoon.test/a.jpg", path="", content_type="image/jpeg")],
    )
    assert provider_for("pinterest").publish(tokens.access_token, pin).external_id

    # The old scopes (boards:read, pins:write, user_accounts:read) cannot create one.
    old, _ = fake_pinterest.issue_tokens({"boards:read", "pins:write", "user_accounts:read"})
    with pytest.raises(Rejected, match="boards:write"):
        provider_for("pinterest").publish(old, pin)


def test_pinterest_sends_no_pkce(fake_pinterest):
    authorisation, _ = connect("pinterest")
    assert "code_challenge" not in authorisation.url
    assert "code_verifier" not in fake_pinterest.calls(PINTEREST_TOKEN)[0].form()

    refused = httpx.get(f"{authorisation.url}&code_challenge=abc&code_challenge_method=S256")
    assert refused.status_code == 400


def test_pinterest_refresh_is_continuous(fake_pinterest):
    _, tokens = connect("pinterest")
    renewed = provider_for("pinterest").refresh(tokens.refresh_token)
    assert renewed.refresh_token and renewed.refresh_token != tokens.refresh_token
    assert fake_pinterest.calls(PINTEREST_TOKEN)[-1].form()["continuous_refresh"] == "true"

    legacy = httpx.post(
        f"{fake_pinterest.url}{PINTEREST_TOKEN}",
        auth=(fake_pinterest.client_id, fake_pinterest.client_secret),
        data={"grant_type": "refresh_token", "refresh_token": renewed.refresh_token},
    )
    assert legacy.status_code == 400
    assert "continuous_refresh" in legacy.json()["message"]


def test_pinterest_errors_show_pinterests_message(fake_pinterest):
    access, _ = fake_pinterest.issue_tokens()
    pin = Content(
        text="A pin",
        board_id="not-a-board",
        media=[Media(url="https://sosoon.test/a.jpg", path="", content_type="image/jpeg")],
    )
    with pytest.raises(Rejected, match="Board not found"):
        provider_for("pinterest").publish(access, pin)


def test_pinterest_metrics_are_pin_analytics(fake_pinterest):
    access, _ = fake_pinterest.issue_tokens()
    pinterest = provider_for("pinterest")
    pin_id = pinterest.publish(
        access,
        Content(
            text="A pin",
            board_id="549755885175",
            media=[Media(url="https://sosoon.test/a.jpg", path="", content_type="image/jpeg")],
        ),
    ).external_id
    fake_pinterest.posts[0]["created_at"] -= 7200

    metrics = pinterest.fetch_metrics(access, [pin_id, "1"])

    assert set(metrics) == {pin_id}
    assert metrics[pin_id]["impressions"] > metrics[pin_id]["saves"] >= 0
    request = fake_pinterest.calls(f"/v5/pins/{pin_id}/analytics")[0]
    assert set(request.query["metric_types"].split(",")) >= {"IMPRESSION", "SAVE"}

    fake_pinterest.fail(f"/v5/pins/{pin_id}/analytics", "429")
    with pytest.raises(RateLimited):
        pinterest.fetch_metrics(access, [pin_id])


def test_pinterest_analytics_without_figures_are_no_reading(fake_pinterest):
    access, _ = fake_pinterest.issue_tokens()
    pinterest = provider_for("pinterest")
    pin_id = pinterest.publish(
        access,
        Content(
            text="A pin",
            board_id="549755885175",
            media=[Media(url="https://sosoon.test/a.jpg", path="", content_type="image/jpeg")],
        ),
    ).external_id
    fake_pinterest.fail(f"/v5/pins/{pin_id}/analytics", "garbled")
    assert pinterest.fetch_metrics(access, [pin_id]) == {}


def test_pinterest_rate_limit_headers(fake_pinterest):
    access, _ = fake_pinterest.issue_tokens()
    # A window longer than the client's 60 s fallback, so only reading the answer's
    # Retry-After can put the retry this far out.
    fake_pinterest.limits = {**fake_pinterest.limits, "pin": (1, 300)}
    pin = Content(
        text="A pin",
        board_id="549755885175",
        media=[Media(url="https://sosoon.test/a.jpg", path="", content_type="image/jpeg")],
    )
    provider_for("pinterest").publish(access, pin)
    assert fake_pinterest.calls(PINS_PATH)
    with pytest.raises(RateLimited) as limited:
        provider_for("pinterest").publish(access, pin)
    assert limited.value.retry_at > timezone.now() + timedelta(seconds=200)


# TikTok ----------------------------------------------------------------------------------------


def photo(url="https://sosoon.test/a.jpg", content_type="image/jpeg", jpeg_url=""):
    return Media(url=url, path="", content_type=content_type, jpeg_url=jpeg_url)


def test_tiktok_counts_utf16_units(fake_tiktok):
    tiktok = provider_for("tiktok")
    emoji_title = "🍷" * 46  # 46 code points, 92 UTF-16 units
    content = Content(text="", title=emoji_title, privacy_level="SELF_ONLY", media=[photo()])
    assert "92" in tiktok.validate(content)["title"]
    assert "text" in tiktok.validate(
        Content(text="🍷" * 2001, privacy_level="SELF_ONLY", media=[photo()])
    )

    access, _ = fake_tiktok.issue_tokens()
    with pytest.raises(Rejected, match="90 UTF-16"):
        tiktok.publish(access, content)


def test_tiktok_sends_no_code_verifier(fake_tiktok):
    authorisation, tokens = connect("tiktok")
    assert "code_challenge" not in authorisation.url
    assert tokens.access_token
    assert "code_verifier" not in fake_tiktok.calls(TIKTOK_TOKEN)[0].form()


def test_tiktok_comments_follow_creator_info_and_the_owners_choice(fake_tiktok):
    access, _ = fake_tiktok.issue_tokens()
    tiktok = provider_for("tiktok")
    base = {"text": "Hi", "privacy_level": "SELF_ONLY", "media": [photo()]}

    tiktok.publish(access, Content(**base, allow_comments=True, auto_add_music=True))
    sent = fake_tiktok.calls(INIT_PATH)[-1].json()["post_info"]
    assert (sent["disable_comment"], sent["auto_add_music"]) == (False, True)

    tiktok.publish(access, Content(**base))
    sent = fake_tiktok.calls(INIT_PATH)[-1].json()["post_info"]
    assert (sent["disable_comment"], sent["auto_add_music"]) == (True, False)

    fake_tiktok.comment_disabled = True
    assert isinstance(tiktok.publish(access, Content(**base, allow_comments=True)), Pending)
    assert fake_tiktok.calls(INIT_PATH)[-1].json()["post_info"]["disable_comment"] is True

    # What the old client sent (comments on, whatever the creator said) is refused.
    refused = httpx.post(
        f"{fake_tiktok.url}{INIT_PATH}",
        headers={"Authorization": f"Bearer {access}"},
        json={
            "post_info": {"privacy_level": "SELF_ONLY", "disable_comment": False},
            "source_info": {"source": "PULL_FROM_URL", "photo_images": [photo().url]},
            "post_mode": "DIRECT_POST",
            "media_type": "PHOTO",
        },
    )
    assert refused.json()["error"]["code"] == "invalid_params"


@pytest.mark.parametrize("reason", ["internal", "photo_pull_failed"])
def test_tiktok_passing_failures_are_published_again(
    reason, tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    fake_tiktok.fail_next_publish(reason)
    crosspost = crosspost_factory(tiktok_account, privacy_level="SELF_ONLY")

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.PUBLISHED
    assert len(fake_tiktok.calls(INIT_PATH)) == 2
    assert len(fake_tiktok.posts) == 1


def test_tiktok_status_reports_a_passing_failure_as_try_again(fake_tiktok):
    access, _ = fake_tiktok.issue_tokens()
    tiktok = provider_for("tiktok")
    fake_tiktok.fail_next_publish("internal")
    pending = tiktok.publish(access, Content(text="Hi", privacy_level="SELF_ONLY", media=[photo()]))
    assert isinstance(tiktok.fetch_status(access, pending.publish_id), Pending)
    with pytest.raises(FailedTryAgain):
        tiktok.fetch_status(access, pending.publish_id)


def test_tiktok_lasting_failures_are_final(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    fake_tiktok.fail_next_publish("spam_risk_text")
    crosspost = crosspost_factory(tiktok_account, privacy_level="SELF_ONLY")

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.FAILED
    assert "spam" in crosspost.reason
    assert len(fake_tiktok.calls(INIT_PATH)) == 1


def test_tiktok_gets_a_png_as_jpeg(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok, public_post, client
):
    from feeds.crossposting.photos import as_jpeg

    png = image_bytes("PNG")
    image = PostImage.objects.create(post=public_post, file=ContentFile(png, name="label.png"))
    url = f"https://sosoon.test{image.get_absolute_url()}"
    jpeg_path = f"/crossposting/photos/{public_post.pk}/{image.pk}.jpg"
    # What TikTok would fetch: the original PNG, and our JPEG rendition of it.
    fake_tiktok.hosted[url] = png
    fake_tiktok.hosted[f"https://sosoon.test{jpeg_path}"] = as_jpeg(png)
    crosspost = crosspost_factory(
        tiktok_account,
        privacy_level="SELF_ONLY",
        media=[{"image": image.pk, "url": url, "path": image.file.name, "type": "image/png"}],
    )

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.PUBLISHED
    sent = fake_tiktok.calls(INIT_PATH)[0].json()["source_info"]["photo_images"]
    assert sent == [f"https://sosoon.test{jpeg_path}"]
    rendition = client.get(jpeg_path)
    assert rendition["Content-Type"] == "image/jpeg"
    assert Image.open(BytesIO(rendition.getvalue())).format == "JPEG"


def test_tiktok_refuses_a_png_pulled_as_it_is(fake_tiktok):
    """What the old client sent: the PNG's own URL."""
    access, _ = fake_tiktok.issue_tokens()
    fake_tiktok.hosted["https://sosoon.test/label.png"] = image_bytes("PNG")
    pending = provider_for("tiktok").publish(
        access,
        Content(
            text="Hi",
            privacy_level="SELF_ONLY",
            media=[photo("https://sosoon.test/label.png", "image/jpeg")],
        ),
    )
    provider_for("tiktok").fetch_status(access, pending.publish_id)
    with pytest.raises(Rejected, match="JPEG"):
        provider_for("tiktok").fetch_status(access, pending.publish_id)


def test_tiktok_pulls_only_from_verified_domains(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    access, _ = fake_tiktok.issue_tokens()
    refused = httpx.post(
        f"{fake_tiktok.url}{INIT_PATH}",
        headers={"Authorization": f"Bearer {access}"},
        json={
            "post_info": {"privacy_level": "SELF_ONLY", "disable_comment": True},
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_images": ["https://sosoon.test/a.jpg", "https://elsewhere.example/b.jpg"],
            },
            "post_mode": "DIRECT_POST",
            "media_type": "PHOTO",
        },
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "url_ownership_unverified"
    assert "URL ownership verification" in refused.json()["error"]["message"]

    image = crosspost_factory(tiktok_account).media[0]["image"]
    crosspost = crosspost_factory(
        tiktok_account,
        privacy_level="SELF_ONLY",
        media=[
            {
                "image": image,
                "url": "https://elsewhere.example/p/1/images/1/",
                "path": "x.jpg",
                "type": "image/jpeg",
            }
        ],
    )
    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.FAILED
    assert "verified for Sosoon's TikTok app" in crosspost.reason
    assert not fake_tiktok.posts


def test_tiktok_takes_a_verified_url_prefix_and_nothing_beside_it(fake_tiktok):
    fake_tiktok.verified = {"https://cdn.sosoon.example/media/"}
    access, _ = fake_tiktok.issue_tokens()
    tiktok = provider_for("tiktok")
    under = photo("https://cdn.sosoon.example/media/a.jpg")
    beside = photo("https://cdn.sosoon.example/other/a.jpg")

    assert isinstance(
        tiktok.publish(access, Content(text="Hi", privacy_level="SELF_ONLY", media=[under])),
        Pending,
    )
    with pytest.raises(Rejected, match="developer portal"):
        tiktok.publish(access, Content(text="Hi", privacy_level="SELF_ONLY", media=[beside]))


def test_tiktok_refuses_a_photo_over_1080p_pulled_as_it_is(fake_tiktok):
    access, _ = fake_tiktok.issue_tokens()
    big = BytesIO()
    Image.new("RGB", (2400, 1600), "teal").save(big, "JPEG")
    fake_tiktok.hosted["https://sosoon.test/big.jpg"] = big.getvalue()
    tiktok = provider_for("tiktok")
    pending = tiktok.publish(
        access,
        Content(text="Hi", privacy_level="SELF_ONLY", media=[photo("https://sosoon.test/big.jpg")]),
    )
    tiktok.fetch_status(access, pending.publish_id)
    with pytest.raises(Rejected, match="image size"):
        tiktok.fetch_status(access, pending.publish_id)


def test_tiktok_gets_a_photo_over_1080p_as_a_jpeg_that_fits(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok, public_post, client
):
    from feeds.crossposting.photos import as_jpeg

    buffer = BytesIO()
    Image.new("RGB", (2400, 1600), "teal").save(buffer, "JPEG")
    big = buffer.getvalue()
    image = PostImage.objects.create(post=public_post, file=ContentFile(big, name="wide.jpg"))
    url = f"https://sosoon.test{image.get_absolute_url()}"
    jpeg_path = f"/crossposting/photos/{public_post.pk}/{image.pk}.jpg"
    fake_tiktok.hosted[url] = big
    fake_tiktok.hosted[f"https://sosoon.test{jpeg_path}"] = as_jpeg(big)
    crosspost = crosspost_factory(
        tiktok_account,
        privacy_level="SELF_ONLY",
        media=[{"image": image.pk, "url": url, "path": image.file.name, "type": "image/jpeg"}],
    )

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.PUBLISHED
    sent = fake_tiktok.calls(INIT_PATH)[0].json()["source_info"]["photo_images"]
    assert sent == [f"https://sosoon.test{jpeg_path}"]
    rendition = Image.open(BytesIO(client.get(jpeg_path).getvalue()))
    assert rendition.size == (1620, 1080)


def test_tiktok_validate_refuses_a_photo_it_cannot_be_offered(fake_tiktok):
    tiktok = provider_for("tiktok")
    base = {"text": "Hi", "privacy_level": "SELF_ONLY"}
    assert tiktok.validate(Content(**base, media=[photo()])) == {}
    assert (
        tiktok.validate(
            Content(
                **base, media=[photo(content_type="image/png", jpeg_url="https://sosoon.test/a")]
            )
        )
        == {}
    )
    refused = tiktok.validate(Content(**base, media=[photo(content_type="image/png")]))
    assert "1080p and 20 MB" in refused["media"]


def test_the_jpeg_rendition_follows_the_audience_policy(client, post_factory, community, owner):
    post = post_factory(audience="members", author=owner, body="Members only")
    image = PostImage.objects.create(
        post=post, file=ContentFile(image_bytes("PNG"), name="private.png")
    )
    assert client.get(f"/crossposting/photos/{post.pk}/{image.pk}.jpg").status_code == 404


def test_tiktok_reports_no_metrics_for_photo_posts(fake_tiktok):
    tiktok = provider_for("tiktok")
    assert tiktok.metric_names == ()
    assert tiktok.fetch_metrics("any-token", ["7300000000000000000"]) == {}


# Answers without the id the specification promises -------------------------------------------


@pytest.mark.parametrize("fault", ["no_id", "garbled"])
def test_x_post_answered_without_its_id_goes_to_review_once(
    fault, x_account, crosspost_factory, dispatch, fake_x
):
    """A 201 `{"data": {}}` or a 200 page that is not JSON: the post may be live, so the row
    asks a person to check instead of failing on a KeyError or being sent again."""
    fake_x.fail(TWEETS_PATH, fault)
    crosspost = crosspost_factory(x_account)

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.NEEDS_REVIEW
    assert "Check the account on X" in crosspost.reason
    assert len(fake_x.calls(TWEETS_PATH)) == 1


def test_x_upload_answered_without_a_media_id_fails_without_posting(
    x_account, crosspost_factory, dispatch, fake_x
):
    fake_x.fail(MEDIA_PATH, "no_id", times=10)
    crosspost = crosspost_factory(x_account)

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.FAILED
    assert "without the media id" in crosspost.reason
    assert "Retry later" in crosspost.reason
    assert not fake_x.calls(TWEETS_PATH)


def test_pinterest_pin_answered_without_its_id_goes_to_review(
    pinterest_account, crosspost_factory, dispatch, fake_pinterest
):
    fake_pinterest.fail(PINS_PATH, "no_id")
    crosspost = crosspost_factory(pinterest_account, board_id="549755885175")

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.NEEDS_REVIEW
    assert "without its pin id" in crosspost.reason
    assert len(fake_pinterest.calls(PINS_PATH)) == 1


@pytest.mark.parametrize("fault", ["no_id", "garbled"])
def test_tiktok_init_answered_without_a_publish_id_goes_to_review(
    fault, tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    fake_tiktok.fail(INIT_PATH, fault)
    crosspost = crosspost_factory(tiktok_account, privacy_level="SELF_ONLY")

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.NEEDS_REVIEW
    assert "Check the account on TikTok" in crosspost.reason
    assert len(fake_tiktok.calls(INIT_PATH)) == 1


def test_tiktok_status_read_in_an_unknown_form_keeps_polling(
    tiktok_account, crosspost_factory, dispatch, fake_tiktok
):
    """A garbled status answer says nothing about the post: it is asked again, not failed."""
    fake_tiktok.fail(STATUS_PATH, "garbled")
    crosspost = crosspost_factory(tiktok_account, privacy_level="SELF_ONLY")

    crosspost = settle(crosspost, dispatch)

    assert crosspost.status == CrossPostStatus.PUBLISHED
    assert len(fake_tiktok.calls(INIT_PATH)) == 1
    assert len(fake_tiktok.calls(STATUS_PATH)) >= 2


@pytest.mark.parametrize("platform", ["x", "pinterest", "tiktok"])
def test_a_token_answer_without_a_token_is_not_read_as_a_refused_grant(platform, request, db):
    """A 200 that is not JSON on the token endpoint says nothing about the refresh token:
    the account is not sent to reconnect, and the same refresh token works next time."""
    from feeds.crossposting.models import AccountStatus
    from feeds.crossposting.sandbox.pinterest import TOKEN_PATH as PINTEREST_TOKEN_PATH
    from feeds.crossposting.sandbox.x import TOKEN_PATH as X_TOKEN_PATH
    from feeds.crossposting.services.accounts import refresh_account

    fake = request.getfixturevalue(f"fake_{platform}")
    account = request.getfixturevalue(f"{platform}_account")
    token_path = {"x": X_TOKEN_PATH, "pinterest": PINTEREST_TOKEN_PATH, "tiktok": TIKTOK_TOKEN}
    fake.fail(token_path[platform], "garbled")

    with pytest.raises(TemporaryFailure, match="without a token"):
        refresh_account(account.pk)
    account.refresh_from_db()
    assert account.status == AccountStatus.REFRESH_FAILING

    renewed = refresh_account(account.pk)
    assert renewed.status == AccountStatus.CONNECTED


def test_x_gif_status_in_an_unknown_form_is_tried_again_not_posted(fake_x):
    access, _ = fake_x.issue_tokens()
    fake_x.processing_seconds = 5
    fake_x.fail(MEDIA_PATH, "garbled")  # the first STATUS read
    gif = stored(image_bytes("GIF"), "odd.gif", "image/gif")

    with pytest.raises(TemporaryFailure, match="processing status"):
        provider_for("x").publish(access, Content(text="Odd", media=[gif]))
    assert not fake_x.calls(TWEETS_PATH)
