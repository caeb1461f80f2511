"""Pinterest API v5: OAuth 2.0 authorization code with HTTP Basic client auth.

Wire format (developers.pinterest.com, API v5):
- authorize `SOSOON_PINTEREST_AUTHORIZE_URL` (https://www.pinterest.com/oauth/) with
  client_id, redirect_uri, response_type=code, scope (comma-separated), state; Pinterest's
  OAuth defines no PKCE parameters, so none are sent;
- scopes: POST /v5/pins needs boards:read, boards:write, pins:read and pins:write; GET
  /v5/user_account needs user_accounts:read; pin analytics need boards:read and pins:read;
- token `POST {SOSOON_PINTEREST_API_BASE}/v5/oauth/token`, form body, Basic auth; a refresh
  sends continuous_refresh=true, so each one returns a new refresh token (with its own
  refresh_token_expires_in) that replaces the old one;
- `GET /v5/user_account` -> {"id", "username"}; `GET /v5/boards` -> {"items": [{"id",
  "name", "privacy"}], "bookmark"} (paged by bookmark);
- `POST /v5/pins` JSON {"board_id", "title", "description", "link", "alt_text",
  "media_source": {"source_type": "image_url", "url"}} -> 201 {"id", ...};
- `GET /v5/pins/{pin_id}/analytics?start_date&end_date&metric_types=IMPRESSION,SAVE,...`
  (dates YYYY-MM-DD, at most 90 days back) -> {"all": {"daily_metrics": [...],
  "summary_metrics": {"IMPRESSION": n, "SAVE": n, "PIN_CLICK": n, "OUTBOUND_CLICK": n}}};
- errors are {"code": <int>, "message": "..."}; a 429 carries Retry-After.
"""

from datetime import timedelta

import httpx
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from feeds.crossposting import calls
from feeds.crossposting.base import (
    AuthorisationLost,
    Content,
    Profile,
    Provider,
    Published,
    RateLimited,
    Readings,
    Rejected,
    TemporaryFailure,
    TokenRejected,
    Tokens,
)
from sosoon_site.languages import ReadersWords

SCOPES = "boards:read,boards:write,pins:read,pins:write,user_accounts:read"
LABEL = "Pinterest"
MAX_TITLE = 100
MAX_DESCRIPTION = 800
MAX_LINK = 2048
MAX_ALT_TEXT = 500
# Pin analytics reach back at most 90 days; the window ends today (UTC).
ANALYTICS_DAYS = 89
# metric_types value -> our metric name (base.METRIC_NAMES).
PIN_METRICS = {
    "IMPRESSION": "impressions",
    "SAVE": "saves",
    "PIN_CLICK": "pin_clicks",
    "OUTBOUND_CLICK": "outbound_clicks",
}
# Boards beyond this many pages are not offered (25 per page by default; we ask for 100).
MAX_BOARD_PAGES = 5


