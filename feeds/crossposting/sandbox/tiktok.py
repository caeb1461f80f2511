"""Sandbox TikTok: OAuth v2 token endpoint, the Content Posting API for photo posts, and the
account's public pages.

What it enforces, as TikTok's Content Posting docs state them: the video.publish scope,
no PKCE for a web app (a code_challenge or code_verifier is refused), title and description
limits in UTF-16 units (90 and 4,000), privacy levels and comment settings that follow
creator_info, photo posts pulled from URLs as JPEG or WebP only, of at most 1080p and 20 MB
(it pulls each photo when the post is initialised, as TikTok does; a larger one ends FAILED
with `picture_size_check_failed`), only from URLs on a domain or URL prefix the app has
verified (`verified`: any other is refused at init with TikTok's 403
`url_ownership_unverified`), per-user request windows, and a publish that ends FAILED with
TikTok's fail_reason values, retryable (`internal`, `photo_pull_failed`) or not. Every answer
is {"data": {...}, "error": {"code", "message", "log_id"}}. Sources are cited in
feeds/crossposting/tiktok.py.
"""

import html
import secrets
import time
from io import BytesIO
from urllib.parse import urlsplit

import httpx
from PIL import Image, UnidentifiedImageError

from feeds.crossposting.sandbox.server import Reply, Request, SandboxProvider
from feeds.crossposting.sandbox.x import linkify

AUTHORIZE_PATH = "/v2/auth/authorize/"
TOKEN_PATH = "/v2/oauth/token/"
CREATOR_INFO_PATH = "/v2/post/publish/creator_info/query/"
INIT_PATH = "/v2/post/publish/content/init/"
STATUS_PATH = "/v2/post/publish/status/fetch/"
OPTIONS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
MAX_TITLE = 90
MAX_DESCRIPTION = 4000
MAX_PHOTOS = 35
JPEG_MAGIC = b"\xff\xd8\xff"
PULL_TIMEOUT_SECONDS = 5
MAX_PHOTO_BYTES = 20 * 1024 * 1024
# 1080p either way round.
LONG_SIDE, SHORT_SIDE = 1920, 1080
UNVERIFIED_MESSAGE = (
    "Please review our URL ownership verification rules at "
    "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide#pull_from_url"
)


def answer(data: dict, code: str = "ok", message: str = "", status: int = 200) -> Reply:
    error = {"code": code, "message": message, "log_id": secrets.token_hex(10).upper()}
    return Reply(status, {"data": data, "error": error})


