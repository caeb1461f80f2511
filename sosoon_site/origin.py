"""The /ws/ socket's Origin check: the page that opens a socket must come from the very site
(host and port) the socket connects to.

Channels' AllowedHostsOriginValidator compares the Origin's host with ALLOWED_HOSTS only, so
a page on another port of the same host (another program at http://127.0.0.1:9) or another
allowed name (http://localhost) could open a signed-in socket. This validator keeps that
check and adds one: the Origin's host and port must equal those of the Host header the
browser sent with the handshake (X-Forwarded-Host behind the proxy, as for pages). Default
ports compare equal to no port, since browsers leave them out of both headers.
"""

from urllib.parse import urlsplit

from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port

DEFAULT_PORTS = {"80", "443"}


def _header(scope, name: bytes) -> str | None:
    for header, value in scope.get("headers", []):
        if header == name:
            return value.decode("latin1")
    return None


def _site_of(host_and_port: str) -> tuple[str, str]:
    host, port = split_domain_port(host_and_port.strip().lower())
    return host, "" if port in DEFAULT_PORTS else port


def origin_matches_host(scope) -> bool:
    """Whether the handshake's Origin names the host and port its Host header names."""
    origin = _header(scope, b"origin")
    host = None
    if settings.USE_X_FORWARDED_HOST:
        host = _header(scope, b"x-forwarded-host")
        host = host.split(",")[0] if host else None
    host = host or _header(scope, b"host")
    if not origin or not host:
        return False
    try:
        parsed = urlsplit(origin)
        origin_port = parsed.port
    except ValueError:
        return False
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return False
    origin_host = parsed.hostname.lower()
    if ":" in origin_host:
        origin_host = f"[{origin_host}]"
    explicit = "" if origin_port is None else str(origin_port)
    origin_site = (origin_host, "" if explicit in DEFAULT_PORTS else explicit)
    return origin_site == _site_of(host)


class SameSiteOriginValidator:
    """ASGI middleware: refuse the handshake unless the Origin is an allowed host and names
    the host and port the socket was opened on."""

    def __init__(self, application):
        self.allowed_hosts = AllowedHostsOriginValidator(application)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_matches_host(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.allowed_hosts(scope, receive, send)
