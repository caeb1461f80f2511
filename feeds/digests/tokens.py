"""The unsubscribe link's token: one person and one community, signed with the site's key.

It needs no sign-in (RFC 8058: a mail client posts to it on the person's behalf), so the
signature is the only thing that makes it theirs: a token that does not verify names nobody.
Deterministic, so every digest of a community carries the same link; rotating SECRET_KEY
(with SECRET_KEY_FALLBACKS) keeps old links working for a while.
"""

from django.core import signing

SALT = "feeds.digests.unsubscribe"
# The owner's weekly Insights email has links of its own: one turns off only that email.
INSIGHTS_WEEKLY_SALT = "feeds.digests.unsubscribe.insights-weekly"


def unsubscribe_token(user_id: int, community_id: int, *, salt: str = SALT) -> str:
    return signing.Signer(salt=salt).sign_object([user_id, community_id])


def read_unsubscribe_token(token: str, *, salt: str = SALT) -> tuple[int, int] | None:
    """(user id, community id) of a token this site signed with `salt`; None for any other
    text (a member digest's token turns off no weekly Insights email, and the other way)."""
    try:
        value = signing.Signer(salt=salt).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in value)
    ):
        return None
    return value[0], value[1]
