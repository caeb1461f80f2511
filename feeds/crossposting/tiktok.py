"""TikTok Content Posting API: photo posts pulled from our URLs, published asynchronously.

Wire format (developers.tiktok.com):
- authorize `SOSOON_TIKTOK_AUTHORIZE_URL` (https://www.tiktok.com/v2/auth/authorize/) with
  client_key, scope (comma-separated), response_type=code, redirect_uri, state; no PKCE,
  which TikTok's Login Kit prescribes for mobile and desktop apps only (a web app proves
  itself with its client_secret);
- token `POST {SOSOON_TIKTOK_API_BASE}/v2/oauth/token/`, form body carrying client_key and
  client_secret; answers {"open_id", "access_token", "expires_in", "refresh_token",
  "refresh_expires_in", "scope", "token_type"} or {"error", "error_description", "log_id"};
  refresh tokens rotate, and the lifetimes come from expires_in / refresh_expires_in;
- every other endpoint answers {"data": {...}, "error": {"code", "message", "log_id"}},
  code "ok" on success;
- `POST /v2/post/publish/creator_info/query/` -> data.creator_username,
  data.privacy_level_options (the levels the user may pick from; we never choose for them)
  and data.comment_disabled (the creator turned comments off: a post may not turn them on);
  asked again just before each publish, as TikTok's guidelines require;
- `POST /v2/post/publish/content/init/` with media_type PHOTO, post_mode DIRECT_POST,
  post_info {title (90 UTF-16 units), description (4,000 UTF-16 units), privacy_level,
  disable_comment, auto_add_music}, source_info {source: PULL_FROM_URL, photo_images,
  photo_cover_index} -> data.publish_id. TikTok pulls JPEG and WebP only, of at most 1080p
  and 20 MB each (Media Transfer Guide, "Image restrictions"), so any other image is offered
  as its JPEG rendition (Media.jpeg_url, scaled to fit 1080p by photos.py). It pulls only
  from URLs whose domain or URL prefix the app has verified in the developer portal (Media
  Transfer Guide, "Pull from URL"; "Set Up Development Configuration", "Verify URL
  ownership"); any other is refused at init with 403 `url_ownership_unverified` (the
  operator's step is in docs/deploy.md, "Cross-posting");
- `POST /v2/post/publish/status/fetch/` {"publish_id"} -> data.status (PROCESSING_DOWNLOAD,
  PUBLISH_COMPLETE, FAILED...), data.fail_reason, data.publicaly_available_post_id (sic).
  A FAILED publish put nothing online; for the passing reasons (RETRYABLE_FAILURES: TikTok's
  own `internal` error, a photo pull that did not get through) it is published again later,
  for the others the owner is told what to change.

Metrics: the Content Posting API reports none, and the Display API's video/query (scope
video.list) documents counts for videos only, so for photo posts fetch_metrics reports none
(`metric_names` is empty and the caller says "not available").
"""

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from feeds.crossposting import calls, photos
from feeds.crossposting.base import (
    AuthorisationLost,
    Content,
    FailedTryAgain,
    OutcomeUnknown,
    Pending,
    Profile,
    Provider,
    Published,
    RateLimited,
    Rejected,
    TemporaryFailure,
    TokenRejected,
    Tokens,
)
from sosoon_site.languages import ReadersWords

SCOPES = "user.info.basic,video.publish"
LABEL = "TikTok"
MAX_TITLE = 90
MAX_DESCRIPTION = 4000
MAX_PHOTOS = 35
# What TikTok pulls for photo posts; anything else goes as its JPEG rendition.
PHOTO_TYPES = ("image/jpeg", "image/webp")
MAX_PHOTO_BYTES = 20 * 1024 * 1024
# fail_reason values after which publishing again may well work.
RETRYABLE_FAILURES = {
    "internal": gettext_noop(
        "TikTok had an internal error while publishing; Sosoon will publish it again."
    ),
    "photo_pull_failed": gettext_noop(
        "TikTok could not fetch the photos from this site; Sosoon will try again."
    ),
}

