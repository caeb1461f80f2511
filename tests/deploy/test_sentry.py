"""With SENTRY_DSN set, an error in a real production daphne reaches Sentry; unset, Sentry is
never started."""

import httpx
import pytest
from websockets.exceptions import ConnectionClosed

from tests.deploy.production import browser_socket, manage, proxied, running_daphne
from tests.fakes.sentry import PROJECT, PUBLIC_KEY, FakeSentry

REPORT_SECONDS = 15


def test_an_error_in_a_view_is_reported_with_its_exception_type(production_install):
    with FakeSentry() as sentry:
        env = {
            **production_install.env,
            "DJANGO_SETTINGS_MODULE": "tests.deploy.failing_settings",
            "SENTRY_DSN": sentry.dsn,
        }
        with running_daphne(env, production_install.workdir, name="sentry") as web:
            failed = httpx.get(f"{web.base_url}/deliberate-failure/", headers=proxied(), timeout=10)
            fine = httpx.get(f"{web.base_url}/", headers=proxied(), timeout=10)
            with (
                browser_socket(web.port) as socket,
                pytest.raises(ConnectionClosed) as closed,
            ):
                socket.recv(timeout=10)
            event = sentry.wait_for_event(timeout=REPORT_SECONDS)

    assert (failed.status_code, fine.status_code) == (500, 200)
    assert closed.value.rcvd.code == 4401, "sockets still reach Sosoon with Sentry on"
    assert event is not None, f"no event within {REPORT_SECONDS} s:\n{web.stderr()}"
    (exception,) = [value for value in event["exception"]["values"] if value["type"] != "str"]
    assert exception["type"] == "DeliberateFailure"
    assert exception["value"] == "raised on purpose by the deployment tests"
    assert event["request"]["url"].endswith("/deliberate-failure/")
    assert "cookies" not in event["request"], "no personal data"
    envelope = sentry.envelopes[0]
    assert envelope.path == f"/api/{PROJECT}/envelope/"
    assert f"sentry_key={PUBLIC_KEY}" in envelope.auth
    assert len(sentry.events()) == 1, "the page that worked reported nothing"


@pytest.mark.parametrize("dsn", [None, ""])
def test_without_a_dsn_sentry_is_never_started(production_install, dsn):
    env = {k: v for k, v in production_install.env.items() if k != "SENTRY_DSN"}
    if dsn is not None:
        env["SENTRY_DSN"] = dsn
    code = "import sentry_sdk; print(sentry_sdk.is_initialized())"

    result = manage(env, "shell", "--no-imports", "-v", "0", "-c", code)

    assert result.stdout.strip() == "False", result.stderr


def test_with_a_dsn_sentry_is_started(production_install):
    env = {**production_install.env, "SENTRY_DSN": f"http://{PUBLIC_KEY}@127.0.0.1:9/{PROJECT}"}
    code = "import sentry_sdk; print(sentry_sdk.is_initialized())"

    result = manage(env, "shell", "--no-imports", "-v", "0", "-c", code)

    assert result.stdout.strip() == "True", result.stderr
