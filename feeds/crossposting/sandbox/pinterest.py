"""Sandbox Pinterest API v5: OAuth token endpoint, user_account, boards, pins, pin analytics,
and the account's public pages.

What it enforces, as Pinterest's v5 OpenAPI description states it: the scopes each endpoint
lists (POST /v5/pins: boards:read, boards:write, pins:read, pins:write), an authorize request
without PKCE parameters (the spec defines none) and a token request without a code_verifier,
refreshes with continuous_refresh (each returns a new refresh token), field lengths, and
errors as {"code", "message"}; rate-limit windows answer with x-ratelimit-* headers and a 429
carrying Retry-After.
"""

import html
import math
import secrets
import time
from datetime import UTC, date, datetime, timedelta

from feeds.crossposting.pinterest import PinterestProvider
from feeds.crossposting.sandbox.server import Reply, Request, SandboxProvider
from feeds.crossposting.sandbox.x import linkify

AUTHORIZE_PATH = "/oauth/"
TOKEN_PATH = "/v5/oauth/token"
PINS_PATH = "/v5/pins"
BOARDS_PATH = "/v5/boards"
METRIC_TYPES = {"IMPRESSION", "SAVE", "PIN_CLICK", "OUTBOUND_CLICK", "VIDEO_START"}
LIMITS = {"title": 100, "description": 800, "link": 2048, "alt_text": 500}


def error(status: int, code: int, message: str) -> Reply:
    return Reply(status, {"code": code, "message": message})


