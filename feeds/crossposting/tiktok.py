"""TikTok Content Posting API: photo posts pulled from our URLs, published asynchronously.

Wire format (developers.tiktok.com):
- authorize `SOSOON_TIKTOK_AUTHORIZE_URL` (https://www.tiktok.com/v2/auth/authorize/) with
  client_key, scope (comma-separated), response_type=code, redirect_uri, state and a PKCE
  challenge;
- token `POST {SOSOON_TIKTOK_API_BASE}/v2/oauth/token/`, form body carrying client_key and
  client_secret; answers {"open_id", "access_token", "expires_in", "refresh_token",
  "refresh_expires_in", "scope", "token_type"} or {"error", "error_description", "log_id"};
  refresh tokens rotate, and the lifetimes come from expires_in / refresh_expires_in;
- every other endpoint answers {"data": {...}, "error": {"code", "message", "log_id"}},
  code "ok" on success;
- `POST /v2/post/publish/creator_info/query/` -> data.creator_username and
  data.privacy_level_options (the levels the user may pick from; we never choose for them);
- `POST /v2/post/publish/content/init/` with media_type PHOTO, post_mode DIRECT_POST,
  source_info {source: PULL_FROM_URL, photo_images, photo_cover_index} -> data.publish_id;
- `POST /v2/post/publish/status/fetch/` {"publish_id"} -> data.status (PROCESSING_DOWNLOAD,
  PUBLISH_COMPLETE, FAILED...), data.fail_reason, data.publicaly_available_post_id (sic).
"""

import httpx
from django.conf import settings

from feeds.crossposting import calls
from feeds.crossposting.base import (
    AuthorisationLost,
    Content,
    Pending,
    Profile,
    Provider,
    Published,
    RateLimited,
    Rejected,
    TokenRejected,
    Tokens,
)

SCOPES = "user.info.basic,video.publish"
LABEL = "TikTok"
MAX_TITLE = 90
MAX_DESCRIPTION = 4000
MAX_PHOTOS = 35

# Plain-language reasons for the codes a person can do something about.
REASONS = {
    "spam_risk_too_many_posts": "TikTok says this account has posted too much today; "
    "reschedule for tomorrow.",
    "spam_risk_user_banned_from_posting": "TikTok has banned this account from posting; check "
    "the account in the TikTok app.",
    "spam_risk_text": "TikTok flagged the text as spam; rewrite it and reschedule.",
    "spam_risk_too_many_pending_share": "TikTok has too many unfinished posts from this account; "
    "finish or remove them in the app, then retry.",
    "spam_risk": "TikTok flagged this post as spam risk; change it and reschedule.",
    "privacy_level_option_mismatch": "The privacy level chosen is not one this TikTok account "
    "offers now; choose one of the account's current options and reschedule.",
    "url_ownership_unverified": "TikTok will not fetch images from this site until its domain is "
    "verified in the TikTok developer portal.",
    "unaudited_client_can_only_post_to_private_accounts": "Sosoon's TikTok app is not audited "
    "yet, so it may only post to private accounts with the 'only me' privacy level.",
    "reached_active_user_cap": "Sosoon's TikTok app has reached its daily user cap; retry "
    "tomorrow.",
    "picture_size_check_failed": "TikTok refused the image size; use a different image.",
    "file_format_check_failed": "TikTok refused the image format (it takes JPEG and WebP, not "
    "PNG); use a different image.",
}


