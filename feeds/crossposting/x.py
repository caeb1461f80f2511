"""X (formerly Twitter): OAuth 2.0 with PKCE as a confidential client, API v2.

Wire format (docs.x.com):
- authorize `SOSOON_X_AUTHORIZE_URL` (https://x.com/i/oauth2/authorize) with response_type,
  client_id, redirect_uri, scope (space-separated), state, code_challenge (S256);
- token `POST {SOSOON_X_API_BASE}/2/oauth2/token`, form body, HTTP Basic client auth; access
  tokens last about two hours and every refresh returns a new refresh token (single use);
- `GET /2/users/me` -> {"data": {"id", "username"}};
- a photo: `POST /2/media/upload` (the one-shot upload for images; multipart: media,
  media_category=tweet_image; the current spec has no media_type there) -> {"data": {"id"}};
- a GIF: the chunked upload, the only one that takes media_category=tweet_gif:
  `POST /2/media/upload/initialize` JSON {media_type: image/gif, total_bytes,
  media_category} -> {"data": {"id"}}; `POST /2/media/upload/{id}/append` (multipart: media,
  segment_index; segments of at most 5 MB); `POST /2/media/upload/{id}/finalize` ->
  {"data": {"id", "processing_info"?}}. A processing_info whose state is `pending` or
  `in_progress` means the id cannot go in a post yet: `GET /2/media/upload?command=STATUS
  &media_id=<id>` is asked again after `check_after_secs` until the state is `succeeded` (or
  `failed`, with an `error` {code, name, message}) ("GET media/upload (STATUS)": "You can not
  use the media_id to create Tweet or other entities before the state field is set to
  succeeded");
- size limits for uploads through the API: image 5 MB, GIF 15 MB (docs.x.com/x-api/media,
  "Media types & size restrictions"); validate() refuses larger ones before they are saved;
- a post carries up to 4 photos or 1 GIF, never both;
- `POST /2/tweets` JSON {"text", "media": {"media_ids": [...]}} -> 201 {"data": {"id"}};
- `GET /2/tweets?ids=<up to 100, comma-separated>&tweet.fields=public_metrics` -> {"data":
  [{"id", "text", "public_metrics": {"impression_count", "like_count", "retweet_count",
  "reply_count", "quote_count", "bookmark_count"}}], "errors": [...ids not found...]};
- errors are RFC 7807 problem objects ({"title", "detail", "type", "status"}), or, from the
  parts of the API still answering the v1.1 way, {"errors": [{"code", "message"}]} (a 403
  code 453 "You currently have access to a subset of X API V2 endpoints..."); either way the
  owner reads X's own message. Every answer carries x-rate-limit-limit / -remaining / -reset
  (epoch seconds), a 429 no Retry-After; a duplicate is a 403 whose detail says "You are not
  allowed to create a Tweet with duplicate content."
"""

import time

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from feeds.crossposting import calls
from feeds.crossposting.base import (
    AuthorisationLost,
    Content,
    Profile,
    Provider,
    Published,
    RateLimited,
    Readings,
    Rejected,
    TemporaryFailure,
    TokenRejected,
    Tokens,
)
from feeds.crossposting.tweet_length import MAX_WEIGHTED_LENGTH, measure
from sosoon_site.languages import ReadersWords

SCOPES = "tweet.read tweet.write users.read media.write offline.access"
LABEL = "X"


def _no_reason() -> ReadersWords:
    """What a refusal says when the network gives no reason of its own. Made when needed:
    the sandbox networks import this module before Django is set up, and gettext_noop asks
    the settings."""
    return ReadersWords(gettext_noop("no reason given"))


GIF = "image/gif"
# Upload size limits (docs.x.com, "Media upload endpoints in X API v2": image 5 MB, GIF 15 MB).
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_GIF_BYTES = 15 * 1024 * 1024
# An append segment is at most 5 MB (the chunked upload's APPEND); 4 MB leaves room.
SEGMENT_BYTES = 4 * 1024 * 1024
# How long one publish waits, in all, for X to finish processing a GIF: well inside q2's
# task timeout even after a batch's wait for its time (services/publishing.py).
PROCESSING_WAIT_SECONDS = 45
# public_metrics field -> our metric name (base.METRIC_NAMES).
PUBLIC_METRICS = {
    "impression_count": "impressions",
    "like_count": "likes",
    "retweet_count": "reposts",
    "reply_count": "replies",
    "quote_count": "quotes",
    "bookmark_count": "bookmarks",
}


