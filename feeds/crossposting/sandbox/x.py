"""Sandbox X API v2: OAuth 2.0 with PKCE, users/me, media upload (one-shot for photos,
chunked for GIFs), posts, post lookup with public_metrics, and the account's public pages.

What it enforces, as the X API v2 specification states it: the scopes each endpoint lists,
the weighted length (twitter-text, the same rules X applies), 4 photos or 1 GIF per post,
tweet_image only in the one-shot upload (which has no media_type field) and tweet_gif only in
the chunked one, the upload size limits (image 5 MB, GIF 15 MB, an append segment 5 MB), GIF
processing that must finish before the media id may go in a post (finalize answers
processing_info `pending` with check_after_secs, `GET /2/media/upload?command=STATUS` answers
`in_progress` until `processing_seconds` have passed, then `succeeded`; a post naming a GIF
still processing is refused), per-user rate-limit windows with x-rate-limit-* headers,
problem-JSON errors, and on the one endpoint that still answers the v1.1 way,
{"errors": [{"code", "message"}]}. Sources are cited in feeds/crossposting/x.py.
"""

import html
import math
import re
import secrets
import time

from feeds.crossposting.sandbox.server import Reply, Request, SandboxProvider
from feeds.crossposting.tweet_length import MAX_WEIGHTED_LENGTH, measure
from feeds.crossposting.x import XProvider

AUTHORIZE_PATH = "/i/oauth2/authorize"
TOKEN_PATH = "/2/oauth2/token"
TWEETS_PATH = "/2/tweets"
MEDIA_PATH = "/2/media/upload"
INITIALIZE_PATH = "/2/media/upload/initialize"
REQUIRED_SCOPES = {"tweet.read", "tweet.write", "users.read", "media.write", "offline.access"}
MAX_PHOTOS = 4
GIF_MAGIC = (b"GIF87a", b"GIF89a")
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_GIF_BYTES = 15 * 1024 * 1024
MAX_SEGMENT_BYTES = 5 * 1024 * 1024


def problem(status: int, title: str, detail: str, kind: str = "about:blank") -> dict:
    return {"title": title, "detail": detail, "type": kind, "status": status}


def invalid_request(message: str) -> Reply:
    body = problem(
        400,
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        "https://api.x.com/2/problems/invalid-request",
    )
    body["errors"] = [{"message": message}]
    return Reply(400, body)


def _multipart_fields(request: Request) -> dict[str, bytes]:
    """name -> value of each part of a multipart/form-data body."""
    boundary = re.search(r"boundary=([^;]+)", request.headers.get("content-type", ""))
    if not boundary:
        return {}
    fields = {}
    for part in request.body.split(b"--" + boundary.group(1).strip('"').encode()):
        head, _, value = part.partition(b"\r\n\r\n")
        name = re.search(rb'name="([^"]+)"', head)
        if name:
            fields[name.group(1).decode()] = value.removesuffix(b"\r\n")
    return fields