class SandboxPinterest(SandboxProvider):
    label = "Pinterest"
    routes = {
        ("GET", AUTHORIZE_PATH): "authorize",
        ("POST", AUTHORIZE_PATH): "authorize",
        ("POST", TOKEN_PATH): "token",
        ("GET", "/v5/user_account"): "user_account",
        ("GET", BOARDS_PATH): "boards",
        ("POST", PINS_PATH): "pin",
        ("GET", "/"): "profile_page",
    }
    patterns = (
        ("GET", r"/v5/pins/(\d+)/analytics", "analytics"),
        ("GET", r"/pin/(\d+)/?", "pin_page"),
        ("GET", r"/([A-Za-z0-9_]+)/?", "handle_page"),
    )
    scope_separator = ","
    all_scopes = frozenset(
        {
            "ads:read",
            "boards:read",
            "boards:read_secret",
            "boards:write",
            "boards:write_secret",
            "pins:read",
            "pins:read_secret",
            "pins:write",
            "pins:write_secret",
            "user_accounts:read",
        }
    )
    required_scopes = {
        "user_account": {"user_accounts:read"},
        "boards": {"boards:read"},
        "pin": {"boards:read", "boards:write", "pins:read", "pins:write"},
        "analytics": {"boards:read", "pins:read"},
    }
    unknown_authorize_parameters = frozenset({"code_challenge", "code_challenge_method"})
    # Per-user windows (requests per minute), in line with Pinterest's published categories.
    limits = {
        "pin": (100, 60),
        "analytics": PinterestProvider.metrics_rate_limit,
        "boards": (1000, 60),
    }
    access_prefix = "pina_"
    refresh_prefix = "pinr_"
    username = "wineclub"
    boards_list = [
        {"id": "549755885175", "name": "Natural wine", "privacy": "PUBLIC"},
        {"id": "549755885176", "name": "Tasting notes", "privacy": "PUBLIC"},
    ]

    def token(self, request: Request) -> Reply:
        if request.basic() != (self.client_id, self.client_secret):
            return error(401, 2, "Authentication failed.")
        form = request.form()
        continuous = False
        if form.get("grant_type") == "authorization_code":
            if "code_verifier" in form:
                return error(400, 1, "code_verifier is not a parameter of this endpoint.")
            grant = self.redeem(form, pkce=False)
            if grant is None:
                return error(400, 1, "Invalid authorization code")
            scopes = self.requested_scopes(grant.scope)
        elif form.get("grant_type") == "refresh_token":
            if form.get("continuous_refresh") != "true":
                return error(
                    400,
                    1,
                    "Legacy refresh tokens are no longer issued; send continuous_refresh=true.",
                )
            scopes = self.spend_refresh_token(form.get("refresh_token", ""))
            if scopes is None:
                return error(400, 1, "Invalid refresh token")
            continuous = True
        else:
            return error(400, 1, "Invalid grant_type")
        access, refresh = self.issue_tokens(scopes)
        body = {
            "access_token": access,
            "refresh_token": refresh,
            "response_type": "refresh_token" if continuous else "authorization_code",
            "token_type": "bearer",
            "expires_in": 2592000,
            "refresh_token_expires_in": 5184000,
            "scope": ",".join(sorted(scopes)),
        }
        return Reply(200, body)

    def unauthorised(self) -> Reply:
        return error(401, 2, "Authentication failed.")

    def scope_reply(self, missing: set[str]) -> Reply:
        return error(
            403, 3, f"Not authorized to access this resource: needs {', '.join(sorted(missing))}."
        )

    def guard(self, request: Request, route: str) -> Reply | None:
        if not self.authorised(request):
            return self.unauthorised()
        missing = self.missing_scopes(request, route)
        return self.scope_reply(missing) if missing else None

    def rate_headers(self, limit: int, remaining: int, reset: int) -> dict[str, str]:
        return {
            "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": str(max(0, reset - int(time.time()))),
        }

    def rate_limited_reply(self, reset: int) -> Reply:
        wait = max(1, reset - int(time.time()))
        return Reply(
            429,
            {"code": 8, "message": "You have exceeded your rate limit. Try again later."},
            {"Retry-After": str(wait), "x-ratelimit-remaining": "0"},
        )

    def user_account(self, request: Request) -> Reply:
        if refused := self.guard(request, "user_account"):
            return refused
        return Reply(200, {"id": "1001", "username": self.username, "account_type": "BUSINESS"})

    def boards(self, request: Request) -> Reply:
        if refused := self.guard(request, "boards"):
            return refused
        return Reply(200, {"items": self.boards_list, "bookmark": None})

    def pin(self, request: Request) -> Reply:
        if refused := self.guard(request, "pin"):
            return refused
        body = request.json()
        source = body.get("media_source") or {}
        if not body.get("board_id") or source.get("source_type") != "image_url":
            return error(400, 1, "board_id and media_source are required")
        if body["board_id"] not in {board["id"] for board in self.boards_list}:
            return error(404, 4, "Board not found.")
        if not source.get("url", "").startswith("http"):
            return error(400, 1, "media_source.url must be a URL")
        for name, limit in LIMITS.items():
            if len(body.get(name, "")) > limit:
                return error(400, 1, f"Invalid parameters: {name} is longer than {limit}.")
        pin_id = str(secrets.randbelow(10**15) + 10**14)
        with self.lock:
            self.posts.append({"id": pin_id, "created_at": time.time(), **body})
        return Reply(
            201,
            {
                "id": pin_id,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "board_id": body["board_id"],
                "title": body.get("title"),
                "link": body.get("link"),
            },
        )

    def analytics(self, request: Request, pin_id: str) -> Reply:
        """GET /v5/pins/{pin_id}/analytics: start_date and end_date within 90 days back."""
        if refused := self.guard(request, "analytics"):
            return refused
        query = request.query
        try:
            start = date.fromisoformat(query.get("start_date", ""))
            end = date.fromisoformat(query.get("end_date", ""))
        except ValueError:
            return error(400, 1, "start_date and end_date (YYYY-MM-DD) are required.")
        today = datetime.now(UTC).date()
        if start > end or start < today - timedelta(days=90) or end > today:
            return error(400, 1, "Dates must fall within the last 90 days, start before end.")
        metric_types = [value for value in query.get("metric_types", "").split(",") if value]
        if not metric_types or set(metric_types) - METRIC_TYPES:
            return error(400, 1, "metric_types must name known metrics.")
        with self.lock:
            post = next((post for post in self.posts if post["id"] == pin_id), None)
        if post is None:
            return error(404, 50, "Pin not found.")
        summary = pin_metrics(post)
        return Reply(
            200,
            {
                "all": {
                    "daily_metrics": [
                        {
                            "date": today.isoformat(),
                            "data_status": "READY",
                            "metrics": {name: summary[name] for name in metric_types},
                        }
                    ],
                    "summary_metrics": {name: summary[name] for name in metric_types},
                }
            },
        )

    def handle_page(self, request: Request, handle: str) -> Reply:
        return self.profile_page(request)

    def pin_page(self, request: Request, pin_id: str) -> Reply:
        with self.lock:
            post = next((post for post in self.posts if post["id"] == pin_id), None)
        if post is None:
            return self.page(404, "This pin does not exist", "")
        return self.page(200, post.get("title") or "Pin", self.render_post(post))

    def render_post(self, post: dict) -> str:
        metrics = pin_metrics(post)
        link = post.get("link", "")
        image = html.escape((post.get("media_source") or {}).get("url", ""))
        alt = html.escape(post.get("alt_text", ""))
        return (
            f"<article><img src='{image}' alt='{alt}'>"
            f"<h2>{html.escape(post.get('title', ''))}</h2>"
            f"<p>{linkify(post.get('description', ''))}</p>"
            + (f"<p><a href='{html.escape(link)}'>Visit site</a></p>" if link else "")
            + f"<p><small>{metrics['IMPRESSION']} impressions · {metrics['SAVE']} saves · "
            f"{metrics['OUTBOUND_CLICK']} outbound clicks</small></p>"
            f"<p><a href='/pin/{post['id']}/'>Open pin</a></p></article>"
        )

    def fault_reply(self, fault: str, request: Request) -> Reply:
        if fault == "429":
            return self.rate_limited_reply(int(time.time()) + 120)
        if fault == "401":
            return self.unauthorised()
        if fault == "500":
            return error(500, 1, "Something went wrong on our end.")
        if fault == "no_id":
            # A 201 without the Pin object's id: no answer the spec documents.
            return Reply(201, {})
        return super().fault_reply(fault, request)


def pin_metrics(post: dict) -> dict[str, int]:
    """Plausible counts that grow with the pin's age (minutes since it was created)."""
    minutes = max(0.0, (time.time() - post.get("created_at", time.time())) / 60)
    seed = int(post["id"]) % 89
    impressions = int(25 * math.log1p(minutes) * (1 + seed / 100) + minutes * 2)
    return {
        "IMPRESSION": impressions,
        "SAVE": impressions // 40,
        "PIN_CLICK": impressions // 15,
        "OUTBOUND_CLICK": impressions // 30,
        "VIDEO_START": 0,
    }
