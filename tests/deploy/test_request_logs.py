"""A production daphne writes one JSON line per request, with what an operator searches by."""

import json

import httpx

from tests.deploy.production import manage_or_fail, proxied, running_daphne


def request_lines(stderr: str) -> list[dict]:
    """The per-request lines among everything daphne wrote; every line must be JSON."""
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    return [line for line in lines if line["event"] in {"request_finished", "request_failed"}]


def test_each_request_is_one_json_line_with_id_method_path_status_duration_and_user(
    production_install,
):
    with running_daphne(production_install.env, production_install.workdir, name="logs") as web:
        before = len(request_lines(web.stderr()))
        with httpx.Client(base_url=web.base_url, headers=proxied(), timeout=10) as client:
            home = client.get("/?q=secret-search-words")
            missing = client.get("/c/no-such-community/")
            image = client.get(production_install.content["members_image"])
    lines = request_lines(web.stderr())[before:]

    assert (home.status_code, missing.status_code, image.status_code) == (200, 404, 404)
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/", 200),
        ("GET", "/c/no-such-community/", 404),
        ("GET", production_install.content["members_image"], 404),
    ]
    for line in lines:
        assert set(line) >= {"request_id", "duration_ms", "user_id", "timestamp", "level"}
        assert line["user_id"] is None, "nobody signed in"
        assert line["duration_ms"] > 0
    assert len({line["request_id"] for line in lines}) == 3
    assert "secret-search-words" not in web.stderr(), "query strings stay out of the logs"


def test_a_signed_in_request_names_its_user(production_install):
    code = (
        "from django.contrib.sessions.backends.db import SessionStore; "
        "from sosoon_site.accounts.models import User; "
        "user = User.objects.get(email='owner@example.org'); "
        "s = SessionStore(); s['_auth_user_id'] = str(user.pk); "
        "s['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'; "
        "s['_auth_user_hash'] = user.get_session_auth_hash(); s.create(); "
        "print(user.pk, s.session_key)"
    )
    user_id, session_key = manage_or_fail(
        production_install.env, "shell", "--no-imports", "-v", "0", "-c", code
    ).split()
    with running_daphne(production_install.env, production_install.workdir, name="user") as web:
        response = httpx.get(
            f"{web.base_url}/notifications/",
            headers=proxied(),
            cookies={"sessionid": session_key},
            timeout=10,
        )
    (line,) = [line for line in request_lines(web.stderr()) if line["path"] == "/notifications/"]

    assert response.status_code == 200
    assert line["user_id"] == int(user_id)
