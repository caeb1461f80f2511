"""Per-person rate limits as token buckets, kept in the Django cache so that every process
(and, on Redis, every machine) draws from the same bucket.

    MESSAGES = TokenBucket("chat.send", capacity=10, per_seconds=10)
    decision = MESSAGES.take(user.pk)
    if not decision.allowed:
        ...  # tell the person to wait decision.retry_after seconds

A bucket holds `capacity` tokens and refills at `capacity / per_seconds` a second, so short
bursts pass and a sustained flood is held to the rate. It is stored as one number, the time
at which the bucket will be full again (the "theoretical arrival time" of the generic cell
rate algorithm), so a take is one read-and-write of one key:

- on Redis, a server-side script does it atomically, so two processes cannot both spend the
  last token;
- on any other cache (local memory in the embedded default: one process), a lock in this
  process does.
"""

import threading
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.translation import gettext as _

# KEYS[1]: the bucket; ARGV: interval per token, burst window (capacity x interval), cost,
# all in microseconds. Returns 0 when allowed, otherwise the microseconds to wait. Redis's own
# clock is used, so machines whose clocks disagree still share one bucket fairly.
_TAKE_SCRIPT = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000000 + tonumber(now_parts[2])
local interval = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local full_at = tonumber(redis.call('GET', KEYS[1]) or '0')
if full_at < now then full_at = now end
local new_full_at = full_at + interval * cost
if new_full_at - now > window then
  return new_full_at - now - window
end
redis.call('SET', KEYS[1], new_full_at, 'PX', math.ceil((new_full_at - now) / 1000) + 1)
return 0
"""
_local_lock = threading.Lock()


@dataclass(frozen=True)
class Decision:
    allowed: bool
    # Seconds until the request would be allowed; 0 when it was.
    retry_after: float = 0.0


@dataclass(frozen=True)
class TokenBucket:
    """A named limit: `capacity` actions, refilled evenly over `per_seconds`."""

    name: str
    capacity: int
    per_seconds: float

    def take(self, who: int | str, *, cost: int = 1) -> Decision:
        """Spend `cost` tokens from `who`'s bucket if it has them; say how long to wait if not."""
        key = f"rate:{self.name}:{who}"
        interval_us = int(self.per_seconds * 1_000_000 / self.capacity)
        window_us = interval_us * self.capacity
        cache = caches["default"]
        if isinstance(cache, RedisCache):
            wait_us = _take_on_redis(cache, key, interval_us, window_us, cost)
        else:
            wait_us = _take_locally(cache, key, interval_us, window_us, cost)
        if wait_us > 0:
            return Decision(allowed=False, retry_after=round(wait_us / 1_000_000, 3))
        return Decision(allowed=True)

    def require(self, who: int | str, *, action: str | None = None) -> None:
        """`take`, raising RateLimited (with the wait) when the bucket is empty; `action`
        names, in the plural and translated by the caller, what is being done too often."""
        decision = self.take(who)
        if not decision.allowed:
            seconds = f"{decision.retry_after:.1f}"
            if action is None:
                message = _("You are doing that too fast; try again in %(seconds)s s.")
            else:
                message = _("You are doing %(action)s too fast; try again in %(seconds)s s.")
            raise RateLimited(
                decision.retry_after, message % {"action": action, "seconds": seconds}
            )

    def reset(self, who: int | str) -> None:
        """Refill `who`'s bucket (tests, or an admin lifting a limit)."""
        caches["default"].delete(f"rate:{self.name}:{who}")


def _take_on_redis(cache: RedisCache, key: str, interval_us: int, window_us: int, cost: int) -> int:
    full_key = cache.make_and_validate_key(key)
    client = cache._cache.get_client(full_key, write=True)
    return int(client.eval(_TAKE_SCRIPT, 1, full_key, interval_us, window_us, cost))


def _take_locally(cache, key: str, interval_us: int, window_us: int, cost: int) -> int:
    with _local_lock:
        now = int(time.monotonic() * 1_000_000)
        full_at = max(cache.get(key, 0), now)
        new_full_at = full_at + interval_us * cost
        if new_full_at - now > window_us:
            return new_full_at - now - window_us
        cache.set(key, new_full_at, timeout=(new_full_at - now) // 1_000_000 + 1)
        return 0


class RateLimited(Exception):
    """Raised by `TokenBucket.require` when the bucket is empty."""

    def __init__(self, retry_after: float, message: str):
        super().__init__(message)
        self.retry_after = retry_after
        self.message = message