class PinterestProvider(Provider):
    platform = "pinterest"
    label = LABEL
    scopes = SCOPES
    max_images = 1
    uses_pkce = False
    refresh_fields = {"continuous_refresh": "true"}

    def _api(self, path: str) -> str:
        return f"{settings.SOSOON_PINTEREST_API_BASE.rstrip('/')}{path}"

    def authorize_endpoint(self) -> tuple[str, dict[str, str]]:
        return settings.SOSOON_PINTEREST_AUTHORIZE_URL, {
            "client_id": settings.SOSOON_PINTEREST_CLIENT_ID
        }

    def request_tokens(self, form: dict[str, str]) -> Tokens:
        response = calls.send(
            "POST",
            self._api("/v5/oauth/token"),
            label=LABEL,
            data=form,
            auth=(settings.SOSOON_PINTEREST_CLIENT_ID, settings.SOSOON_PINTEREST_CLIENT_SECRET),
        )
        if response.status_code == 429:
            raise RateLimited(
                gettext_noop("Pinterest is limiting sign-ins right now."),
                retry_at=calls.retry_after(response),
            )
        payload = calls.json_body(response)
        if response.is_success and "access_token" not in payload:
            # No token, and no refusal either: nothing says the grant is dead.
            raise TemporaryFailure(
                ReadersWords(
                    gettext_noop(
                        "%(network)s answered the token request (HTTP %(status)s) without a "
                        "token; Sosoon will try again."
                    ),
                    {"network": LABEL, "status": response.status_code},
                )
            )
        if response.status_code != 200 or "access_token" not in payload:
            message = payload.get("message") or ReadersWords(gettext_noop("no reason given"))
            raise AuthorisationLost(
                ReadersWords(
                    gettext_noop(
                        "Pinterest refused the authorisation (%(detail)s); reconnect the account."
                    ),
                    {"detail": message},
                )
            )
        return Tokens.from_response(payload)

    def profile(self, access_token: str) -> Profile:
        response = calls.send(
            "GET", self._api("/v5/user_account"), label=LABEL, headers=_bearer(access_token)
        )
        _raise_for_error(response)
        payload = calls.json_body(response)
        return Profile(external_id=str(payload.get("id", "")), handle=payload.get("username", ""))

    def boards(self, access_token: str) -> list[tuple[str, str]]:
        """(id, name) of the boards the account may pin to, for the scheduling form."""
        boards, bookmark = [], None
        for _page in range(MAX_BOARD_PAGES):
            params = {"page_size": 100, **({"bookmark": bookmark} if bookmark else {})}
            response = calls.send(
                "GET",
                self._api("/v5/boards"),
                label=LABEL,
                params=params,
                headers=_bearer(access_token),
            )
            _raise_for_error(response)
            payload = calls.json_body(response)
            boards += [(str(item["id"]), item.get("name", "")) for item in payload.get("items", [])]
            bookmark = payload.get("bookmark")
            if not bookmark:
                break
        return boards

    def validate(self, content: Content) -> dict[str, str]:
        errors = {}
        if not content.board_id:
            errors["board_id"] = _("Choose the board to pin to.")
        if len(content.media) != 1:
            errors["media"] = _("A pin needs exactly one image.")
        limits = (
            ("title", content.title, MAX_TITLE),
            ("text", content.text, MAX_DESCRIPTION),
            ("link", content.link, MAX_LINK),
            ("alt_text", content.alt_text, MAX_ALT_TEXT),
        )
        for name, value, limit in limits:
            if len(value) > limit:
                errors[name] = _("At most %(limit)s characters (%(length)s now).") % {
                    "limit": f"{limit:,}",
                    "length": f"{len(value):,}",
                }
        return errors

    def publish(self, access_token: str, content: Content) -> Published:
        body = {
            "board_id": content.board_id,
            "title": content.title,
            "description": content.text,
            "link": content.link,
            "alt_text": content.alt_text,
            "media_source": {"source_type": "image_url", "url": content.media[0].url},
        }
        response = calls.send(
            "POST",
            self._api("/v5/pins"),
            label=LABEL,
            creates=True,
            json={key: value for key, value in body.items() if value},
            headers=_bearer(access_token),
        )
        _raise_for_error(response)
        return Published(
            external_id=calls.answered_id(
                response, "id", label=LABEL, what=gettext_noop("pin id"), creates=True
            )
        )

    def post_url(self, *, handle: str, external_id: str) -> str:
        return f"{settings.SOSOON_PINTEREST_WEB_BASE.rstrip('/')}/pin/{external_id}/"

    metric_names = tuple(PIN_METRICS.values())
    metrics_batch_size = 1
    # Pin analytics ("org_analytics" category): 300 requests per minute per user.
    metrics_rate_limit = (300, 60)

    def fetch_metrics(self, access_token: str, external_ids: list[str]) -> Readings:
        today = timezone.now().date()
        params = {
            "start_date": (today - timedelta(days=ANALYTICS_DAYS)).isoformat(),
            "end_date": today.isoformat(),
            "metric_types": ",".join(PIN_METRICS),
        }
        metrics = Readings()
        for pin_id in external_ids:
            response = calls.send(
                "GET",
                self._api(f"/v5/pins/{pin_id}/analytics"),
                label=LABEL,
                params=params,
                headers=_bearer(access_token),
            )
            metrics.quota = calls.quota(
                response, remaining="x-ratelimit-remaining", reset="x-ratelimit-reset"
            )
            if response.status_code == 404:
                continue
            _raise_for_error(response)
            summary = (calls.json_body(response).get("all") or {}).get("summary_metrics")
            if not isinstance(summary, dict):
                # No figures in the answer (not ready, or not JSON): no reading, not zeros.
                continue
            metrics[str(pin_id)] = {
                name: int(summary.get(field, 0)) for field, name in PIN_METRICS.items()
            }
        return metrics


def _bearer(access_token: str) -> dict:
    return {"Authorization": f"Bearer {access_token}"}


def _raise_for_error(response: httpx.Response) -> None:
    if response.is_success:
        return
    message = calls.json_body(response).get("message") or f"HTTP {response.status_code}"
    if response.status_code == 429:
        raise RateLimited(
            gettext_noop("Pinterest's rate limit is used up; Sosoon waits as Pinterest asked."),
            retry_at=calls.retry_after(response),
        )
    if response.status_code == 401:
        raise TokenRejected(
            gettext_noop("Pinterest no longer accepts this account's access token.")
        )
    raise Rejected(
        ReadersWords(gettext_noop("Pinterest refused the pin: %(detail)s"), {"detail": message})
    )
