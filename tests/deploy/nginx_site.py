"""deploy/nginx/sosoon.conf as shipped, run on this machine without root's ports or paths.

`render_site` swaps exactly the install-specific values (listen ports, certificate, upstream
daphne addresses, the two media directories) and fails if one of them is no longer in the
file, so the rehearsal cannot silently run a different site than the one operators install.
`minimal_nginx_conf` is the smallest nginx.conf that includes a site, with every file nginx
writes inside one directory; `certificate` makes a self-signed one for the host name.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.launcher import BASE_DIR

SHIPPED_SITE = BASE_DIR / "deploy" / "nginx" / "sosoon.conf"
# Debian's package; `nginx` on PATH is only looked for when this is missing.
NGINX = "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else shutil.which("nginx")
UPSTREAM_SERVERS = re.compile(
    r"(?:^[ \t]*server 127\.0\.0\.1:\d+(?P<parameters>[^;\n]*);[ \t]*\n)+", re.MULTILINE
)


@dataclass(frozen=True)
class SitePaths:
    http_port: int
    https_port: int
    certificate: Path
    key: Path
    upstreams: list[str]
    media_root: Path
    private_root: Path


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx/sosoon.conf no longer has exactly one {old!r}"
    return text.replace(old, new)


def render_site(paths: SitePaths, source: Path = SHIPPED_SITE) -> str:
    """The shipped site with this machine's ports, certificate, upstreams and directories."""
    text = source.read_text()
    servers = UPSTREAM_SERVERS.search(text)
    assert servers, "deploy/nginx/sosoon.conf has no upstream server list"
    # The shipped parameters (max_fails=0) stay on each server: they are part of what is tested.
    parameters = servers.group("parameters")
    text = UPSTREAM_SERVERS.sub(
        "".join(f"    server {address}{parameters};\n" for address in paths.upstreams), text, 1
    )
    for old, new in [
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{paths.http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{paths.https_port} ssl http2;"),
        ("/etc/letsencrypt/live/sosoon.example.org/fullchain.pem", str(paths.certificate)),
        ("/etc/letsencrypt/live/sosoon.example.org/privkey.pem", str(paths.key)),
        ("alias /var/lib/sosoon/media/;", f"alias {paths.media_root}/;"),
        ("alias /var/lib/sosoon/private/;", f"alias {paths.private_root}/;"),
    ]:
        text = replace_once(text, old, new)
    return text


def minimal_nginx_conf(directory: Path, site: Path, *, user: str | None = None) -> str:
    """An nginx.conf that includes `site` and keeps its pid, logs and buffers in `directory`.

    Run as root, the workers run as `user` (by default root too: the test's files sit in
    directories only root may enter, and the test is not about nginx's privilege drop).
    """
    if user is None and os.geteuid() == 0:
        user = "root root"
    temp = {name: directory / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    return "\n".join(
        [
            f"user {user};" if user else "",
            "worker_processes 1;",
            f"pid {directory / 'nginx.pid'};",
            f"error_log {directory / 'error.log'} warn;",
            "events { worker_connections 512; }",
            "http {",
            "    include /etc/nginx/mime.types;",
            "    default_type application/octet-stream;",
            f"    access_log {directory / 'access.log'};",
            *(f"    {name}_temp_path {path};" for name, path in temp.items()),
            f"    include {site};",
            "}",
            "",
        ]
    ).replace("body_temp_path", "client_body_temp_path")


def nginx_command(conf: Path, directory: Path, *args: str) -> list[str]:
    """nginx with `conf`, its prefix and startup error log in `directory`."""
    return [NGINX, "-c", str(conf), "-p", str(directory), "-e", str(directory / "error.log"), *args]


def certificate(directory: Path, host: str) -> tuple[Path, Path]:
    """A self-signed certificate for `host` and 127.0.0.1, made now; (certificate, key)."""
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-nodes", "-days", "2",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={host}",
            "-addext", f"subjectAltName=DNS:{host},IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    return cert, key
