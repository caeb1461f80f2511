"""Fake Pinterest API v5: OAuth token endpoint, user_account, boards and pins."""

import secrets

from tests.fakes.server import FakeProvider, Reply, Request

AUTHORIZE_PATH = "/oauth/"
TOKEN_PATH = "/v5/oauth/token"
PINS_PATH = "/v5/pins"
BOARDS_PATH = "/v5/boards"


class FakePinterest(FakeProvider):
    routes = {
        ("GET", AUTHORIZE_PATH): "authorize",
        ("POST", TOKEN_PATH): "token",
        ("GET", "/v5/user_account"): "user_account",
        ("GET", BOARDS_PATH): "boards",
        ("POST", PINS_PATH): "pin",
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
            return Reply(401, {"code": 2, "message": "Authentication failed."})
        form = request.form()
        if form.get("grant_type") == "authorization_code":
            if self.redeem(form, pkce_required=False) is None:
                return Reply(400, {"code": 1, "message": "Invalid authorization code"})
        elif form.get("grant_type") == "refresh_token":
            if not self.spend_refresh_token(form.get("refresh_token", "")):
                return Reply(400, {"code": 1, "message": "Invalid refresh token"})
        else:
            return Reply(400, {"code": 1, "message": "Invalid grant_type"})
        access, refresh = self.issue_tokens()
        return Reply(
            200,
            {
                "access_token": access,
                "refresh_token": refresh,
                "response_type": "authorization_code",
                "token_type": "bearer",
                "expires_in": 2592000,
                "refresh_token_expires_in": 31536000,
                "scope": "boards:read,pins:write,user_accounts:read",
            },
        )

    def unauthorised(self) -> Reply:
        return Reply(401, {"code": 2, "message": "Authentication failed."})

    def user_account(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        return Reply(200, {"id": "1001", "username": self.username, "account_type": "BUSINESS"})

    def boards(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        return Reply(200, {"items": self.boards_list, "bookmark": None})

    def pin(self, request: Request) -> Reply:
        if not self.authorised(request):
            return self.unauthorised()
        body = request.json()
        source = body.get("media_source") or {}
        if not body.get("board_id") or source.get("source_type") != "image_url":
            return Reply(400, {"code": 1, "message": "board_id and media_source are required"})
        if body["board_id"] not in {board["id"] for board in self.boards_list}:
            return Reply(404, {"code": 4, "message": "Board not found."})
        if not source.get("url", "").startswith("http"):
            return Reply(400, {"code": 1, "message": "media_source.url must be a URL"})
        limits = {"title": 100, "description": 800, "link": 2048, "alt_text": 500}
        for name, limit in limits.items():
            if len(body.get(name, "")) > limit:
                return Reply(400, {"code": 1, "message": f"{name} is too long"})
        pin_id = str(secrets.randbelow(10**15))
        with self.lock:
            self.posts.append({"id": pin_id, **body})
        return Reply(201, {"id": pin_id, "board_id": body["board_id"], "title": body.get("title")})

    def fault_reply(self, fault: str, request: Request) -> Reply:
        if fault == "429":
            return Reply(
                429, {"code": 8, "message": "Rate limit exceeded."}, {"Retry-After": "120"}
            )
        if fault == "401":
            return self.unauthorised()
        return super().fault_reply(fault, request)