def invalid(message: str) -> Reply:
    return answer({}, "invalid_params", message, 400)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def is_pullable_photo(data: bytes) -> bool:
    """JPEG or WebP, judged by the bytes as TikTok does (not by a file name)."""
    return data.startswith(JPEG_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def within_size_limits(data: bytes) -> bool:
    """At most 20 MB and 1080p (the longer side 1920 px, the shorter 1080 px)."""
    if len(data) > MAX_PHOTO_BYTES:
        return False
    try:
        with Image.open(BytesIO(data)) as image:
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        return False
    return max(width, height) <= LONG_SIDE and min(width, height) <= SHORT_SIDE


def is_verified(url: str, verified: set[str]) -> bool:
    """Whether `url` lies under a verified URL prefix ("https://host/path/") or on a verified
    domain ("host", which covers its subdomains)."""
    host = (urlsplit(url).hostname or "").lower()
    for entry in verified:
        if "://" in entry:
            if url.startswith(entry):
                return True
        elif host == entry.lower() or host.endswith(f".{entry.lower()}"):
            return True
    return False


def download(url: str) -> bytes | None:
    """The photo at `url`, or None when it cannot be fetched."""
    try:
        response = httpx.get(url, timeout=PULL_TIMEOUT_SECONDS, follow_redirects=True)
    except httpx.HTTPError:
        return None
    return response.content if response.is_success else None


class SandboxTikTok(SandboxProvider):
    label = "TikTok"
    routes = {
        ("GET", AUTHORIZE_PATH): "authorize",
        ("POST", AUTHORIZE_PATH): "authorize",
        ("POST", TOKEN_PATH): "token",
        ("POST", CREATOR_INFO_PATH): "creator_info",
        ("POST", INIT_PATH): "init",
        ("POST", STATUS_PATH): "status",
        ("GET", "/"): "profile_page",
    }
    patterns = (
        ("GET", r"/@([A-Za-z0-9_.]+)/photo/(\d+)", "post_page"),
        ("GET", r"/@([A-Za-z0-9_.]+)", "handle_page"),
    )
    client_key = "client_key"
    scope_separator = ","
    all_scopes = frozenset(
        {
            "user.info.basic",
            "user.info.profile",
            "user.info.stats",
            "video.list",
            "video.publish",
            "video.upload",
        }
    )
    required_scopes = {
        "creator_info": {"video.publish"},
        "init": {"video.publish"},
        "status": {"video.publish"},
    }
    # A web app's authorize request carries no PKCE (TikTok uses it for mobile and desktop).
    unknown_authorize_parameters = frozenset({"code_challenge", "code_challenge_method"})
    # Per-user-token windows (requests per minute) from the Content Posting API reference.
    limits = {"creator_info": (20, 60), "init": (6, 60), "status": (30, 60)}
    access_prefix = "act."
    refresh_prefix = "rft."
    username = "wineclub"
    open_id = "_000Wine0pen1d"
    kept = (*SandboxProvider.kept, "progress", "reasons")

    def __init__(self, **options):
        super().__init__(**options)
        # publish_id -> statuses still to report, the last one repeating.
        self.progress: dict[str, list[str]] = {}
        self.reasons: dict[str, str] = {}
        self.steps = ["PROCESSING_DOWNLOAD", "PUBLISH_COMPLETE"]
        # fail_reason for every publish (""), and one-off ones for the next publishes.
        self.fail_reason = ""
        self.next_failures: list[str] = []
        self.comment_disabled = False
        # How photos are pulled; tests stand in for the internet with a dict lookup.
        self.fetch_photo = download
        # The domains ("sosoon.example") and URL prefixes ("https://cdn.example/media/") the
        # app has verified in the developer portal; photos are pulled from nowhere else.
        self.verified: set[str] = set()

    def fail_next_publish(self, reason: str, *, times: int = 1) -> None:
        """The next `times` publishes end FAILED with `reason` (a TikTok fail_reason)."""
        with self.lock:
            self.next_failures.extend([reason] * times)

    def token(self, request: Request) -> Reply:
        form = request.form()
        if (form.get("client_key"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return Reply(401, {"error": "invalid_client", "error_description": "Bad client"})
        invalid_grant = {
            "error": "invalid_grant",
            "error_description": "Authorization code or refresh token is expired or invalid.",
            "log_id": secrets.token_hex(10),
        }
        if form.get("grant_type") == "authorization_code":
            if "code_verifier" in form:
                return Reply(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "code_verifier is for mobile and desktop apps.",
                        "log_id": secrets.token_hex(10),
                    },
                )
            grant = self.redeem(form, pkce=False)
            if grant is None:
                return Reply(400, invalid_grant)
            scopes = self.requested_scopes(grant.scope)
        elif form.get("grant_type") == "refresh_token":
            scopes = self.spend_refresh_token(form.get("refresh_token", ""))
            if scopes is None:
                return Reply(400, invalid_grant)
        else:
            return Reply(400, {"error": "unsupported_grant_type"})
        access, refresh = self.issue_tokens(scopes)
        return Reply(
            200,
            {
                "open_id": self.open_id,
                "scope": ",".join(sorted(scopes)),
                "access_token": access,
                "expires_in": 86400,
                "refresh_token": refresh,
                "refresh_expires_in": 31536000,
                "token_type": "Bearer",
            },
        )

    def unauthorised(self) -> Reply:
        return answer({}, "access_token_invalid", "The access token is invalid.", 401)

    def scope_reply(self, missing: set[str]) -> Reply:
        return answer(
            {},
            "scope_not_authorized",
            f"The user did not authorize the scope required: {', '.join(sorted(missing))}.",
            401,
        )

    def guard(self, request: Request, route: str) -> Reply | None:
        if not self.authorised(request):
            return self.unauthorised()
        missing = self.missing_scopes(request, route)
        return self.scope_reply(missing) if missing else None

    def rate_limited_reply(self, reset: int) -> Reply:
        reply = answer({}, "rate_limit_exceeded", "Rate limit exceeded.", 429)
        reply.headers["Retry-After"] = str(max(1, reset - int(time.time())))
        return reply

    def creator_info(self, request: Request) -> Reply:
        if refused := self.guard(request, "creator_info"):
            return refused
        return answer(
            {
                "creator_avatar_url": "https://example.test/avatar.jpg",
                "creator_username": self.username,
                "creator_nickname": "Wine Club",
                "privacy_level_options": OPTIONS,
                "comment_disabled": self.comment_disabled,
                "duet_disabled": False,
                "stitch_disabled": True,
                "max_video_post_duration_sec": 600,
            }
        )

    def init(self, request: Request) -> Reply:
        if refused := self.guard(request, "init"):
            return refused
        body = request.json()
        post_info, source = body.get("post_info") or {}, body.get("source_info") or {}
        if body.get("media_type") != "PHOTO" or source.get("source") != "PULL_FROM_URL":
            return invalid("media_type PHOTO and source PULL_FROM_URL are required.")
        photos = source.get("photo_images") or []
        if not photos or len(photos) > MAX_PHOTOS:
            return invalid(f"photo_images takes 1 to {MAX_PHOTOS} URLs.")
        if not 0 <= source.get("photo_cover_index", 0) < len(photos):
            return invalid("photo_cover_index is out of range.")
        if not all(isinstance(url, str) and is_verified(url, self.verified) for url in photos):
            return answer({}, "url_ownership_unverified", UNVERIFIED_MESSAGE, 403)
        if body.get("post_mode") not in {"DIRECT_POST", "MEDIA_UPLOAD"}:
            return invalid("post_mode is required.")
        if utf16_length(post_info.get("title", "")) > MAX_TITLE:
            return invalid(f"title is longer than {MAX_TITLE} UTF-16 characters.")
        if utf16_length(post_info.get("description", "")) > MAX_DESCRIPTION:
            return invalid(f"description is longer than {MAX_DESCRIPTION} UTF-16 characters.")
        for flag in ("disable_comment", "auto_add_music"):
            if flag in post_info and not isinstance(post_info[flag], bool):
                return invalid(f"{flag} must be a boolean.")
        if self.comment_disabled and not post_info.get("disable_comment"):
            return invalid("This creator has disabled comments; disable_comment must be true.")
        if post_info.get("privacy_level") not in OPTIONS:
            return self.fault_reply("privacy_mismatch", request)
        publish_id = f"p_pub_url~v2.{secrets.randbelow(10**18)}"
        reason = self._pull(photos)
        with self.lock:
            if not reason and self.next_failures:
                reason = self.next_failures.pop(0)
            reason = reason or self.fail_reason
            steps = ["PROCESSING_DOWNLOAD", "FAILED"] if reason else list(self.steps)
            self.progress[publish_id] = steps
            self.reasons[publish_id] = reason
            if not reason:
                self.posts.append(
                    {
                        "publish_id": publish_id,
                        "id": str(7_300_000_000_000_000_000 + len(self.posts)),
                        "created_at": time.time(),
                        **body,
                    }
                )
        return answer({"publish_id": publish_id})

    def _pull(self, urls: list[str]) -> str:
        """The fail_reason pulling the photos leads to, or "" when every one is usable."""
        for url in urls:
            data = self.fetch_photo(url)
            if data is None:
                return "photo_pull_failed"
            if not is_pullable_photo(data):
                return "file_format_check_failed"
            if not within_size_limits(data):
                return "picture_size_check_failed"
        return ""

    def status(self, request: Request) -> Reply:
        if refused := self.guard(request, "status"):
            return refused
        publish_id = request.json().get("publish_id", "")
        with self.lock:
            steps = self.progress.get(publish_id)
            if steps is None:
                return invalid("publish_id not found")
            status = steps.pop(0) if len(steps) > 1 else steps[0]
            post = next((post for post in self.posts if post["publish_id"] == publish_id), None)
            reason = self.reasons.get(publish_id, "")
        data = {"status": status, "uploaded_bytes": 0, "downloaded_bytes": 1024}
        if status == "PUBLISH_COMPLETE" and post is not None:
            data["publicaly_available_post_id"] = [int(post["id"])]
        if status == "FAILED":
            data["fail_reason"] = reason
        return answer(data)

    def handle_page(self, request: Request, handle: str) -> Reply:
        return self.profile_page(request)

    def post_page(self, request: Request, handle: str, post_id: str) -> Reply:
        with self.lock:
            post = next((post for post in self.posts if post["id"] == post_id), None)
        if post is None:
            return self.page(404, "This post does not exist", "")
        return self.page(200, f"Photo post by @{self.username}", self.render_post(post))

    def render_post(self, post: dict) -> str:
        info = post.get("post_info") or {}
        photos = (post.get("source_info") or {}).get("photo_images") or []
        cover = f"<img src='{html.escape(photos[0])}' alt=''>" if photos else ""
        return (
            f"<article>{cover}<h2>{html.escape(info.get('title', ''))}</h2>"
            f"<p>{linkify(info.get('description', ''))}</p>"
            f"<p><small>{len(photos)} photo(s) · {html.escape(info.get('privacy_level', ''))}"
            f" · comments {'off' if info.get('disable_comment') else 'on'}</small></p>"
            f"<p><a href='/@{self.username}/photo/{post['id']}'>Open post</a></p></article>"
        )

    def fault_reply(self, fault: str, request: Request) -> Reply:
        if fault == "429":
            return self.rate_limited_reply(int(time.time()) + 60)
        if fault == "401":
            return self.unauthorised()
        if fault == "spam":
            return answer({}, "spam_risk_too_many_posts", "Too many posts today.", 403)
        if fault == "privacy_mismatch":
            return answer(
                {}, "privacy_level_option_mismatch", "privacy_level is not an option.", 400
            )
        if fault == "500":
            return answer({}, "internal_error", "Something went wrong.", 500)
        if fault == "no_id":
            # code "ok" but a data object without the publish_id the reference promises.
            return answer({})
        return super().fault_reply(fault, request)
