"""X (formerly Twitter): OAuth 2.0 with PKCE as a confidential client, API v2.

Wire format (docs.x.com):
- authorize `SOSOON_X_AUTHORIZE_URL` (https://x.com/i/oauth2/authorize) with response_type,
  client_id, redirect_uri, scope (space-separated), state, code_challenge (S256);
- token `POST {SOSOON_X_API_BASE}/2/oauth2/token`, form body, HTTP Basic client auth; access
  tokens last about two hours and every refresh returns a new refresh token (single use);
- `GET /2/users/me` -> {"data": {"id", "username"}};
- `POST /2/media/upload` (multipart: media, media_category=tweet_image) -> {"data": {"id"}};
- `POST /2/tweets` JSON {"text", "media": {"media_ids": [...]}} -> 201 {"data": {"id"}};
- errors are RFC 7807 problem objects ({"title", "detail", "type", "status"}); a 429 carries
  x-rate-limit-reset (epoch seconds) and no Retry-After; a duplicate is a 403 whose detail says
  "You are not allowed to create a Tweet with duplicate content."
"""

import httpx
from django.conf import settings

from feeds.crossposting import calls
from feeds.crossposting.base import (
    AuthorisationLost,
    Content,
    Profile,
    Provider,
    Published,
    RateLimited,
    Rejected,
    TokenRejected,
    Tokens,
)
from feeds.crossposting.tweet_length import MAX_WEIGHTED_LENGTH, weighted_length

SCOPES = "tweet.read tweet.write users.read media.write offline.access"
LABEL = "X"


class XProvider(Provider):
    platform = "x"
    label = LABEL
    scopes = SCOPES
    max_images = 4

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
                "X is limiting sign-ins right now.",
                retry_at=calls.epoch_reset(response, "x-rate-limit-reset"),
            )
        payload = calls.json_body(response)
        if response.status_code != 200 or "access_token" not in payload:
            detail = payload.get("error_description") or payload.get("error") or "no reason given"
            raise AuthorisationLost(
                f"X refused the authorisation ({detail}); reconnect the account."
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
        length = weighted_length(content.text)
        if not content.text.strip() and not content.media:
            errors["text"] = "Write something or attach an image."
        elif length > MAX_WEIGHTED_LENGTH:
            errors["text"] = (
                f"X counts this as {length} characters; the limit is {MAX_WEIGHTED_LENGTH} "
                "(links count 23, emoji and most non-Latin characters count 2)."
            )
        if len(content.media) > self.max_images:
            errors["media"] = f"X takes at most {self.max_images} images."
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
        return Published(external_id=str(calls.json_body(response)["data"]["id"]))

    def _upload(self, access_token: str, media) -> str:
        response = calls.send(
            "POST",
            self._api("/2/media/upload"),
            label=LABEL,
            headers=_bearer(access_token),
            data={"media_category": "tweet_image", "media_type": media.content_type},
            files={"media": ("image", media.read(), media.content_type)},
        )
        _raise_for_problem(response)
        return str(calls.json_body(response)["data"]["id"])

    def post_url(self, *, handle: str, external_id: str) -> str:
        return f"https://x.com/{handle}/status/{external_id}"


def _bearer(access_token: str) -> dict:
    return {"Authorization": f"Bearer {access_token}"}


def _raise_for_problem(response: httpx.Response) -> None:
    """Turn X's non-2xx answers into the publisher's errors."""
    if response.is_success:
        return
    problem = calls.json_body(response)
    detail = problem.get("detail") or problem.get("title") or f"HTTP {response.status_code}"
    if response.status_code == 429:
        raise RateLimited(
            "X's rate limit for this account is used up; Sosoon waits for it to reset.",
            retry_at=calls.epoch_reset(response, "x-rate-limit-reset"),
        )
    if response.status_code == 401:
        raise TokenRejected("X no longer accepts this account's access token.")
    if response.status_code == 403 and "duplicate content" in detail.lower():
        raise Rejected(
            "X refused it as a duplicate of a recent post from this account. "
            "Change the text, then reschedule."
        )
    if response.status_code == 403:
        raise Rejected(f"X does not allow this post: {detail}")
    raise Rejected(f"X found the post invalid: {detail}")
