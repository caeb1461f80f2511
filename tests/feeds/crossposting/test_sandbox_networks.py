"""The sandbox networks beside the demo: served by `manage.py sandbox_networks` in development,
reachable at the URLs the settings give the providers, and impossible in production."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings

from tests.launcher import sandbox_variables, without_network_credentials
from tests.site.test_environment import PRODUCTION, start


def free_port_block(size: int = 3) -> int:
    """A port with the `size - 1` ports after it free too."""
    for _attempt in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size > 65535:
            continue
        try:
            sockets = []
            for offset in range(size):
                taken = socket.socket()
                taken.bind(("127.0.0.1", base + offset))
                sockets.append(taken)
        except OSError:
            continue
        finally:
            for taken in sockets:
                taken.close()
        return base
    raise RuntimeError("no free block of ports")


def test_production_refuses_the_sandbox_networks():
    result = start({**PRODUCTION, "SOSOON_SANDBOX_NETWORKS": "1"})
    assert result.returncode != 0
    assert "SOSOON_SANDBOX_NETWORKS" in result.stderr
    assert "development only" in result.stderr


def test_production_serves_no_sandbox():
    result = start(PRODUCTION, "sandbox_networks")
    assert result.returncode != 0
    assert "only in development" in result.stderr


def test_production_points_the_providers_at_the_real_networks():
    result = start(
        PRODUCTION,
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SOSOON_SANDBOX_NETWORKS, "
        "s.SOSOON_X_API_BASE, s.SOSOON_PINTEREST_API_BASE, s.SOSOON_TIKTOK_API_BASE)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "False",
        "https://api.x.com",
        "https://api.pinterest.com",
        "https://open.tiktokapis.com",
    ]


def test_development_serves_the_sandboxes_where_the_providers_point(tmp_path):
    port = free_port_block()
    env = {
        **without_network_credentials(os.environ),
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "sosoon_site.settings",
        **sandbox_variables(port=port, state_dir=tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "sandbox_networks"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                profile = httpx.get(f"http://127.0.0.1:{port + 2}/@wineclub")
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the sandboxes did not start")
                time.sleep(0.2)
        assert profile.status_code == 200
        assert "Sandbox TikTok" in profile.text
        consent = httpx.get(
            f"http://127.0.0.1:{port}/i/oauth2/authorize",
            params={
                "client_id": "sosoon-sandbox",
                "response_type": "code",
                "redirect_uri": "http://127.0.0.1:8000/crossposting/callback/x/",
                "scope": "tweet.read tweet.write users.read media.write offline.access",
                "state": "s",
                "code_challenge": "c" * 43,
                "code_challenge_method": "S256",
            },
        )
        assert consent.status_code == 200
        assert "Authorize" in consent.text
        assert httpx.get(f"http://127.0.0.1:{port + 1}/wineclub/").status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=15)
