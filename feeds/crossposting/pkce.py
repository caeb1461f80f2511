"""OAuth 2.0 `state` and PKCE (RFC 7636, S256) values for one authorisation attempt."""

import base64
import hashlib
import secrets


def new_state() -> str:
    """An unguessable value the callback must echo, tying it to this browser session."""
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    """43-128 characters from the unreserved set: 64 random bytes, base64url without padding."""
    return secrets.token_urlsafe(64)[:96]


def code_challenge(verifier: str) -> str:
    """BASE64URL(SHA256(verifier)) without padding (method S256)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
