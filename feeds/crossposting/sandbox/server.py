"""The shared machinery of the sandboxes: a threaded HTTP server, requests, replies, faults,
granted scopes per token, rate-limit windows, and the two HTML pages a person sees (the
consent screen with its one-click "Authorize" and the account's public profile)."""

import base64
import html
import json
import random
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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


@dataclass
class Window:
    """One rate-limit window of one endpoint for one access token."""

    reset: int
    used: int = 0


class SandboxProvider:
    """Subclasses fill `routes` and the provider-specific replies."""

    client_id = "sosoon-client"
    client_secret = "sosoon-secret"
    access_prefix = "at-"
    refresh_prefix = "rt-"

    # Scopes the network offers; a token issued without a grant (issue_tokens) carries these.
    all_scopes: frozenset[str] = frozenset()
    # Scope separator in the authorize request, as the network spells its list.
    scope_separator = " "
    # route name -> scopes its specification requires
    required_scopes: dict[str, set[str]] = {}
    # route name -> (requests, window seconds) per access token, the network's documented limits
    limits: dict[str, tuple[int, int]] = {}
    # What the network calls itself on its pages.
    label = ""

    def __init__(
        self,
        *,
        latency: tuple[float, float] = (0.0, 0.0),
        host: str = "127.0.0.1",
        port: int = 0,
        state_path: Path | None = None,
    ):
        self.latency = latency
        # Where the demo keeps the sandbox's tokens and posts across restarts (None: memory).
        self.state_path = state_path
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.requests: list[Request] = []
        self.faults: dict[str, list[str]] = {}
        self.grants: dict[str, Grant] = {}
        # access token -> the scopes it was granted
        self.access_tokens: dict[str, set[str]] = {}
        self.windows: dict[tuple[str, str], Window] = {}
        # refresh token -> the scopes of the grant it renews
        self.refresh_tokens: dict[str, set[str]] = {}
        self.used_refresh_tokens: set[str] = set()
        self.posts: list[dict] = []
        self.server = _Server((host, port), self._handler_class())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # Lifecycle -----------------------------------------------------------------------------

    def start(self) -> "SandboxProvider":
        if self.state_path and self.state_path.exists():
            self.restore(json.loads(self.state_path.read_text()))
        self.thread.start()
        return self

    # What survives a restart of the demo: who is connected, and what they posted.
    kept: tuple[str, ...] = ("access_tokens", "refresh_tokens", "posts")

    def snapshot(self) -> dict:
        with self.lock:
            return {
                name: (
                    {key: sorted(value) for key, value in getattr(self, name).items()}
                    if name.endswith("_tokens")
                    else getattr(self, name)
                )
                for name in self.kept
            }

    def restore(self, state: dict) -> None:
        with self.lock:
            for name in self.kept:
                if name not in state:
                    continue
                value = state[name]
                if name.endswith("_tokens"):
                    value = {key: set(scopes) for key, scopes in value.items()}
                setattr(self, name, value)

    def save(self) -> None:
        if self.state_path:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.state_path.with_suffix(".tmp")
            temporary.write_text(json.dumps(self.snapshot()))
            temporary.replace(self.state_path)

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
        "hang", "garbled" (a 200 that is not JSON), "no_id" (a success without the id the
        spec promises), or a provider-specific one such as "duplicate" or "spam")."""
        with self.lock:
            self.faults.setdefault(path, []).extend([fault] * times)

    def expire_access_tokens(self) -> None:
        """Every access token issued so far stops working (as after two hours on X)."""
        with self.lock:
            self.access_tokens.clear()

    def issue_tokens(self, scopes: set[str] | None = None) -> tuple[str, str]:
        """A fresh access/refresh pair granting `scopes` (all the network offers by default),
        as the token endpoint would hand out."""
        access = f"{self.access_prefix}{secrets.token_hex(8)}"
        refresh = f"{self.refresh_prefix}{secrets.token_hex(8)}"
        granted = set(self.all_scopes if scopes is None else scopes)
        with self.lock:
            self.access_tokens[access] = granted
            self.refresh_tokens[refresh] = granted
        return access, refresh

    def calls(self, path: str) -> list[Request]:
        return [request for request in self.requests if request.path == path]

    # Shared provider behaviour ------------------------------------------------------------

    routes: dict[tuple[str, str], str] = {}

    # Authorize-request parameters the network's specification does not define: a request
    # carrying one is refused, as a strict reading of the specification would.
    unknown_authorize_parameters: frozenset[str] = frozenset()
    client_key = "client_id"

    def check_authorize(self, query: dict[str, str]) -> str:
        """Why the authorize request is refused, or "" when the consent screen may show."""
        if query.get(self.client_key) != self.client_id or query.get("response_type") != "code":
            return "Unknown client or response type."
        if not query.get("redirect_uri") or not query.get("state"):
            return "redirect_uri and state are required."
        if query.get("code_challenge") and query.get("code_challenge_method") != "S256":
            return "Only S256 challenges are accepted."
        unknown = self.unknown_authorize_parameters & set(query)
        if unknown:
            return f"Unknown parameters: {', '.join(sorted(unknown))}."
        unknown_scopes = self.requested_scopes(query.get("scope", "")) - self.all_scopes
        if unknown_scopes:
            return f"Unknown scopes: {', '.join(sorted(unknown_scopes))}."
        return ""

    def authorize(self, request: Request) -> Reply:
        """The consent screen: GET shows it with one "Authorize" button, POST (the button)
        redirects back with a code and the state; "Cancel" redirects with access_denied."""
        query = request.query
        refusal = self.check_authorize(query)
        if refusal:
            return self.page(400, "Cannot authorise", f"<p>{html.escape(refusal)}</p>")
        if request.method == "GET":
            scopes = "".join(
                f"<li>{html.escape(scope)}</li>"
                for scope in sorted(self.requested_scopes(query.get("scope", "")))
            )
            return self.page(
                200,
                f"Authorise Sosoon on {self.label}",
                f"<p>Sosoon asks to use your sandbox {html.escape(self.label)} account "
                f"<strong>@{html.escape(self.username)}</strong> with these permissions:</p>"
                f"<ul>{scopes}</ul>"
                '<form method="post"><button name="decision" value="authorize" autofocus>'
                'Authorize</button> <button name="decision" value="cancel">Cancel</button>'
                "</form>",
            )
        separator = "&" if "?" in query["redirect_uri"] else "?"
        if request.form().get("decision") != "authorize":
            location = (
                f"{query['redirect_uri']}{separator}error=access_denied&state={query['state']}"
            )
            return Reply(302, "", {"Location": location})
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.grants[code] = Grant(
                client_id=query[self.client_key],
                redirect_uri=query["redirect_uri"],
                challenge=query.get("code_challenge", ""),
                scope=query.get("scope", ""),
            )
        location = f"{query['redirect_uri']}{separator}code={code}&state={query['state']}"
        return Reply(302, "", {"Location": location})

    def redeem(self, form: dict, *, pkce: bool) -> Grant | None:
        """The grant behind `form["code"]` if the redirect URI matches and, where the network
        uses PKCE (`pkce`), the verifier matches the challenge; where it does not, a verifier
        is a parameter its token endpoint does not define and the exchange is refused. A code
        works once."""
        with self.lock:
            grant = self.grants.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return None
        verifier = form.get("code_verifier", "")
        if not pkce:
            return None if verifier else grant
        if not verifier or code_challenge(verifier) != grant.challenge:
            return None
        return grant

    def spend_refresh_token(self, token: str) -> set[str] | None:
        """The grant's scopes the first time a live refresh token is used (it is dead
        afterwards); None for a dead or unknown one."""
        with self.lock:
            scopes = self.refresh_tokens.pop(token, None)
            if scopes is not None:
                self.used_refresh_tokens.add(token)
            return scopes

    def requested_scopes(self, value: str) -> set[str]:
        return {scope.strip() for scope in value.split(self.scope_separator) if scope.strip()}

    def authorised(self, request: Request) -> bool:
        with self.lock:
            return request.bearer() in self.access_tokens

    def missing_scopes(self, request: Request, route: str) -> set[str]:
        """The scopes `route` requires that the request's token was not granted."""
        with self.lock:
            granted = self.access_tokens.get(request.bearer(), set())
        return set(self.required_scopes.get(route, set())) - granted

    def scope_reply(self, missing: set[str]) -> Reply:
        """The network's answer to a token lacking scopes; subclasses give the real shape."""
        return Reply(403, {"message": f"missing scopes: {', '.join(sorted(missing))}"})

    def rate_headers(self, limit: int, remaining: int, reset: int) -> dict[str, str]:
        """The network's rate-limit headers; subclasses name them as the network does."""
        return {}

    def rate_limited_reply(self, reset: int) -> Reply:
        """The network's 429; subclasses give the real body and headers."""
        return Reply(429, {"message": "Too Many Requests"})

    def _count(self, route: str, request: Request) -> tuple[Reply | None, dict[str, str]]:
        """Charge one request to the token's window for `route`: (429 reply or None, headers)."""
        if route not in self.limits:
            return None, {}
        limit, seconds = self.limits[route]
        now = int(time.time())
        with self.lock:
            key = (route, request.bearer())
            window = self.windows.get(key)
            if window is None or window.reset <= now:
                window = self.windows[key] = Window(reset=now + seconds)
            if window.used >= limit:
                return self.rate_limited_reply(window.reset), {}
            window.used += 1
            remaining, reset = limit - window.used, window.reset
        return None, self.rate_headers(limit, remaining, reset)

    # Pages a person opens ---------------------------------------------------------------------

    def page(self, status: int, title: str, body: str) -> Reply:
        """An HTML page, labelled as a sandbox in its title and on its banner."""
        heading = html.escape(title)
        document = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{heading} (Sandbox {html.escape(self.label)})</title>"
            "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;"
            "padding:1rem}.banner{background:#fde68a;padding:.5rem;border-radius:.3rem}"
            "article{border:1px solid #ddd;border-radius:.5rem;padding:.75rem;margin:.75rem 0}"
            "article p{white-space:pre-wrap}img{max-width:100%}"
            "button{font-size:1.1rem;padding:.5rem 1rem}</style></head><body>"
            f"<p class='banner'><strong>Sandbox {html.escape(self.label)}</strong>: a stand-in "
            "for the real network on this development machine. Nothing here is public.</p>"
            f"<h1>{heading}</h1>{body}</body></html>"
        )
        return Reply(status, document, {"Content-Type": "text/html; charset=utf-8"})

    def profile_page(self, request: Request) -> Reply:
        """The account's public profile: everything posted to this sandbox, newest first."""
        with self.lock:
            posts = list(reversed(self.posts))
        items = "".join(self.render_post(post) for post in posts) or "<p>Nothing posted yet.</p>"
        return self.page(200, f"@{self.username}", items)

    def render_post(self, post: dict) -> str:
        """One post as the network would show it; subclasses pick the fields."""
        return f"<article>{html.escape(json.dumps(post))}</article>"

    def fault_reply(self, fault: str, request: Request) -> Reply:
        """Provider-specific answer for a fault; subclasses extend it."""
        if fault == "500":
            return Reply(500, {"title": "Internal Server Error", "status": 500})
        if fault == "garbled":
            # A 200 that is not the API's JSON: what a misconfigured proxy or CDN answers.
            return Reply(200, "<html><body>Service page</body></html>")
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
        name, arguments = self.route(request)
        if name is None:
            return Reply(404, {"message": f"no route {request.method} {request.path}"})
        handler = getattr(self, name)
        if fault == "hang":
            # The request arrived and was acted on; the answer never comes.
            handler(request, *arguments)
            self.release.wait(HANG_SECONDS)
            return None
        if fault:
            return self.fault_reply(fault, request)
        limited, headers = self._count(name, request)
        if limited:
            return limited
        reply = handler(request, *arguments)
        if reply.status < 400 or reply.status == 429:
            reply.headers = {**headers, **reply.headers}
        if request.method == "POST" and reply.status < 400:
            self.save()
        return reply

    # (method, regular expression on the path) -> handler name, for paths with ids in them
    patterns: tuple[tuple[str, str, str], ...] = ()

    def route(self, request: Request) -> tuple[str | None, tuple[str, ...]]:
        name = self.routes.get((request.method, request.path))
        if name:
            return name, ()
        for method, pattern, name in self.patterns:
            match = re.fullmatch(pattern, request.path)
            if method == request.method and match:
                return name, match.groups()
        return None, ()

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
                headers = {"Content-Type": content_type, **reply.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

        return Handler