class XProvider(Provider):
    platform = "x"
    label = LABEL
    scopes = SCOPES
    max_images = 4
    # An animated GIF goes alone: X takes 4 photos or 1 GIF per post.
    max_gifs = 1

    def _api(self, path: str) -> str:
        return f"{settings.SOSOON_X_API_BASE.rstrip('/')}{path}"

    def _client_auth(self) -> tuple[str, str]:
        return (settings.SOSOON_X_CLIENT_ID, settings.SOSOON_X_CLIENT_SECRET)

    def authorize_endpoint(self) -> tuple[str, dict[str, str]]:
        return settings.SOSOON_X_AUTHORIZE_URL, {"client_id": settings.SOSOON_X_CLIENT_ID}

    def request_tokens(self, form: dict[str, str]) -> Tokens:
        response = calls.send(
            "POST",
            self._api("/2/oauth2/token"),
            label=LABEL,
            data={**form, "client_id": settings.SOSOON_X_CLIENT_ID},
            auth=self._client_auth(),
        )
        if response.status_code == 429:
            raise RateLimited(
                gettext_noop("X is limiting sign-ins right now."),
                retry_at=calls.epoch_reset(response, "x-rate-limit-reset"),
            )
        payload = calls.json_body(response)
        if response.is_success and "access_token" not in payload:
            # No token, and no refusal either: nothing says the grant is dead.
            raise TemporaryFailure(
                ReadersWords(
                    gettext_noop(
                        "%(network)s answered the token request (HTTP %(status)s) without a "
                        "token; Sosoon will try again."
                    ),
                    {"network": LABEL, "status": response.status_code},
                )
            )
        if response.status_code != 200 or "access_token" not in payload:
            detail = payload.get("error_description") or payload.get("error") or _no_reason()
            raise AuthorisationLost(
                ReadersWords(
                    gettext_noop(
                        "X refused the authorisation (%(detail)s); reconnect the account."
                    ),
                    {"detail": detail},
                )
            )
        return Tokens.from_response(payload)

    def profile(self, access_token: str) -> Profile:
        response = calls.send(
            "GET", self._api("/2/users/me"), label=LABEL, headers=_bearer(access_token)
        )
        _raise_for_problem(response)
        data = calls.json_body(response).get("data", {})
        return Profile(external_id=str(data.get("id", "")), handle=data.get("username", ""))

    def validate(self, content: Content) -> dict[str, str]:
        errors = {}
        measured = measure(content.text)
        if not content.text.strip() and not content.media:
            errors["text"] = _("Write something or attach an image.")
        elif measured.has_invalid_characters:
            errors["text"] = _(
                "The text holds characters X does not accept (such as U+FEFF, U+FFFE or "
                "directional overrides pasted from another app); remove them."
            )
        elif measured.weighted_length > MAX_WEIGHTED_LENGTH:
            errors["text"] = _(
                "X counts this as %(length)s characters; the limit is %(limit)s (links count 23,"
                " emoji and most non-Latin characters count 2)."
            ) % {"length": measured.weighted_length, "limit": MAX_WEIGHTED_LENGTH}
        gifs = sum(1 for media in content.media if media.content_type == GIF)
        if gifs and len(content.media) > self.max_gifs:
            errors["media"] = _("X takes one animated GIF on its own, or up to 4 photos.")
        elif len(content.media) > self.max_images:
            errors["media"] = _("X takes at most %(count)s images.") % {"count": self.max_images}
        elif too_large := [media for media in content.media if media.size > _size_limit(media)]:
            media = too_large[0]
            if media.content_type == GIF:
                too_big = _(
                    "X takes GIFs of at most %(limit)s MB; this one is %(size)s MB. "
                    "Use a smaller image."
                )
            else:
                too_big = _(
                    "X takes images of at most %(limit)s MB; this one is %(size)s MB. "
                    "Use a smaller image."
                )
            errors["media"] = too_big % {
                "limit": _size_limit(media) // 2**20,
                "size": f"{media.size / 2**20:.1f}",
            }
        return errors

    def publish(self, access_token: str, content: Content) -> Published:
        media_ids = [self._upload(access_token, media) for media in content.media]
        body: dict = {"text": content.text}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        response = calls.send(
            "POST",
            self._api("/2/tweets"),
            label=LABEL,
            creates=True,
            json=body,
            headers=_bearer(access_token),
        )
        _raise_for_problem(response)
        return Published(
            external_id=calls.answered_id(
                response, "data", "id", label=LABEL, what=gettext_noop("post id"), creates=True
            )
        )

    def _upload(self, access_token: str, media) -> str:
        if media.content_type == GIF:
            return self._upload_gif(access_token, media.read())
        response = calls.send(
            "POST",
            self._api("/2/media/upload"),
            label=LABEL,
            headers=_bearer(access_token),
            data={"media_category": "tweet_image"},
            files={"media": ("image", media.read(), media.content_type)},
        )
        _raise_for_problem(response)
        return calls.answered_id(response, "data", "id", label=LABEL, what=gettext_noop("media id"))

    def _upload_gif(self, access_token: str, data: bytes) -> str:
        """Initialize, append in segments, finalize, then wait for X to process the GIF."""
        response = calls.send(
            "POST",
            self._api("/2/media/upload/initialize"),
            label=LABEL,
            headers=_bearer(access_token),
            json={"media_type": GIF, "total_bytes": len(data), "media_category": "tweet_gif"},
        )
        _raise_for_problem(response)
        media_id = calls.answered_id(
            response, "data", "id", label=LABEL, what=gettext_noop("media id")
        )
        for index, start in enumerate(range(0, len(data), SEGMENT_BYTES)):
            response = calls.send(
                "POST",
                self._api(f"/2/media/upload/{media_id}/append"),
                label=LABEL,
                headers=_bearer(access_token),
                data={"segment_index": str(index)},
                files={"media": ("image.gif", data[start : start + SEGMENT_BYTES], GIF)},
            )
            _raise_for_problem(response)
        response = calls.send(
            "POST",
            self._api(f"/2/media/upload/{media_id}/finalize"),
            label=LABEL,
            headers=_bearer(access_token),
        )
        _raise_for_problem(response)
        self._wait_for_processing(access_token, media_id, response)
        return media_id

    def _wait_for_processing(self, access_token: str, media_id: str, response) -> None:
        """Until X says the GIF `succeeded`: a media id still `pending` or `in_progress`
        cannot go in a post. X names in `check_after_secs` when to ask again (STATUS), and
        is asked no sooner; after PROCESSING_WAIT_SECONDS in all the publish is tried again
        later (it is a passing state, and nothing was posted)."""
        deadline = time.monotonic() + PROCESSING_WAIT_SECONDS
        while True:
            info = _processing_info(response)
            state = info.get("state")
            if state == "failed":
                error = info.get("error") if isinstance(info.get("error"), dict) else {}
                detail = error.get("message") or error.get("name") or _no_reason()
                raise Rejected(
                    ReadersWords(
                        gettext_noop(
                            "X could not process the GIF (%(detail)s); use a different image."
                        ),
                        {"detail": detail},
                    )
                )
            if state not in ("pending", "in_progress"):
                return  # succeeded, or no processing_info: ready to use
            wait = max(1, int(info.get("check_after_secs") or 1))
            if time.monotonic() + wait > deadline:
                raise TemporaryFailure(
                    gettext_noop("X is still processing the GIF; Sosoon will try again.")
                )
            time.sleep(wait)
            response = calls.send(
                "GET",
                self._api("/2/media/upload"),
                label=LABEL,
                headers=_bearer(access_token),
                params={"command": "STATUS", "media_id": media_id},
            )
            _raise_for_problem(response)
            if not _processing_info(response).get("state"):
                # STATUS always names the state; without it nothing says the GIF is ready.
                raise TemporaryFailure(
                    gettext_noop(
                        "X answered the GIF's processing status in a form it does not "
                        "document; Sosoon will try again."
                    )
                )

    def post_url(self, *, handle: str, external_id: str) -> str:
        return f"{settings.SOSOON_X_WEB_BASE.rstrip('/')}/{handle}/status/{external_id}"

    metric_names = tuple(PUBLIC_METRICS.values())
    metrics_batch_size = 100
    # GET /2/tweets: 900 requests per 15 minutes per user.
    metrics_rate_limit = (900, 15 * 60)

    def fetch_metrics(self, access_token: str, external_ids: list[str]) -> Readings:
        response = calls.send(
            "GET",
            self._api("/2/tweets"),
            label=LABEL,
            params={"ids": ",".join(external_ids), "tweet.fields": "public_metrics"},
            headers=_bearer(access_token),
        )
        _raise_for_problem(response)
        payload = calls.json_body(response)
        if "data" not in payload and "errors" not in payload:
            # Neither posts nor per-id errors: an answer X does not give; not "all deleted".
            raise TemporaryFailure(
                gettext_noop("X answered the metrics read in an unexpected form.")
            )
        readings = Readings(
            {
                str(tweet["id"]): {
                    name: int(tweet["public_metrics"].get(field, 0))
                    for field, name in PUBLIC_METRICS.items()
                }
                for tweet in payload.get("data") or []
                if isinstance(tweet, dict)
                and tweet.get("id")
                and isinstance(tweet.get("public_metrics"), dict)
            }
        )
        readings.quota = calls.quota(
            response, remaining="x-rate-limit-remaining", reset="x-rate-limit-reset"
        )
        return readings


