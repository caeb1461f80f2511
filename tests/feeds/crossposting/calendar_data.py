"""Rows for the calendar's tests: accounts whose tokens are never used, and cross-posts."""

from feeds.crossposting.models import CrossPost, ExternalAccount


def account(community, platform="x", handle="wineclub"):
    """A connected account of `community`; no request ever goes out with its tokens."""
    made = ExternalAccount(
        community=community, platform=platform, external_id=f"{platform}-{handle}", handle=handle
    )
    made.access_token, made.refresh_token = "access", "refresh"
    made.save()
    return made


def crosspost(post, on, at, **fields):
    """A cross-post of `post` to account `on` at `at` (scheduled unless `status=` says)."""
    fields.setdefault("text", "New vintage arriving Friday")
    return CrossPost.objects.create(post=post, account=on, scheduled_at=at, **fields)
