"""Each network's documented rate limit for the endpoint its public counts come from.

The sweep spends at most `requests` in each `window` per bucket: per connected account where
the network counts per user token, per application where it counts per app. A window is
taken a tenth longer than documented, so that where the network's window starts a moment
after ours (its clock starts at the request it receives), no request of a new window of ours
falls in an old one of theirs. These numbers are the plan; what each answer's rate-limit
headers say is honoured on top (the network's count wins, and a read stops once it says
nothing remains), and a 429 despite both pauses the bucket until the reset the network names
(services.py).

Sources, read for this module:
- X: `GET /2/tweets` (post lookup, up to 100 ids, tweet.fields=public_metrics) allows 900
  requests per 15 minutes per user; every answer carries x-rate-limit-limit / -remaining /
  -reset (epoch seconds) and a 429 carries no Retry-After (docs.x.com, "Rate limits").
- Pinterest: `GET /v5/pins/{pin_id}/analytics` (one pin per request) is in an analytics
  category of 300 requests per minute per user per app with Standard access; a 429 says when
  to come back (developers.pinterest.com, "Rate limits").
- TikTok: `/v2/video/query/` allows 600 requests per minute per app in a one-minute sliding
  window, 429 with error code rate_limit_exceeded (developers.tiktok.com, "Rate Limits"). It
  documents counts for videos only; for photo posts TikTok reports none, and the provider
  says so by naming no metrics (metric_names is empty).
"""

from dataclasses import dataclass
from datetime import timedelta

ACCOUNT = "account"
APP = "app"


@dataclass(frozen=True)
class Limit:
    """`requests` per `window`, counted per `scope` (ACCOUNT or APP)."""

    requests: int
    window: timedelta
    scope: str

    @property
    def spacing(self) -> timedelta:
        """The window with its margin: how long a bucket waits before a fresh budget."""
        return self.window * 11 / 10


LIMITS: dict[str, Limit] = {
    "x": Limit(900, timedelta(minutes=15), ACCOUNT),
    "pinterest": Limit(300, timedelta(minutes=1), ACCOUNT),
    "tiktok": Limit(600, timedelta(minutes=1), APP),
}


def bucket_for(platform: str, account_id: int, limits: dict[str, Limit] = LIMITS) -> str:
    """The name of the budget a read for `account_id` on `platform` spends."""
    if limits[platform].scope == APP:
        return f"{platform}:app"
    return f"{platform}:account:{account_id}"