# Plain-language reasons for the codes a person can do something about.
REASONS = {
    "spam_risk_too_many_posts": gettext_noop(
        "TikTok says this account has posted too much today; reschedule for tomorrow."
    ),
    "spam_risk_user_banned_from_posting": gettext_noop(
        "TikTok has banned this account from posting; check the account in the TikTok app."
    ),
    "spam_risk_text": gettext_noop("TikTok flagged the text as spam; rewrite it and reschedule."),
    "spam_risk_too_many_pending_share": gettext_noop(
        "TikTok has too many unfinished posts from this account; "
        "finish or remove them in the app, then retry."
    ),
    "spam_risk": gettext_noop("TikTok flagged this post as spam risk; change it and reschedule."),
    "privacy_level_option_mismatch": gettext_noop(
        "The privacy level chosen is not one this TikTok account "
        "offers now; choose one of the account's current options and reschedule."
    ),
    "url_ownership_unverified": gettext_noop(
        "TikTok will not fetch images from this site until its domain "
        "(or a URL prefix covering its images) is verified for Sosoon's TikTok app in the TikTok "
        "developer portal. Ask the site's operator to verify it (docs/deploy.md, Cross-posting), "
        "then retry."
    ),
    "unaudited_client_can_only_post_to_private_accounts": gettext_noop(
        "Sosoon's TikTok app is not audited "
        "yet, so it may only post to private accounts with the 'only me' privacy level."
    ),
    "reached_active_user_cap": gettext_noop(
        "Sosoon's TikTok app has reached its daily user cap; retry tomorrow."
    ),
    "picture_size_check_failed": gettext_noop(
        "TikTok refused the image size; use a different image."
    ),
    "file_format_check_failed": gettext_noop(
        "TikTok refused the image format (it takes JPEG and WebP, not PNG); use a different image."
    ),
}


