"""Connecting, refreshing and disconnecting a community's accounts.

Refreshing is serialised per account with a row lock: X refresh tokens are single-use, so two
workers refreshing at once would leave one of them holding a dead token and the account
disconnected. The new refresh token is saved in the same transaction that holds the lock,
before anything else happens with it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from communities.models import Community
from feeds.crossposting.base import AuthorisationLost, ProviderError, Tokens
from feeds.crossposting.models import AccountStatus, CrossPostStatus, ExternalAccount
from feeds.crossposting.providers import provider_for
from feeds.crossposting.services.notices import notify_account_problem
from sosoon_site.languages import ReadersWords, in_english, words_of

# Refresh an access token this long before it expires rather than let a publish hit a 401.
EARLY_REFRESH = timedelta(minutes=5)
SESSION_KEY = "crossposting_connect"


@dataclass(frozen=True)
class PendingConnection:
    """What the callback needs from the session: where it started and the PKCE verifier."""

    platform: str
    community_id: int
    code_verifier: str
    redirect_uri: str


def begin_connect(session, community: Community, platform: str, *, redirect_uri: str) -> str:
    """Remember a new state/verifier pair in the session; return the authorization URL."""
    authorisation = provider_for(platform).authorise(redirect_uri=redirect_uri)
    pending = session.get(SESSION_KEY, {})
    pending[authorisation.state] = {
        "platform": platform,
        "community_id": community.pk,
        "code_verifier": authorisation.code_verifier,
        "redirect_uri": redirect_uri,
    }
    # Only the latest few attempts stay valid.
    session[SESSION_KEY] = dict(list(pending.items())[-5:])
    return authorisation.url


def take_pending_connection(session, platform: str, state: str) -> PendingConnection | None:
    """The attempt `state` names, removed from the session (a state works once); None when
    the state is unknown or was issued for another platform."""
    pending = session.get(SESSION_KEY, {})
    entry = pending.pop(state or "", None)
    session[SESSION_KEY] = pending
    if entry is None or entry["platform"] != platform:
        return None
    return PendingConnection(**entry)


def do_connect_account(
    community: Community, platform: str, tokens: Tokens, *, connected_by
) -> ExternalAccount:
    """Create or renew the community's account for the person the tokens belong to."""
    profile = provider_for(platform).profile(tokens.access_token)
    external_id = tokens.subject or profile.external_id or profile.handle
    account = ExternalAccount.objects.filter(
        community=community, platform=platform, external_id=external_id
    ).first() or ExternalAccount(community=community, platform=platform, external_id=external_id)
    account.handle = profile.handle
    account.connected_by = connected_by
    account.disconnected_at = None
    _store_tokens(account, tokens)
    account.save()
    return account


def _store_tokens(account: ExternalAccount, tokens: Tokens) -> None:
    account.access_token = tokens.access_token
    # A provider that does not rotate on this refresh leaves the current refresh token valid.
    if tokens.refresh_token:
        account.refresh_token = tokens.refresh_token
    account.access_expires_at = tokens.access_expires_at
    if tokens.refresh_expires_at:
        account.refresh_expires_at = tokens.refresh_expires_at
    if tokens.scopes:
        account.scopes = tokens.scopes
    account.status = AccountStatus.CONNECTED
    account.status_reason, account.status_reason_words = "", None


def do_disconnect_account(account: ExternalAccount) -> int:
    """Forget the tokens and cancel what was waiting to go out; returns how many were."""
    with transaction.atomic():
        account.access_token_ciphertext = ""
        account.refresh_token_ciphertext = ""
        account.disconnected_at = timezone.now()
        account.save()
        return account.crossposts.filter(status=CrossPostStatus.SCHEDULED).update(
            status=CrossPostStatus.CANCELLED,
            reason=gettext_noop("Cancelled: the account was disconnected."),
            reason_words=None,
            updated_at=timezone.now(),
        )


def refresh_account(account_id: int, *, stale_access_token: str | None = None) -> ExternalAccount:
    """Refresh the account's tokens under its row lock and return the account.

    With `stale_access_token`, nothing is refreshed if another worker already replaced that
    token while we waited for the lock. A refused refresh marks the account reauth_required
    and tells the owner (AuthorisationLost is re-raised); a transient failure marks it
    refresh_failing (re-raised too)."""
    failure: ProviderError | None = None
    with transaction.atomic():
        account = ExternalAccount.objects.select_for_update().get(pk=account_id)
        if stale_access_token is not None and account.access_token != stale_access_token:
            return account
        try:
            tokens = provider_for(account.platform).refresh(account.refresh_token)
        except AuthorisationLost as error:
            account.status = AccountStatus.REAUTH_REQUIRED
            _say_why(account, error.words)
            failure = error
        except ProviderError as error:
            account.status = AccountStatus.REFRESH_FAILING
            _say_why(account, error.words)
            failure = error
        else:
            _store_tokens(account, tokens)
        account.save()
    if failure is not None:
        if isinstance(failure, AuthorisationLost):
            notify_account_problem(account)
        raise failure
    return account


# How long before a refresh token runs out the daily job renews it. The lifetime itself always
# comes from the provider (refresh_expires_in / refresh_token_expires_in), never assumed.
REFRESH_AHEAD = timedelta(days=7)


def refresh_expiring_accounts(*, now: datetime | None = None) -> int:
    """Renew the tokens of connected accounts whose refresh token runs out within
    REFRESH_AHEAD, so an account nobody has published with lately does not silently lapse.
    Returns how many were renewed; a refused renewal is recorded on the account and its
    managers are told (refresh_account does both)."""
    horizon = (now or timezone.now()) + REFRESH_AHEAD
    expiring = (
        ExternalAccount.objects.connected()
        .exclude(status=AccountStatus.REAUTH_REQUIRED)
        .filter(refresh_expires_at__lte=horizon)
        .values_list("pk", flat=True)
    )
    renewed = 0
    for account_id in list(expiring):
        try:
            refresh_account(account_id)
        except ProviderError:
            continue
        renewed += 1
    return renewed


def fresh_access_token(account: ExternalAccount) -> str:
    """The account's access token, refreshed first when it is about to expire."""
    expires = account.access_expires_at
    if expires is not None and expires - EARLY_REFRESH <= timezone.now():
        account = refresh_account(account.pk, stale_access_token=account.access_token)
    return account.access_token


def _say_why(account: ExternalAccount, reason: str | ReadersWords) -> None:
    """Put why the account needs attention on it: in English in `status_reason`, and as
    words each reader reads in their language in `status_reason_words` (not saved here)."""
    words = words_of(reason)
    account.status_reason, account.status_reason_words = in_english(words), words.payload()


def mark_reauth_required(account: ExternalAccount, reason: str | ReadersWords) -> None:
    """The platform refused a freshly refreshed token: only reconnecting can help."""
    account.status = AccountStatus.REAUTH_REQUIRED
    _say_why(account, reason)
    ExternalAccount.objects.filter(pk=account.pk).update(
        status=account.status,
        status_reason=account.status_reason,
        status_reason_words=account.status_reason_words,
    )
    notify_account_problem(account)
