"""The providers by platform name: the only place that knows which classes exist."""

from feeds.crossposting.base import Provider
from feeds.crossposting.pinterest import PinterestProvider
from feeds.crossposting.tiktok import TikTokProvider
from feeds.crossposting.x import XProvider

PROVIDERS: dict[str, Provider] = {
    provider.platform: provider for provider in (XProvider(), PinterestProvider(), TikTokProvider())
}


def provider_for(platform: str) -> Provider:
    """The provider for `platform` ("x", "pinterest", "tiktok"); KeyError for others."""
    return PROVIDERS[platform]
