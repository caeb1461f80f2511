"""The interface every provider implements, and the outcomes the publisher acts on.

A provider turns one step (authorise, exchange, refresh, validate, publish, fetch status)
into HTTP calls and raises exactly one of the errors below when it does not succeed. The
publisher (services/publishing.py) decides what each error means for the cross-post; a
provider never retries, sleeps or touches the database.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.utils import timezone

from feeds.crossposting import pkce


class ProviderError(Exception):
    """Base class: `reason` is a sentence a community owner can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RateLimited(ProviderError):
    """429: the provider refused for now and said when to come back (`retry_at`)."""

    def __init__(self, reason: str, *, retry_at: datetime):
        super().__init__(reason)
        self.retry_at = retry_at


class TemporaryFailure(ProviderError):
    """A 5xx, or a timeout or refused connection before the request could have done anything.
    Safe to try again."""


class OutcomeUnknown(ProviderError):
    """The create request was sent and no answer came back: it may or may not be live."""


class TokenRejected(ProviderError):
    """401: the access token is expired or revoked; a refresh may fix it."""


class AuthorisationLost(ProviderError):
    """The refresh token (or authorization code) was refused: the account must reconnect."""


class Rejected(ProviderError):
    """The provider refused the content for good (duplicate, spam risk, privacy level, invalid
    fields). Retrying would fail the same way."""


@dataclass(frozen=True)
class Tokens:
    """What a token endpoint returned, with lifetimes turned into instants."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    scopes: str
    # The provider's id for the person (X user id, TikTok open_id); "" where it sends none.
    subject: str = ""

    @classmethod
    def from_response(cls, payload: dict, *, subject_key: str = "") -> Tokens:
        now = timezone.now()

        def later(seconds) -> datetime | None:
            return now + timedelta(seconds=int(seconds)) if seconds else None

        return cls(
            access_token=payload["access_token"],
            refresh_token=payload.get("refresh_token", ""),
            access_expires_at=later(payload.get("expires_in")),
            refresh_expires_at=later(
                payload.get("refresh_expires_in") or payload.get("refresh_token_expires_in")
            ),
            scopes=payload.get("scope", ""),
            subject=str(payload.get(subject_key, "")) if subject_key else "",
        )


@dataclass(frozen=True)
class Profile:
    """Who the connected account is on the platform."""

    external_id: str
    handle: str


@dataclass(frozen=True)
class Media:
    """One image to attach: its public URL (for providers that pull) and a way to read its
    bytes (for providers that want an upload)."""

    url: str
    path: str
    content_type: str
    alt_text: str = ""

    def read(self) -> bytes:
        from feeds.models import private_storage

        with private_storage.open(self.path, "rb") as handle:
            return handle.read()


@dataclass(frozen=True)
class Content:
    """What to publish, already in each platform's fields."""

    text: str
    media: list[Media] = field(default_factory=list)
    title: str = ""
    link: str = ""
    alt_text: str = ""
    board_id: str = ""
    privacy_level: str = ""


@dataclass(frozen=True)
class Published:
    """A finished publish: the platform's id for the post ("" while it is not public yet)."""

    external_id: str


@dataclass(frozen=True)
class Pending:
    """An accepted publish still processing on the platform (TikTok): poll with its id."""

    publish_id: str


@dataclass(frozen=True)
class Authorisation:
    """Where to send the browser, and what the callback must prove (state, PKCE verifier)."""

    url: str
    state: str
    code_verifier: str


class Provider(abc.ABC):
    """One platform. Instances are cheap and hold no tokens."""

    platform: str
    label: str
    # Character limits and counts checked before saving a cross-post (validate).
    max_images: int

    # Space- or comma-separated, as the platform spells its scope list.
    scopes: str

    @abc.abstractmethod
    def authorize_endpoint(self) -> tuple[str, dict[str, str]]:
        """The authorization URL and the parameter naming our client (client_id or client_key)."""

    @abc.abstractmethod
    def request_tokens(self, form: dict[str, str]) -> Tokens:
        """POST `form` to the token endpoint, with the client's credentials the platform's way;
        AuthorisationLost when the code or refresh token is refused."""

    def authorise(self, *, redirect_uri: str) -> Authorisation:
        """The authorization URL with a fresh state and PKCE (S256) challenge."""
        state, verifier = pkce.new_state(), pkce.new_code_verifier()
        url, client = self.authorize_endpoint()
        query = urlencode(
            {
                **client,
                "response_type": "code",
                "redirect_uri": redirect_uri,
                "scope": self.scopes,
                "state": state,
                "code_challenge": pkce.code_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        return Authorisation(url=f"{url}?{query}", state=state, code_verifier=verifier)

    def exchange(self, *, code: str, code_verifier: str, redirect_uri: str) -> Tokens:
        """Trade the callback's code for tokens."""
        return self.request_tokens(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": code_verifier,
            }
        )

    def refresh(self, refresh_token: str) -> Tokens:
        """New tokens; the returned refresh token replaces the old one (which may be dead)."""
        return self.request_tokens({"grant_type": "refresh_token", "refresh_token": refresh_token})

    @abc.abstractmethod
    def profile(self, access_token: str) -> Profile:
        """The connected person's id and handle."""

    @abc.abstractmethod
    def validate(self, content: Content) -> dict[str, str]:
        """Field name -> reason for every rule `content` breaks; empty when it may be sent."""

    @abc.abstractmethod
    def publish(self, access_token: str, content: Content) -> Published | Pending:
        """Create the post. Raises one of the ProviderError subclasses when it does not."""

    @abc.abstractmethod
    def post_url(self, *, handle: str, external_id: str) -> str:
        """A link people can open to see the published post."""

    def fetch_status(self, access_token: str, publish_id: str) -> Published | Pending:
        """Where an accepted publish stands (only providers that return Pending need this)."""
        raise NotImplementedError(f"{self.label} publishes synchronously.")
