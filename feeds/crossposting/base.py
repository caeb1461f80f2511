"""The interface every provider implements, and the outcomes the publisher acts on.

A provider turns one step (authorise, exchange, refresh, validate, publish, fetch status)
into HTTP calls and raises exactly one of the errors below when it does not succeed. The
publisher (services/publishing.py) decides what each error means for the cross-post; a
provider never retries or touches the database, and sleeps only where the network says a
step must wait before the next (X's GIF processing, `check_after_secs`), within a bound far
inside q2's task timeout.

Metrics come back through `fetch_metrics(access_token, external_ids)`, which answers a plain
dict per published item the network knows:

    {"1800000000000000000": {"impressions": 120, "likes": 4, "reposts": 1, "replies": 0}}

- keys are the `external_id`s asked for; an id the network no longer shows (deleted, not
  yet processed) is simply absent, never a dict of zeros;
- values are counts since publishing, as the network reports them now (not deltas), under
  names from METRIC_NAMES only; each provider lists the ones it can give in `metric_names`
  (empty: the network gives none for such posts, so the caller says "not available");
- at most `metrics_batch_size` ids per call (X takes 100 per request, Pinterest one pin per
  request); the caller splits larger lists;
- `metrics_rate_limit` is the network's documented per-account window for those requests,
  (requests, seconds), for pacing a schedule; the sandboxes enforce the same numbers;
- the answer is a `Readings` (a dict, as above) whose `quota` says what the network's
  rate-limit headers on the last request reported (requests still allowed in its window, and
  when the window resets), or None where it sent none: the caller stops before the quota is
  spent rather than learning it from a 429, whatever else shares the account's quota;
- a 429 raises RateLimited with `retry_at` from the network's reset header; 401 raises
  TokenRejected (refresh, then try again); other refusals raise Rejected.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feeds.crossposting import pkce
from sosoon_site.languages import ReadersWords, in_english, words_of


class ProviderError(Exception):
    """Base class: a sentence a community owner can act on. `words` are read in each reader's
    language (the network's own message, where there is one, goes in as a param, as the
    network wrote it); `reason` is their English, for the stored text and the logs."""

    def __init__(self, reason: str | ReadersWords):
        self.words = words_of(reason)
        self.reason = in_english(self.words)
        super().__init__(self.reason)


class RateLimited(ProviderError):
    """429: the provider refused for now and said when to come back (`retry_at`)."""

    def __init__(self, reason: str | ReadersWords, *, retry_at: datetime):
        super().__init__(reason)
        self.retry_at = retry_at


class TemporaryFailure(ProviderError):
    """A 5xx, or a timeout or refused connection before the request could have done anything.
    Safe to try again."""


class FailedTryAgain(TemporaryFailure):
    """An accepted publish ended as failed for a passing reason (TikTok's `internal`, a photo
    pull that did not get through): nothing went online, so publishing again is safe."""


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
    # The same image re-encoded as JPEG (photos.py), for platforms that pull no PNG or GIF.
    jpeg_url: str = ""
    # Its size in bytes and pixels, for the networks' limits (0: not known, nothing to check).
    size: int = 0
    width: int = 0
    height: int = 0

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
    # TikTok: the owner's choices (comments stay off where the creator disabled them).
    allow_comments: bool = False
    auto_add_music: bool = False


@dataclass(frozen=True)
class Published:
    """A finished publish: the platform's id for the post ("" while it is not public yet)."""

    external_id: str


@dataclass(frozen=True)
class Pending:
    """An accepted publish still processing on the platform (TikTok): poll with its id."""

    publish_id: str


@dataclass(frozen=True)
class Quota:
    """What a network's rate-limit headers said: `remaining` requests until `reset_at`."""

    remaining: int
    reset_at: datetime


class Readings(dict):
    """fetch_metrics' answer: counts per external id, and the `quota` the answer's headers
    reported (None where they named none)."""

    quota: Quota | None = None


@dataclass(frozen=True)
class Authorisation:
    """Where to send the browser, and what the callback must prove (state, PKCE verifier)."""

    url: str
    state: str
    code_verifier: str


# Every metric name a provider may report, and what it means to a person.
METRIC_NAMES = {
    "impressions": _("Impressions"),
    "likes": _("Likes"),
    "reposts": _("Reposts"),
    "replies": _("Replies"),
    "quotes": _("Quotes"),
    "bookmarks": _("Bookmarks"),
    "saves": _("Saves"),
    "pin_clicks": _("Pin clicks"),
    "outbound_clicks": _("Outbound clicks"),
}


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

    # PKCE (S256) where the platform's web flow defines it (X); Pinterest's OAuth has no PKCE
    # parameters and TikTok uses PKCE for mobile and desktop apps only, so neither is sent one.
    uses_pkce = True
    # Extra fields a refresh request carries (Pinterest's continuous_refresh).
    refresh_fields: dict[str, str] = {}

    def authorise(self, *, redirect_uri: str) -> Authorisation:
        """The authorization URL with a fresh state (and a PKCE S256 challenge where used)."""
        state = pkce.new_state()
        verifier = pkce.new_code_verifier() if self.uses_pkce else ""
        url, client = self.authorize_endpoint()
        parameters = {
            **client,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "scope": self.scopes,
            "state": state,
        }
        if verifier:
            parameters["code_challenge"] = pkce.code_challenge(verifier)
            parameters["code_challenge_method"] = "S256"
        return Authorisation(
            url=f"{url}?{urlencode(parameters)}", state=state, code_verifier=verifier
        )

    def exchange(self, *, code: str, code_verifier: str, redirect_uri: str) -> Tokens:
        """Trade the callback's code for tokens."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if self.uses_pkce:
            form["code_verifier"] = code_verifier
        return self.request_tokens(form)

    def refresh(self, refresh_token: str) -> Tokens:
        """New tokens; the returned refresh token replaces the old one (which may be dead)."""
        return self.request_tokens(
            {"grant_type": "refresh_token", "refresh_token": refresh_token, **self.refresh_fields}
        )

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

    # The metrics this network reports for a published item (names from METRIC_NAMES), and
    # how many ids one fetch_metrics call may carry.
    metric_names: tuple[str, ...] = ()
    metrics_batch_size: int = 1
    metrics_rate_limit: tuple[int, int] = (0, 0)

    def fetch_metrics(self, access_token: str, external_ids: list[str]) -> Readings:
        """Current public counts per external id (shape in the module docstring); empty where
        the network gives none for posts like ours."""
        return Readings()