class TikTokProvider(Provider):
    platform = "tiktok"
    label = LABEL
    scopes = SCOPES
    max_images = MAX_PHOTOS
    uses_pkce = False

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
                gettext_noop("TikTok is limiting sign-ins right now."),
                retry_at=calls.retry_after(response),
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
            detail = payload.get("error_description") or payload.get("error")
            raise AuthorisationLost(
                ReadersWords(
                    gettext_noop("TikTok refused the authorisation (%(detail)s); reconnect."),
                    {"detail": detail or ReadersWords(gettext_noop("no reason given"))},
                )
            )
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
            errors["media"] = _("A TikTok photo post needs at least one image.")
        elif len(content.media) > MAX_PHOTOS:
            errors["media"] = _("TikTok takes at most %(count)s photos.") % {"count": MAX_PHOTOS}
        elif any(not _pullable_url(media) for media in content.media):
            errors["media"] = _(
                "TikTok takes JPEG or WebP photos of at most 1080p and 20 MB; use a smaller JPEG."
            )
        if not content.privacy_level:
            errors["privacy_level"] = _("Choose who can see it on TikTok.")
        for name, value, limit in (
            ("title", content.title, MAX_TITLE),
            ("text", content.text, MAX_DESCRIPTION),
        ):
            if utf16_length(value) > limit:
                errors[name] = _(
                    "TikTok counts this as %(length)s characters; the limit is %(limit)s (emoji"
                    " and some other symbols count 2)."
                ) % {"length": f"{utf16_length(value):,}", "limit": f"{limit:,}"}
        return errors

    def publish(self, access_token: str, content: Content) -> Pending:
        info = self.creator_info(access_token)
        if content.privacy_level not in info.get("privacy_level_options", []):
            raise Rejected(REASONS["privacy_level_option_mismatch"])
        body = {
            "post_info": {
                "title": content.title,
                "description": content.text,
                "privacy_level": content.privacy_level,
                # Comments only where the owner allowed them and the creator has not turned
                # them off; music only if the owner asked for it.
                "disable_comment": bool(info.get("comment_disabled")) or not content.allow_comments,
                "auto_add_music": content.auto_add_music,
            },
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": 0,
                "photo_images": [_pullable_url(media) for media in content.media],
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
        _data(response, creates=True)
        return Pending(
            publish_id=calls.answered_id(
                response,
                "data",
                "publish_id",
                label=LABEL,
                what=gettext_noop("publish id"),
                creates=True,
            )
        )

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
            if reason in RETRYABLE_FAILURES:
                raise FailedTryAgain(RETRYABLE_FAILURES[reason])
            raise Rejected(
                REASONS.get(reason)
                or ReadersWords(
                    gettext_noop("TikTok could not publish it (%(detail)s)."),
                    {"detail": reason or ReadersWords(gettext_noop("no reason"))},
                )
            )
        return Pending(publish_id=publish_id)

    def post_url(self, *, handle: str, external_id: str) -> str:
        web = settings.SOSOON_TIKTOK_WEB_BASE.rstrip("/")
        if not external_id:
            return f"{web}/@{handle}"
        return f"{web}/@{handle}/photo/{external_id}"


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit TikTok counts titles and descriptions in."""
    return len(text.encode("utf-16-le")) // 2


def _pullable_url(media) -> str:
    """A URL TikTok can pull: the image itself if it is within TikTok's limits as it is,
    else its JPEG rendition (within them by construction); "" when there is none."""
    known = media.width and media.height
    fits = not known or photos.fits_1080p(media.width, media.height)
    if media.content_type in PHOTO_TYPES and media.size <= MAX_PHOTO_BYTES and fits:
        return media.url
    return media.jpeg_url


def _headers(access_token: str) -> dict:
    return {
        "Authorization": f"Bearer {access_token}",
        "Content-Type": "application/json; charset=UTF-8",
    }


def _data(response: httpx.Response, *, creates: bool = False) -> dict:
    """The `data` object of a TikTok answer, or the publisher's error for its error code.
    A 2xx that is not TikTok's {"data", "error"} envelope at all (a proxy's page) says
    nothing about the post: see calls.answered_id for what it means for a create."""
    payload = calls.json_body(response)
    error = payload.get("error") if isinstance(payload.get("error"), dict) else {}
    code = error.get("code", "")
    if response.is_success and code == "ok":
        data = payload.get("data")
        return data if isinstance(data, dict) else {}
    if response.is_success and not code:
        if creates:
            raise OutcomeUnknown(
                ReadersWords(
                    gettext_noop(
                        "TikTok answered HTTP %(status)s to the post in a form it does not "
                        "document, so Sosoon cannot tell whether it was accepted. Check the "
                        "account on TikTok before retrying."
                    ),
                    {"status": response.status_code},
                )
            )
        raise TemporaryFailure(
            ReadersWords(
                gettext_noop(
                    "TikTok answered HTTP %(status)s in a form it does not document; "
                    "Sosoon will try again."
                ),
                {"status": response.status_code},
            )
        )
    if response.status_code == 429 or code == "rate_limit_exceeded":
        raise RateLimited(
            gettext_noop("TikTok's rate limit is used up; Sosoon waits as TikTok asked."),
            retry_at=calls.retry_after(response),
        )
    if response.status_code == 401 or code == "access_token_invalid":
        raise TokenRejected(gettext_noop("TikTok no longer accepts this account's access token."))
    if code in REASONS or code.startswith("spam_risk"):
        raise Rejected(REASONS.get(code, REASONS["spam_risk"]))
    message = error.get("message") or f"HTTP {response.status_code}"
    raise Rejected(
        ReadersWords(
            gettext_noop("TikTok refused the post: %(detail)s (%(code)s)."),
            {"detail": message, "code": code or ReadersWords(gettext_noop("no code"))},
        )
    )
