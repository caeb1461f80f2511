"""Fake X API v2: OAuth 2.0 PKCE token endpoint, users/me, media upload and tweets."""

import re
import secrets
import time

from tests.fakes.server import FakeProvider, Reply, Request

AUTHORIZE_PATH = "/i/oauth2/authorize"
TOKEN_PATH = "/2/oauth2/token"
TWEETS_PATH = "/2/tweets"
MEDIA_PATH = "/2/media/upload"
REQUIRED_SCOPES = {"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"}


def problem(status: int, title: str, detail: str) -> dict:
    return {"title": title, "detail": detail, "type": "about:blank", "status": status}


class FakeX(FakeProvider):
    routes = {
        ("GET", AUTHORIZE_PATH): "authorize",
        ("POST", TOKEN_PATH): "token",
        ("GET", "/2/users/me"): "me",
        ("POST", MEDIA_PATH): "upload",
        ("POST", TWEETS_PATH): "tweet",
    }
    username = "wineclub"
    user_id = "1460000000000000001"

    def __init__(self, **options):
        super().__init__(**options)
        self.media: set[str] = set()
        # The x-rate-limit-reset (epoch seconds) of the last 429 answered.
        self.rate_limit_reset = 0

    def authorize(self, request: Request) -> Reply:
        scopes = set(request.query.get("scope", "").split(" "))
        if not scopes >= REQUIRED_SCOPES or not request.query.get("code_challenge"):
            return Reply(400, "scope and a PKCE code_challenge are required")
        return super().authorize(request)

    def token(self, request: Request) -> Reply:
        if request.basic() != (self.client_id, self.client_secret):
            return Reply(401, {"error": "invalid_client", "error_description": "Bad credentials"})
        form = request.form()
        invalid = {
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        }
        if form.get("grant_type") == "authorization_code":
            if self.redeem(form, pkce_required=True) is None:
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
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": access,
                "scope": " ".join(sorted(REQUIRED_SCOPES)),
                "refresh_token": refresh,
            },
        )

    def unauthorised(self) -> Reply:
        return Reply(401, problem(401, "Unauthorized", "Unauthorized"))

    def me(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        return Reply(200, {"data": {"id": self.user_id, "name": "Wine", "username": self.username}})

    def upload(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        body = request.body
        if b'name="media"' not in body or not re.search(
            rb'name="media_category"\s+tweet_image', body
        ):
            return Reply(400, problem(400, "Invalid Request", "media and media_category required"))
        media_id = str(secrets.randbelow(10**18))
        with self.lock:
            self.media.add(media_id)
        return Reply(
            200,
            {"data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}},
        )

    def tweet(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        body = request.json()
        media_ids = body.get("media", {}).get("media_ids", [])
        if not body.get("text") and not media_ids:
            return Reply(400, problem(400, "Invalid Request", "text or media is required"))
        if any(media_id not in self.media for media_id in media_ids):
            return Reply(400, problem(400, "Invalid Request", "Your media IDs are invalid."))
        with self.lock:
            if any(post["text"] == body.get("text") for post in self.posts):
                return self.fault_reply("duplicate", request)
            tweet_id = str(1_800_000_000_000_000_000 + len(self.posts))
            self.posts.append({"id": tweet_id, **body})
        return Reply(201, {"data": {"id": tweet_id, "text": body.get("text", "")}})

    def fault_reply(self, fault: str, request: Request) -> Reply:
        if fault == "429":
            reset = self.rate_limit_reset = int(time.time()) + 900
            return Reply(
                429,
                problem(429, "Too Many Requests", "Too Many Requests"),
                {
                    "x-rate-limit-limit": "100",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(reset),
                },
            )
        if fault == "401":
            return self.unauthorised()
        if fault == "duplicate":
            return Reply(
                403,
                problem(
                    403,
                    "Forbidden",
                    "You are not allowed to create a Tweet with duplicate content.",
                ),
            )
        return super().fault_reply(fault, request)