class TikTokProvider(Provider):
    platform = "tiktok"
    label = LABEL
    scopes = SCOPES
    max_images = MAX_PHOTOS

    def _api(self, path: str) -> str:
        return f"{settings.SOSOON_TIKTOK_API_BASE.rstrip('/')}{path}"

    def authorize_endpoint(self) -> tuple[str, dict[str, str]]:
        return settings.SOSOON_TIKTOK_AUTHORIZE_URL, {
            "client_key": settings.SOSOON_TIKTOK_CLIENT_KEY
        }

    def request_tokens(self, form: dict[str, str]) -> Tokens:
        response = calls.send(
            "POST",
            self._api("/v2/oauth/token/"),
            label=LABEL,
            data={
                "client_key": settings.SOSOON_TIKTOK_CLIENT_KEY,
                "client_secret": settings.SOSOON_TIKTOK_CLIENT_SECRET,
                **form,
            },
        )
        if response.status_code == 429:
            raise RateLimited(
                "TikTok is limiting sign-ins right now.", retry_at=calls.retry_after(response)
            )
        payload = calls.json_body(response)
        if response.status_code != 200 or "access_token" not in payload:
            detail = payload.get("error_description") or payload.get("error") or "no reason given"
            raise AuthorisationLost(f"TikTok refused the authorisation ({detail}); reconnect.")
        return Tokens.from_response(payload, subject_key="open_id")

    def creator_info(self, access_token: str) -> dict:
        """The creator's username and current privacy_level_options."""
        response = calls.send(
            "POST",
            self._api("/v2/post/publish/creator_info/query/"),
            label=LABEL,
            headers=_headers(access_token),
        )
        return _data(response)

    def profile(self, access_token: str) -> Profile:
        info = self.creator_info(access_token)
        return Profile(external_id="", handle=info.get("creator_username", ""))

    def validate(self, content: Content) -> dict[str, str]:
        errors = {}
        if not content.media:
            errors["media"] = "A TikTok photo post needs at least one image."
        elif len(content.media) > MAX_PHOTOS:
            errors["media"] = f"TikTok takes at most {MAX_PHOTOS} photos."
        if not content.privacy_level:
            errors["privacy_level"] = "Choose who can see it on TikTok."
        if len(content.title) > MAX_TITLE:
            errors["title"] = f"At most {MAX_TITLE} characters ({len(content.title)} now)."
        if len(content.text) > MAX_DESCRIPTION:
            errors["text"] = f"At most {MAX_DESCRIPTION:,} characters ({len(content.text):,} now)."
        return errors

    def publish(self, access_token: str, content: Content) -> Pending:
        body = {
            "post_info": {
                "title": content.title,
                "description": content.text,
                "privacy_level": content.privacy_level,
                "disable_comment": False,
                "auto_add_music": True,
            },
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": 0,
                "photo_images": [media.url for media in content.media],
            },
            "post_mode": "DIRECT_POST",
            "media_type": "PHOTO",
        }
        response = calls.send(
            "POST",
            self._api("/v2/post/publish/content/init/"),
            label=LABEL,
            creates=True,
            json=body,
            headers=_headers(access_token),
        )
        return Pending(publish_id=_data(response)["publish_id"])

    def fetch_status(self, access_token: str, publish_id: str) -> Published | Pending:
        response = calls.send(
            "POST",
            self._api("/v2/post/publish/status/fetch/"),
            label=LABEL,
            json={"publish_id": publish_id},
            headers=_headers(access_token),
        )
        data = _data(response)
        status = data.get("status", "")
        if status == "PUBLISH_COMPLETE":
            post_ids = data.get("publicaly_available_post_id") or []
            return Published(external_id=str(post_ids[0]) if post_ids else "")
        if status == "FAILED":
            reason = data.get("fail_reason", "")
            raise Rejected(
                REASONS.get(reason) or f"TikTok could not publish it ({reason or 'no reason'})."
            )
        return Pending(publish_id=publish_id)

    def post_url(self, *, handle: str, external_id: str) -> str:
        if not external_id:
            return f"https://www.tiktok.com/@{handle}"
        return f"https://www.tiktok.com/@{handle}/photo/{external_id}"


def _headers(access_token: str) -> dict:
    return {
        "Authorization": f"Bearer {access_token}",
        "Content-Type": "application/json; charset=UTF-8",
    }


def _data(response: httpx.Response) -> dict:
    """The `data` object of a TikTok answer, or the publisher's error for its error code."""
    payload = calls.json_body(response)
    error = payload.get("error") or {}
    code = error.get("code", "")
    if response.is_success and code == "ok":
        return payload.get("data") or {}
    if response.status_code == 429 or code == "rate_limit_exceeded":
        raise RateLimited(
            "TikTok's rate limit is used up; Sosoon waits as TikTok asked.",
            retry_at=calls.retry_after(response),
        )
    if response.status_code == 401 or code == "access_token_invalid":
        raise TokenRejected("TikTok no longer accepts this account's access token.")
    if code in REASONS or code.startswith("spam_risk"):
        raise Rejected(REASONS.get(code, REASONS["spam_risk"]))
    message = error.get("message") or f"HTTP {response.status_code}"
    raise Rejected(f"TikTok refused the post: {message} ({code or 'no code'}).")
