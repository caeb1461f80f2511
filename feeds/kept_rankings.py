"""Top's ranked window, kept for a minute per viewer and feed.

Ranking a Top page reads the newest TOP_WINDOW posts the viewer may see and every visible
comment, reaction and interaction on them: most of what a Top page costs, and the same answer
for a reader who pages on, comes back, or reloads within the minute. So the ranking (scores
and ids only, no text) is kept in the site's cache (Redis when configured, shared by every
daphne) for SOSOON_TOP_RANKING_SECONDS, with the anchor it was ranked at; the next page of
that anchor, or a first page within the minute, takes it from there. Discourse and Reddit rank
their Top and Hot lists the same way, ahead of the read.

What stays live: the policy still decides at read time. A kept ranking names candidates
only; feeds.feed asks the feed's own query (the audience policy) which of the page's
candidates the viewer may see now, so a post narrowed, withheld, removed or from someone who
blocked the viewer since leaves the page at once. The cards' counts are read fresh. What
may lag by up to the minute: another person's new post's place in Top (Latest shows it at
once) and a score moved by the minute's reactions. The viewer's own posts, comments and
reactions drop their kept rankings (feeds.apps connects `forget`), so what they just did
shows in their Top at once.

One cache entry per viewer holds their feeds' rankings (the feed named by its compiled name
and ids), so nobody reads another person's ranking and one delete forgets them all.
A cache that is down answers as the rest of the site does (503).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

Ranking = tuple[tuple[float, int], ...]
# Feeds kept per viewer (their home and the communities they read last).
FEEDS_PER_VIEWER = 6


@dataclass(frozen=True)
class KeptRanking:
    anchor: float
    ranking: Ranking
    kept_at: float


def _key(viewer_id: int | None) -> str:
    return f"feeds:top:{viewer_id}"


def _seconds() -> int:
    return settings.SOSOON_TOP_RANKING_SECONDS


def _fresh(viewer_id: int | None) -> dict[str, KeptRanking]:
    found = cache.get(_key(viewer_id)) or {}
    oldest = time.time() - _seconds()
    return {feed: entry for feed, entry in found.items() if entry.kept_at > oldest}


def kept(feed: str | None, viewer_id: int | None, *, anchor: float | None) -> KeptRanking | None:
    """The ranking kept for `viewer_id` on `feed` at `anchor` (any anchor when None, for a
    first page), or None. A feed without a name (a search) is never kept."""
    if feed is None or not _seconds():
        return None
    found = _fresh(viewer_id).get(feed)
    if found is None or (anchor is not None and found.anchor != anchor):
        return None
    return found


def keep(feed: str | None, viewer_id: int | None, *, anchor: float, ranking: Ranking) -> None:
    """Keep `ranking` (ranked at `anchor`) as `viewer_id`'s on `feed`, replacing the last."""
    if feed is None or not _seconds():
        return
    entries = _fresh(viewer_id)
    entries.pop(feed, None)
    entries[feed] = KeptRanking(anchor, ranking, time.time())
    while len(entries) > FEEDS_PER_VIEWER:
        entries.pop(next(iter(entries)))
    cache.set(_key(viewer_id), entries, _seconds())


def forget(viewer_id: int | None) -> None:
    """Drop every ranking kept for `viewer_id`: their own post, comment or reaction shows in
    their Top at once, and a kept ranking the policy has since emptied is ranked afresh."""
    if _seconds():
        cache.delete(_key(viewer_id))


def forget_writer(sender, instance, **kwargs) -> None:
    """A post, comment or reaction saved or deleted: forget its writer's rankings."""
    forget(getattr(instance, "author_id", None) or getattr(instance, "user_id", None))
