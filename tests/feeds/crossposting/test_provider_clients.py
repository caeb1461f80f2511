"""Each provider client against its fake: the OAuth dance and the wire format of a publish."""

import httpx
import pytest

from feeds.crossposting.base import (
    AuthorisationLost,
    Content,
    OutcomeUnknown,
    Pending,
    RateLimited,
    Rejected,
    TemporaryFailure,
    TokenRejected,
)
from feeds.crossposting.providers import provider_for

REDIRECT = "https://sosoon.test/crossposting/callback/"


def approve(authorisation) -> str:
    """Follow the authorize URL as the user's browser would; return the code after checking
    that the state came back unchanged."""
    assert httpx.get(authorisation.url).status_code == 200  # the consent screen
    response = httpx.post(authorisation.url, data={"decision": "authorize"})
    assert response.status_code == 302, response.text
    location = httpx.URL(response.headers["location"])
    assert location.params["state"] == authorisation.state
    return location.params["code"]


@pytest.mark.parametrize("platform", ["x", "pinterest", "tiktok"])
def test_authorise_exchange_and_refresh_chain(platform, request):
    request.getfixturevalue(f"fake_{platform}")
    provider = provider_for(platform)
    authorisation = provider.authorise(redirect_uri=REDIRECT)
    code = approve(authorisation)

    tokens = provider.exchange(
        code=code, code_verifier=authorisation.code_verifier, redirect_uri=REDIRECT
    )
    assert provider.profile(tokens.access_token).handle == "wineclub"
    assert tokens.access_expires_at is not None

    second = provider.refresh(tokens.refresh_token)
    third = provider.refresh(second.refresh_token)
    assert len({tokens.refresh_token, second.refresh_token, third.refresh_token}) == 3
    with pytest.raises(AuthorisationLost):
        provider.refresh(second.refresh_token)  # single use: already spent


def test_x_rejects_a_wrong_pkce_verifier(fake_x):
    provider = provider_for("x")
    authorisation = provider.authorise(redirect_uri=REDIRECT)
    code = approve(authorisation)
    with pytest.raises(AuthorisationLost):
        provider.exchange(code=code, code_verifier="not-the-verifier" * 3, redirect_uri=REDIRECT)


def test_x_requires_the_client_secret(fake_x, settings):
    settings.SOSOON_X_CLIENT_SECRET = "wrong"
    provider = provider_for("x")
    authorisation = provider.authorise(redirect_uri=REDIRECT)
    with pytest.raises(AuthorisationLost):
        provider.exchange(
            code=approve(authorisation),
            code_verifier=authorisation.code_verifier,
            redirect_uri=REDIRECT,
        )


def test_x_publish_errors(fake_x):
    access, _refresh = fake_x.issue_tokens()
    x = provider_for("x")
    assert x.publish(access, Content(text="First")).external_id

    fake_x.fail("/2/tweets", "429")
    with pytest.raises(RateLimited) as limited:
        x.publish(access, Content(text="Second"))
    assert limited.value.retry_at.timestamp() > 0

    with pytest.raises(Rejected, match="duplicate"):
        x.publish(access, Content(text="First"))

    fake_x.fail("/2/tweets", "500")
    with pytest.raises(TemporaryFailure):
        x.publish(access, Content(text="Third"))

    fake_x.fail("/2/tweets", "hang")
    with pytest.raises(OutcomeUnknown):
        x.publish(access, Content(text="Fourth"))

    fake_x.expire_access_tokens()
    with pytest.raises(TokenRejected):
        x.publish(access, Content(text="Fifth"))


def test_tiktok_errors_are_plain_language(fake_tiktok):
    access, _refresh = fake_tiktok.issue_tokens()
    tiktok = provider_for("tiktok")
    photo = Content(text="Hello", privacy_level="SELF_ONLY", media=[_remote("a.jpg")])
    assert isinstance(tiktok.publish(access, photo), Pending)

    fake_tiktok.fail("/v2/post/publish/content/init/", "spam")
    with pytest.raises(Rejected, match="posted too much today"):
        tiktok.publish(access, photo)
    with pytest.raises(Rejected, match="privacy level"):
        tiktok.publish(access, Content(text="x", privacy_level="FRIENDS", media=photo.media))


def test_nothing_listening_is_a_temporary_failure(settings):
    settings.SOSOON_PINTEREST_API_BASE = "http://127.0.0.1:9"
    with pytest.raises(TemporaryFailure):
        provider_for("pinterest").boards("token")


def _remote(name):
    from feeds.crossposting.base import Media

    return Media(url=f"https://sosoon.test/{name}", path="", content_type="image/jpeg")
