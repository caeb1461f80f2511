"""Running the three sandboxes beside the demo, on the ports the settings point the providers
at, with the client credentials the settings give Sosoon.

Only with SOSOON_SANDBOX_NETWORKS on, which the settings refuse without DEBUG: there is no way
to serve a sandbox from a production profile.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from feeds.crossposting.sandbox.pinterest import SandboxPinterest
from feeds.crossposting.sandbox.server import SandboxProvider
from feeds.crossposting.sandbox.tiktok import SandboxTikTok
from feeds.crossposting.sandbox.x import SandboxX

# (class, port offset from SOSOON_SANDBOX_PORT, client id setting, client secret setting)
SANDBOXES = (
    (SandboxX, 0, "SOSOON_X_CLIENT_ID", "SOSOON_X_CLIENT_SECRET"),
    (SandboxPinterest, 1, "SOSOON_PINTEREST_CLIENT_ID", "SOSOON_PINTEREST_CLIENT_SECRET"),
    (SandboxTikTok, 2, "SOSOON_TIKTOK_CLIENT_KEY", "SOSOON_TIKTOK_CLIENT_SECRET"),
)


def start_sandboxes() -> list[SandboxProvider]:
    """Start every sandbox (state kept in SOSOON_SANDBOX_STATE_DIR); ImproperlyConfigured when the
    sandbox networks are off, as they always are with DEBUG off."""
    if not (settings.DEBUG and settings.SOSOON_SANDBOX_NETWORKS):
        raise ImproperlyConfigured(
            "The sandbox networks run only in development (DEBUG=1, SOSOON_SANDBOX_NETWORKS=1)."
        )
    started = []
    for sandbox_class, offset, client_id, client_secret in SANDBOXES:
        sandbox = sandbox_class(
            host=settings.SOSOON_SANDBOX_HOST,
            port=settings.SOSOON_SANDBOX_PORT + offset,
            state_path=settings.SOSOON_SANDBOX_STATE_DIR / f"{sandbox_class.label}.json",
        )
        sandbox.client_id = getattr(settings, client_id)
        sandbox.client_secret = getattr(settings, client_secret)
        if isinstance(sandbox, SandboxTikTok):
            sandbox.verified = demo_domains()
        started.append(sandbox.start())
    return started


def demo_domains() -> set[str]:
    """The hosts the demo answers on, which the sandbox TikTok takes as verified: what an
    operator does for a real site in TikTok's developer portal (docs/deploy.md)."""
    return {host.strip("[]").lstrip(".") for host in settings.ALLOWED_HOSTS if host.strip("*.[]")}


def profile_urls() -> dict[str, str]:
    """Each sandbox's public profile page, by network label (for announcing them)."""
    return {
        sandbox_class.label: f"http://{settings.SOSOON_SANDBOX_HOST}:"
        f"{settings.SOSOON_SANDBOX_PORT + offset}/"
        for sandbox_class, offset, _id, _secret in SANDBOXES
    }
