"""The shared machinery of the fakes: a threaded HTTP server, requests, replies and faults."""

import base64
import json
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from feeds.crossposting.pkce import code_challenge

# How long a "hang" holds the connection before giving up (tests time out long before).
HANG_SECONDS = 30


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.time)

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    def json(self) -> dict:
        return json.loads(self.body or b"{}")

    def bearer(self) -> str:
        return self.headers.get("authorization", "").removeprefix("Bearer ").strip()

    def basic(self) -> tuple[str, str] | None:
        value = self.headers.get("authorization", "")
        if not value.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(value[6:]).decode().partition(":")
        return user, password


@dataclass
class Reply:
    status: int = 200
    body: dict | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    """A real API's front door takes a burst of connections at once. The standard library's
    backlog of 5 makes the kernel reset connections beyond it when many arrive together (a
    publish batch's threads), which the client would read as "sent, no answer"."""

    daemon_threads = True
    request_queue_size = 128


@dataclass
class Grant:
    """An authorization code waiting to be exchanged."""

    client_id: str
    redirect_uri: str
    challenge: str
    scope: str


class FakeProvider:
    """Subclasses fill `routes` and the provider-specific replies."""

    client_id = "sosoon-client"
    client_secret = "sosoon-secret"
    access_prefix = "at-"
    refresh_prefix = "rt-"

    def __init__(self, *, latency: tuple[float, float] = (0.0, 0.0)):
        self.latency = latency
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.requests: list[Request] = []
        self.faults: dict[str, list[str]] = {}
        self.grants: dict[str, Grant] = {}
        self.access_tokens: set[str] = set()
        self.refresh_tokens: set[str] = set()
        self.used_refresh_tokens: set[str] = set()
        self.posts: list[dict] = []
        self.server = _Server(("127.0.0.1", 0), self._handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # Lifecycle -----------------------------------------------------------------------------

    def start(self) -> "FakeProvider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # What tests use --------------------------------------------------------------------------

    def fail(self, path: str, fault: str, *, times: int = 1) -> None:
        """Answer the next `times` requests to `path` with `fault` ("429", "500", "401",
        "hang", or a provider-specific one such as "duplicate" or "spam")."""
        with self.lock:
            self.faults.setdefault(path, []).extend([fault] * times)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (as after two hours on X)."""
        with self.lock:
            self.access_tokens.clear()

    def issue_tokens(self) -> tuple[str, str]:
        """A fresh access/refresh pair, as the token endpoint would hand out."""
        access = f"{self.access_prefix}{secrets.token_hex(8)}"
        refresh = f"{self.refresh_prefix}{secrets.token_hex(8)}"
        with self.lock:
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
        return access, refresh

    def calls(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

    # Shared provider behaviour ------------------------------------------------------------

    routes: dict[tuple[str, str], str] = {}

    def authorize(self, request: Request, *, client_key: str = "client_id") -> Reply:
        """The consent screen, approved at once: redirect back with a code and the state."""
        query = request.query
        if query.get(client_key) != self.client_id or query.get("response_type") != "code":
            return Reply(400, "unknown client or response type")
        if not query.get("redirect_uri") or not query.get("state"):
            return Reply(400, "redirect_uri and state are required")
        if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
            return Reply(400, "only S256 challenges are accepted")
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.grants[code] = Grant(
                client_id=query[client_key],
                redirect_uri=query["redirect_uri"],
                challenge=query.get("code_challenge", ""),
                scope=query.get("scope", ""),
            )
        separator = "&" if "?" in query["redirect_uri"] else "?"
        location = f"{query['redirect_uri']}{separator}code={code}&state={query['state']}"
        return Reply(302, "", {"Location": location})

    def redeem(self, form: dict, *, pkce_required: bool) -> Grant | None:
        """The grant behind `form["code"]` if the redirect URI and PKCE verifier match; a code
        works once."""
        with self.lock:
            grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return None
        if grant.challenge or pkce_required:
            verifier = form.get("code_verifier", "")
            if not verifier or code_challenge(verifier) != grant.challenge:
                return None
        return grant

    def spend_refresh_token(self, token: str) -> bool:
        """True the first time a live refresh token is used; it is dead afterwards."""
        with self.lock:
            if token not in self.refresh_tokens:
                return False
            self.refresh_tokens.discard(token)
            self.used_refresh_tokens.add(token)
            return True

    def authorised(self, request: Request) -> bool:
        with self.lock:
            return request.bearer() in self.access_tokens

    def fault_reply(self, fault: str, request: Request) -> Reply:
        """Provider-specific answer for a fault; subclasses extend it."""
        if fault == "500":
            return Reply(500, {"title": "Internal Server Error", "status": 500})
        raise ValueError(f"{type(self).__name__} has no fault {fault!r}")

    # HTTP plumbing ----------------------------------------------------------------------------

    def _dispatch(self, request: Request) -> Reply | None:
        low, high = self.latency
        if high:
            time.sleep(random.uniform(low, high))
        with self.lock:
            self.requests.append(request)
            queued = self.faults.get(request.path)
            fault = queued.pop(0) if queued else None
        name = self.routes.get((request.method, request.path))
        if name is None:
            return Reply(404, {"message": f"no route {request.method} {request.path}"})
        if fault == "hang":
            # The request arrived and was acted on; the answer never comes.
            getattr(self, name)(request)
            self.release.wait(HANG_SECONDS)
            return None
        if fault:
            return self.fault_reply(fault, request)
        return getattr(self, name)(request)

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args):
                pass

            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query={key: values[0] for key, values in parse_qs(parts.query).items()},
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                reply = fake._dispatch(request)
                if reply is None:
                    self.close_connection = True
                    return
                body = reply.body
                payload = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(reply.status)
                content_type = "application/json" if isinstance(body, dict) else "text/plain"
                self.send_header("Content-Type", content_type)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

        return Handler