def _size_limit(media) -> int:
    return MAX_GIF_BYTES if media.content_type == GIF else MAX_IMAGE_BYTES


def _processing_info(response: httpx.Response) -> dict:
    """A finalize or STATUS answer's processing_info ({} when there is none)."""
    data = calls.json_body(response).get("data")
    info = data.get("processing_info") if isinstance(data, dict) else None
    return info if isinstance(info, dict) else {}


def _bearer(access_token: str) -> dict:
    return {"Authorization": f"Bearer {access_token}"}


def error_message(payload: dict) -> str:
    """X's own words for a refusal: the messages of an `errors` list (the v1.1-style body, or
    the specifics inside an "Invalid Request" problem), else the problem's detail or title."""
    errors = payload.get("errors")
    messages = [
        str(error.get("message") or error.get("detail"))
        for error in (errors if isinstance(errors, list) else [])
        if isinstance(error, dict) and (error.get("message") or error.get("detail"))
    ]
    return " ".join(messages) or str(payload.get("detail") or payload.get("title") or "")


def _raise_for_problem(response: httpx.Response) -> None:
    """Turn X's non-2xx answers into the publisher's errors."""
    if response.is_success:
        return
    message = error_message(calls.json_body(response))
    detail = message or ReadersWords(gettext_noop("X gave no reason"))
    if response.status_code == 429:
        raise RateLimited(
            gettext_noop(
                "X's rate limit for this account is used up; Sosoon waits for it to reset."
            ),
            retry_at=calls.epoch_reset(response, "x-rate-limit-reset"),
        )
    if response.status_code == 401:
        raise TokenRejected(gettext_noop("X no longer accepts this account's access token."))
    if response.status_code == 403 and "duplicate content" in message.lower():
        raise Rejected(
            gettext_noop(
                "X refused it as a duplicate of a recent post from this account. "
                "Change the text, then reschedule."
            )
        )
    if response.status_code == 403:
        raise Rejected(
            ReadersWords(gettext_noop("X does not allow this post: %(detail)s"), {"detail": detail})
        )
    raise Rejected(
        ReadersWords(gettext_noop("X found the post invalid: %(detail)s"), {"detail": detail})
    )