class SandboxX(SandboxProvider):
    label = "X"
    routes = {
        ("GET", AUTHORIZE_PATH): "authorize",
        ("POST", AUTHORIZE_PATH): "authorize",
        ("POST", TOKEN_PATH): "token",
        ("GET", "/2/users/me"): "me",
        ("POST", MEDIA_PATH): "upload",
        ("GET", MEDIA_PATH): "status",
        ("POST", INITIALIZE_PATH): "initialize",
        ("POST", TWEETS_PATH): "tweet",
        ("GET", TWEETS_PATH): "lookup",
        ("GET", "/"): "profile_page",
    }
    patterns = (
        ("POST", r"/2/media/upload/(\d+)/append", "append"),
        ("POST", r"/2/media/upload/(\d+)/finalize", "finalize"),
        ("GET", r"/([A-Za-z0-9_]+)/status/(\d+)", "post_page"),
        ("GET", r"/([A-Za-z0-9_]+)", "handle_page"),
    )
    all_scopes = frozenset(
        REQUIRED_SCOPES | {"like.read", "like.write", "follows.read", "bookmark.read"}
    )
    required_scopes = {
        "me": {"tweet.read", "users.read"},
        "upload": {"media.write"},
        "initialize": {"media.write"},
        "append": {"media.write"},
        "finalize": {"media.write"},
        "status": {"media.write"},
        "tweet": {"tweet.read", "tweet.write", "users.read"},
        "lookup": {"tweet.read", "users.read"},
    }
    # X API v2 per-user limits (requests per 15 minutes).
    limits = {
        "tweet": (100, 900),
        "lookup": XProvider.metrics_rate_limit,
        "upload": (500, 900),
        "me": (75, 900),
    }
    username = "wineclub"
    user_id = "1460000000000000001"
    kept = (*SandboxProvider.kept, "media", "processing")

    def __init__(self, **options):
        super().__init__(**options)
        # media id -> "image" or "gif" once usable; chunked uploads wait in `chunks`, and
        # finalized GIFs in `processing` (media id -> epoch seconds when they are ready).
        self.media: dict[str, str] = {}
        self.chunks: dict[str, dict] = {}
        self.processing: dict[str, float] = {}
        # How long a GIF takes to process, what check_after_secs says, and whether it fails.
        self.processing_seconds = 2.0
        self.check_after_secs = 1
        self.processing_error = ""
        # The x-rate-limit-reset (epoch seconds) of the last 429 answered.
        self.rate_limit_reset = 0

    # OAuth ----------------------------------------------------------------------------------

    def check_authorize(self, query: dict[str, str]) -> str:
        scopes = self.requested_scopes(query.get("scope", ""))
        if not scopes >= REQUIRED_SCOPES or not query.get("code_challenge"):
            return "The scopes Sosoon needs and a PKCE code_challenge are required."
        return super().check_authorize(query)

    def token(self, request: Request) -> Reply:
        if request.basic() != (self.client_id, self.client_secret):
            return Reply(401, {"error": "invalid_client", "error_description": "Bad credentials"})
        form = request.form()
        invalid = {
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        }
        if form.get("grant_type") == "authorization_code":
            grant = self.redeem(form, pkce=True)
            if grant is None:
                return Reply(400, invalid)
            scopes = self.requested_scopes(grant.scope)
        elif form.get("grant_type") == "refresh_token":
            scopes = self.spend_refresh_token(form.get("refresh_token", ""))
            if scopes is None:
                return Reply(400, invalid)
        else:
            return Reply(400, {"error": "unsupported_grant_type"})
        access, refresh = self.issue_tokens(scopes)
        return Reply(
            200,
            {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": access,
                "scope": " ".join(sorted(scopes)),
                "refresh_token": refresh,
            },
        )

    def unauthorised(self) -> Reply:
        return Reply(401, problem(401, "Unauthorized", "Unauthorized"))

    def guard(self, request: Request, route: str) -> Reply | None:
        if not self.authorised(request):
            return self.unauthorised()
        missing = self.missing_scopes(request, route)
        if missing:
            return self.scope_reply(missing)
        return None

    def scope_reply(self, missing: set[str]) -> Reply:
        return Reply(
            403,
            problem(
                403,
                "Forbidden",
                "You are not permitted to perform this action. Missing scopes: "
                + ", ".join(sorted(missing)),
            ),
        )

    def rate_headers(self, limit: int, remaining: int, reset: int) -> dict[str, str]:
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(remaining),
            "x-rate-limit-reset": str(reset),
        }

    def rate_limited_reply(self, reset: int) -> Reply:
        self.rate_limit_reset = reset
        return Reply(
            429,
            problem(429, "Too Many Requests", "Too Many Requests"),
            {
                "x-rate-limit-limit": "0",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            },
        )

    # API --------------------------------------------------------------------------------------

    def me(self, request: Request) -> Reply:
        if refused := self.guard(request, "me"):
            return refused
        return Reply(200, {"data": {"id": self.user_id, "name": "Wine", "username": self.username}})

    def _new_media_id(self) -> str:
        return str(1_900_000_000_000_000_000 + secrets.randbelow(10**17))

    def upload(self, request: Request) -> Reply:
        """The one-shot upload: images only, media_category tweet_image, no media_type."""
        if refused := self.guard(request, "upload"):
            return refused
        fields = _multipart_fields(request)
        if "media" not in fields or "media_category" not in fields:
            return invalid_request("media and media_category are required.")
        unknown = set(fields) - {"media", "media_category", "additional_owners", "shared"}
        if unknown:
            return invalid_request(f"Unknown fields: {', '.join(sorted(unknown))}.")
        category = fields["media_category"].decode()
        if category not in {"tweet_image", "dm_image", "subtitles"}:
            return invalid_request(f"media_category {category} is not an option here.")
        if fields["media"].startswith(GIF_MAGIC):
            return invalid_request("Animated GIFs go through the chunked upload as tweet_gif.")
        if len(fields["media"]) > MAX_IMAGE_BYTES:
            return invalid_request(f"File size exceeds {MAX_IMAGE_BYTES} bytes.")
        media_id = self._new_media_id()
        with self.lock:
            self.media[media_id] = "image"
        return Reply(
            200,
            {"data": {"id": media_id, "media_key": f"3_{media_id}", "expires_after_secs": 86400}},
        )

    def initialize(self, request: Request) -> Reply:
        if refused := self.guard(request, "initialize"):
            return refused
        body = request.json()
        if body.get("media_category") != "tweet_gif" or body.get("media_type") != "image/gif":
            return invalid_request("A GIF for a post is media_type image/gif, tweet_gif.")
        if not isinstance(body.get("total_bytes"), int) or body["total_bytes"] <= 0:
            return invalid_request("total_bytes is required.")
        if body["total_bytes"] > MAX_GIF_BYTES:
            return invalid_request(f"File size exceeds {MAX_GIF_BYTES} bytes.")
        media_id = self._new_media_id()
        with self.lock:
            self.chunks[media_id] = {"total": body["total_bytes"], "data": b""}
        return Reply(200, {"data": {"id": media_id, "expires_after_secs": 86400}})

    def append(self, request: Request, media_id: str) -> Reply:
        if refused := self.guard(request, "append"):
            return refused
        fields = _multipart_fields(request)
        with self.lock:
            upload = self.chunks.get(media_id)
            if upload is None or "media" not in fields or "segment_index" not in fields:
                return invalid_request("Unknown media id, or media and segment_index missing.")
            if len(fields["media"]) > MAX_SEGMENT_BYTES:
                return invalid_request(f"A segment may be at most {MAX_SEGMENT_BYTES} bytes.")
            upload["data"] += fields["media"]
        return Reply(200, {"data": {"expires_at": int(time.time()) + 86400}})

    def finalize(self, request: Request, media_id: str) -> Reply:
        if refused := self.guard(request, "finalize"):
            return refused
        with self.lock:
            upload = self.chunks.pop(media_id, None)
            if upload is None or len(upload["data"]) != upload["total"]:
                return invalid_request("The segments do not add up to total_bytes.")
            if not upload["data"].startswith(GIF_MAGIC):
                return invalid_request("The file is not a GIF.")
            self.processing[media_id] = time.time() + self.processing_seconds
        return Reply(
            200,
            {
                "data": {
                    "id": media_id,
                    "media_key": f"16_{media_id}",
                    "size": upload["total"],
                    "expires_after_secs": 86400,
                    "processing_info": {
                        "state": "pending",
                        "check_after_secs": self.check_after_secs,
                    },
                }
            },
        )

    def status(self, request: Request) -> Reply:
        """GET /2/media/upload?command=STATUS&media_id=...: where a GIF's processing is."""
        if refused := self.guard(request, "status"):
            return refused
        media_id = request.query.get("media_id", "")
        if request.query.get("command") != "STATUS":
            return invalid_request("command must be STATUS.")
        with self.lock:
            ready_at = self.processing.get(media_id)
            done = self.media.get(media_id) == "gif"
            if ready_at is not None and time.time() >= ready_at and not self.processing_error:
                self.media[media_id], done = "gif", True
                del self.processing[media_id]
        if ready_at is None and not done:
            return invalid_request("Unknown media id.")
        if done:
            info = {"state": "succeeded", "progress_percent": 100}
        elif self.processing_error and time.time() >= ready_at:
            info = {
                "state": "failed",
                "progress_percent": 12,
                "error": {"code": 1, "name": "InvalidMedia", "message": self.processing_error},
            }
        else:
            info = {
                "state": "in_progress",
                "check_after_secs": self.check_after_secs,
                "progress_percent": 50,
            }
        body = {"id": media_id, "media_key": f"16_{media_id}", "processing_info": info}
        return Reply(200, {"data": body})

    def tweet(self, request: Request) -> Reply:
        if refused := self.guard(request, "tweet"):
            return refused
        body = request.json()
        text = body.get("text", "")
        media_ids = body.get("media", {}).get("media_ids", [])
        if not text and not media_ids:
            return invalid_request("text or media is required.")
        with self.lock:
            kinds = [self.media.get(media_id) for media_id in media_ids]
            still_processing = any(media_id in self.processing for media_id in media_ids)
        if still_processing:
            return invalid_request(
                "The media is still being processed; wait until its processing_info state is "
                "succeeded."
            )
        if None in kinds:
            return invalid_request("Your media IDs are invalid.")
        if len(media_ids) > MAX_PHOTOS or ("gif" in kinds and len(kinds) > 1):
            return invalid_request("A post takes up to 4 photos or 1 animated GIF.")
        if text:
            measured = measure(text)
            if measured.has_invalid_characters or measured.weighted_length > MAX_WEIGHTED_LENGTH:
                return Reply(
                    403,
                    problem(
                        403,
                        "Forbidden",
                        "You are not permitted to perform this action: the text is too long "
                        "or holds characters X does not accept.",
                    ),
                )
        with self.lock:
            if any(post["text"] == text for post in self.posts):
                return self.fault_reply("duplicate", request)
            tweet_id = str(1_800_000_000_000_000_000 + len(self.posts))
            self.posts.append(
                {"id": tweet_id, "created_at": time.time(), "media_kinds": kinds, **body}
            )
        return Reply(201, {"data": {"id": tweet_id, "text": text}})

    def lookup(self, request: Request) -> Reply:
        """GET /2/tweets?ids=...&tweet.fields=public_metrics (up to 100 ids)."""
        if refused := self.guard(request, "lookup"):
            return refused
        ids = [value for value in request.query.get("ids", "").split(",") if value]
        if not ids or len(ids) > 100:
            return invalid_request("ids must name between 1 and 100 posts.")
        fields = set(request.query.get("tweet.fields", "").split(","))
        with self.lock:
            posts = {post["id"]: post for post in self.posts}
        data, errors = [], []
        for tweet_id in ids:
            post = posts.get(tweet_id)
            if post is None:
                errors.append(
                    {
                        "value": tweet_id,
                        "detail": f"Could not find tweet with ids: [{tweet_id}].",
                        "title": "Not Found Error",
                        "resource_type": "tweet",
                        "parameter": "ids",
                        "resource_id": tweet_id,
                        "type": "https://api.x.com/2/problems/resource-not-found",
                    }
                )
                continue
            item = {"id": tweet_id, "text": post["text"], "edit_history_tweet_ids": [tweet_id]}
            if "public_metrics" in fields:
                item["public_metrics"] = public_metrics(post)
            data.append(item)
        body = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        return Reply(200, body)

    # Pages ------------------------------------------------------------------------------------

    def handle_page(self, request: Request, handle: str) -> Reply:
        return self.profile_page(request)

    def post_page(self, request: Request, handle: str, tweet_id: str) -> Reply:
        with self.lock:
            post = next((post for post in self.posts if post["id"] == tweet_id), None)
        if post is None:
            return self.page(404, "This post does not exist", "")
        return self.page(200, f"Post by @{self.username}", self.render_post(post))

    def render_post(self, post: dict) -> str:
        metrics = public_metrics(post)
        kinds = post.get("media_kinds") or []
        media = f"<p>{len(kinds)} {'GIF' if 'gif' in kinds else 'photo(s)'}</p>" if kinds else ""
        return (
            f"<article><p>{linkify(post.get('text', ''))}</p>{media}"
            f"<p><small>{metrics['impression_count']} views · {metrics['like_count']} likes · "
            f"{metrics['retweet_count']} reposts · {metrics['reply_count']} replies</small></p>"
            f"<p><a href='/{self.username}/status/{post['id']}'>Open post</a></p></article>"
        )

    # Faults -----------------------------------------------------------------------------------

    def fault_reply(self, fault: str, request: Request) -> Reply:
        if fault == "429":
            return self.rate_limited_reply(int(time.time()) + 900)
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
        if fault == "access_level":
            # The v1.1-style body X still sends when an app's access level lacks an endpoint.
            return Reply(
                403,
                {
                    "errors": [
                        {
                            "code": 453,
                            "message": "You currently have access to a subset of X API V2 "
                            "endpoints and limited v1.1 endpoints only.",
                        }
                    ]
                },
            )
        if fault == "500":
            return Reply(500, problem(500, "Internal Server Error", "Internal Server Error"))
        if fault == "no_id":
            # A success whose `data` names nothing: no answer the spec documents.
            return Reply(201 if request.path == TWEETS_PATH else 200, {"data": {}})
        return super().fault_reply(fault, request)


def public_metrics(post: dict) -> dict[str, int]:
    """Plausible counts that grow with the post's age (minutes since it went out)."""
    minutes = max(0.0, (time.time() - post.get("created_at", time.time())) / 60)
    seed = int(post["id"]) % 97
    impressions = int(40 * math.log1p(minutes) * (1 + seed / 100) + minutes * 3)
    return {
        "retweet_count": impressions // 60,
        "reply_count": impressions // 90,
        "like_count": impressions // 18,
        "quote_count": impressions // 300,
        "bookmark_count": impressions // 150,
        "impression_count": impressions,
    }


URL = re.compile(r"https?://[^\s<>\"]+")


def linkify(text: str) -> str:
    """The text with its links clickable, as X shows them."""
    parts, last = [], 0
    for match in URL.finditer(text):
        parts.append(html.escape(text[last : match.start()]))
        url = html.escape(match.group())
        parts.append(f"<a href='{url}'>{url}</a>")
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)
