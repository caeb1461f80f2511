"""Fake TikTok: OAuth v2 token endpoint and the Content Posting API for photo posts."""

import secrets

from tests.fakes.server import FakeProvider, Reply, Request

AUTHORIZE_PATH = "/v2/auth/authorize/"
TOKEN_PATH = "/v2/oauth/token/"
CREATOR_INFO_PATH = "/v2/post/publish/creator_info/query/"
INIT_PATH = "/v2/post/publish/content/init/"
STATUS_PATH = "/v2/post/publish/status/fetch/"
OPTIONS = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]


def answer(data: dict, code: str = "ok", message: str = "", status: int = 200) -> Reply:
    error = {"code": code, "message": message, "log_id": secrets.token_hex(10).upper()}
    return Reply(status, {"data": data, "error": error})


class FakeTikTok(FakeProvider):
    routes = {
        ("GET", AUTHORIZE_PATH): "authorize",
        ("POST", TOKEN_PATH): "token",
        ("POST", CREATOR_INFO_PATH): "creator_info",
        ("POST", INIT_PATH): "init",
        ("POST", STATUS_PATH): "status",
    }
    access_prefix = "act."
    refresh_prefix = "rft."
    username = "wineclub"
    open_id = "_000Wine0pen1d"

    def __init__(self, **options):
        super().__init__(**options)
        # publish_id -> statuses still to report, the last one repeating.
        self.progress: dict[str, list[str]] = {}
        self.steps = ["PROCESSING_DOWNLOAD", "PUBLISH_COMPLETE"]
        self.fail_reason = ""

    def authorize(self, request: Request) -> Reply:
        return super().authorize(request, client_key="client_key")

    def token(self, request: Request) -> Reply:
        form = request.form()
        if (form.get("client_key"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return Reply(401, {"error": "invalid_client", "error_description": "Bad client"})
        invalid = {
            "error": "invalid_grant",
            "error_description": "Authorization code or refresh token is expired or invalid.",
            "log_id": secrets.token_hex(10),
        }
        if form.get("grant_type") == "authorization_code":
            if self.redeem(form, pkce_required=False) is None:
                return Reply(400, invalid)
        elif form.get("grant_type") == "refresh_token":
            if not self.spend_refresh_token(form.get("refresh_token", "")):
                return Reply(400, invalid)
        else:
            return Reply(400, {"error": "unsupported_grant_type"})
        access, refresh = self.issue_tokens()
        return Reply(
            200,
            {
                "open_id": self.open_id,
                "scope": "user.info.basic,video.publish",
                "access_token": access,
                "expires_in": 86400,
                "refresh_token": refresh,
                "refresh_expires_in": 31536000,
                "token_type": "Bearer",
            },
        )

    def unauthorised(self) -> Reply:
        return answer({}, "access_token_invalid", "The access token is invalid.", 401)

    def creator_info(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        return answer(
            {
                "creator_avatar_url": "https://example.test/avatar.jpg",
                "creator_username": self.username,
                "creator_nickname": "Wine Club",
                "privacy_level_options": OPTIONS,
                "comment_disabled": False,
                "duet_disabled": False,
                "stitch_disabled": True,
                "max_video_post_duration_sec": 600,
            }
        )

    def init(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        body = request.json()
        post_info, source = body.get("post_info") or {}, body.get("source_info") or {}
        if body.get("media_type") != "PHOTO" or source.get("source") != "PULL_FROM_URL":
            return answer({}, "invalid_params", "media_type and source are required", 400)
        if not source.get("photo_images") or body.get("post_mode") not in {
            "DIRECT_POST",
            "MEDIA_UPLOAD",
        }:
            return answer({}, "invalid_params", "photo_images and post_mode are required", 400)
        if post_info.get("privacy_level") not in OPTIONS:
            return self.fault_reply("privacy_mismatch", request)
        publish_id = f"p_pub_url~v2.{secrets.randbelow(10**18)}"
        with self.lock:
            self.posts.append({"publish_id": publish_id, **body})
            self.progress[publish_id] = list(self.steps)
        return answer({"publish_id": publish_id})

    def status(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        publish_id = request.json().get("publish_id", "")
        with self.lock:
            steps = self.progress.get(publish_id)
            if steps is None:
                return answer({}, "invalid_params", "publish_id not found", 400)
            status = steps.pop(0) if len(steps) > 1 else steps[0]
        data = {"status": status, "uploaded_bytes": 0, "downloaded_bytes": 1024}
        if status == "PUBLISH_COMPLETE":
            data["publicaly_available_post_id"] = [7_300_000_000_000_000_000]
        if status == "FAILED":
            data["fail_reason"] = self.fail_reason
        return answer(data)

    def fault_reply(self, fault: str, request: Request) -> Reply:
        if fault == "429":
            reply = answer({}, "rate_limit_exceeded", "Rate limit exceeded.", 429)
            reply.headers["Retry-After"] = "60"
            return reply
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
        return super().fault_reply(fault, request)
