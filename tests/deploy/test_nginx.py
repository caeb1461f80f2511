"""The shipped nginx site is valid nginx, and in front of a production daphne it serves pages
over HTTPS, upgrades the socket, and sends post images only through Sosoon's X-Accel-Redirect.

Needs Debian's nginx package (`apt-get install -y nginx`) and openssl; skipped without them.
"""

import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.deploy.environment_file import HOST
from tests.deploy.nginx_site import (
    NGINX,
    SitePaths,
    certificate,
    minimal_nginx_conf,
    nginx_command,
    render_site,
)
from tests.deploy.production import browser_socket, free_port, running_daphne

pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed: apt-get install -y nginx"),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed"),
]
STARTUP_SECONDS = 15


def configure(directory: Path, *, upstreams: list[str], media: Path, private: Path) -> SitePaths:
    """Write the rendered site and a minimal nginx.conf including it into `directory`."""
    cert, key = certificate(directory, HOST)
    paths = SitePaths(free_port(), free_port(), cert, key, upstreams, media, private)
    (directory / "sosoon.conf").write_text(render_site(paths))
    (directory / "nginx.conf").write_text(minimal_nginx_conf(directory, directory / "sosoon.conf"))
    return paths


def nginx_test(directory: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        nginx_command(directory / "nginx.conf", directory, "-t"),
        capture_output=True,
        text=True,
        timeout=30,
    )


@contextmanager
def running_nginx(directory: Path, paths: SitePaths) -> Iterator[subprocess.Popen]:
    """nginx in the foreground for the block, once its HTTPS port accepts; stopped by PID."""
    process = subprocess.Popen(
        nginx_command(directory / "nginx.conf", directory, "-g", "daemon off;"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, (directory / "error.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", paths.https_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not listen in time"
                time.sleep(0.05)
        yield process
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_shipped_site_passes_nginx_t(tmp_path):
    configure(
        tmp_path,
        upstreams=["127.0.0.1:8001", "127.0.0.1:8002"],
        media=tmp_path / "media",
        private=tmp_path / "private",
    )

    result = nginx_test(tmp_path)

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_t_catches_a_broken_site(tmp_path):
    """The check above can fail: the same harness refuses a site with an unknown directive."""
    configure(tmp_path, upstreams=["127.0.0.1:8001"], media=tmp_path, private=tmp_path)
    site = tmp_path / "sosoon.conf"
    site.write_text(site.read_text().replace("client_max_body_size", "client_max_bodysize"))

    result = nginx_test(tmp_path)

    assert result.returncode != 0
    assert "client_max_bodysize" in result.stderr


def test_nginx_in_front_of_daphne_serves_pages_sockets_and_private_images(
    production_install, tmp_path
):
    install = production_install
    content = install.content
    stored = install.private_root / content["public_file"]
    with running_daphne(install.env, install.workdir, name="behind-nginx") as web:
        paths = configure(
            tmp_path,
            upstreams=[f"127.0.0.1:{web.port}"],
            media=Path(install.env["MEDIA_ROOT"]),
            private=install.private_root,
        )
        with running_nginx(tmp_path, paths):
            tls = ssl.create_default_context(cafile=str(paths.certificate))
            origin = f"https://127.0.0.1:{paths.https_port}"
            with httpx.Client(
                base_url=origin, verify=tls, headers={"Host": HOST}, timeout=10
            ) as client:
                page = client.get(f"/p/{content['public_post']}/")
                image = client.get(content["public_image"])
                hidden = client.get(content["members_image"])
                direct = client.get(f"/_private/{content['public_file']}")
            plain = httpx.get(
                f"http://127.0.0.1:{paths.http_port}/", headers={"Host": HOST}, timeout=10
            )
            try:
                socket_through_nginx = browser_socket(paths.https_port, tls=tls)
            except TimeoutError as error:
                raise AssertionError(
                    f"no handshake answer through nginx\n--- daphne:\n{web.stderr()[-4000:]}"
                    f"\n--- nginx:\n{(tmp_path / 'error.log').read_text()[-4000:]}"
                ) from error
            with socket_through_nginx, pytest.raises(ConnectionClosed) as closed:
                socket_through_nginx.recv(timeout=10)

    assert page.status_code == 200, page.text
    assert "Open house" in page.text
    assert "max-age=31536000" in page.headers["strict-transport-security"], "Django saw HTTPS"
    assert image.status_code == 200
    assert image.content == stored.read_bytes(), "nginx sent the stored file"
    assert image.headers["content-type"] == "image/jpeg"
    assert "x-accel-redirect" not in image.headers
    assert image.headers["cache-control"] == "private, max-age=3600"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert hidden.status_code == 404, "a members-only image is not shown to a visitor"
    assert direct.status_code == 404, "the internal location is not reachable from outside"
    assert plain.status_code == 301
    assert plain.headers["location"] == f"https://{HOST}/"
    assert closed.value.rcvd.code == 4401, "the socket reached Sosoon, which wants a sign-in"
