"""Each draft as its network will show it, judged by the network's own rules on the server.

The preview is built from the composer's fields as typed: the tracked link is put in place
of LINK_PLACEHOLDER (a link of the length the real one will have, so X counts it right), the
provider's `validate` gives the reasons the network would refuse it, and X's count is the
weighted length X itself uses (feeds/crossposting/tweet_length.py), never a browser's guess.
"""

import mimetypes
from dataclasses import dataclass, field

from django.core.cache import cache
from django.urls import reverse

from feeds.crossposting import tweet_length
from feeds.crossposting.base import Content, Media, ProviderError
from feeds.crossposting.forms import LINK_PLACEHOLDER
from feeds.crossposting.models import ExternalAccount, Platform
from feeds.crossposting.providers import provider_for
from feeds.crossposting.services.accounts import fresh_access_token

BOARDS_SECONDS = 600
SAMPLE_REF = "x" * 12


@dataclass
class Preview:
    account: ExternalAccount
    text: str
    title: str = ""
    board_name: str = ""
    privacy_label: str = ""
    image_urls: list[str] = field(default_factory=list)
    count: int | None = None
    limit: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.count is not None and self.limit is not None and self.count > self.limit


def remember_boards(account: ExternalAccount, boards: list[tuple[str, str]]) -> None:
    """Keep the boards the composer fetched, so a preview need not ask Pinterest again."""
    cache.set(f"crossposting:boards:{account.pk}", boards, BOARDS_SECONDS)


def board_names(account: ExternalAccount) -> dict[str, str]:
    """Board id -> name for a Pinterest account, from the cache or from Pinterest."""
    key = f"crossposting:boards:{account.pk}"
    boards = cache.get(key)
    if boards is None:
        try:
            boards = provider_for(account.platform).boards(fresh_access_token(account))
        except ProviderError:
            return {}
        remember_boards(account, boards)
    return dict(boards)


def build(
    account: ExternalAccount,
    values: dict,
    *,
    sample_link: str,
    images: dict[int, object],
    boards: dict[str, str],
) -> Preview:
    """The preview of one draft; `values` are its fields (text, title, board, privacy_level,
    images as ids), `images` the post's images by id."""
    text = (values.get("text") or "").replace(LINK_PLACEHOLDER, sample_link)
    chosen = [
        images[int(pk)]
        for pk in values.get("images") or []
        if str(pk).isdigit() and int(pk) in images
    ]
    privacy = values.get("privacy_level") or ""
    preview = Preview(
        account=account,
        text=text,
        title=values.get("title") or "",
        board_name=boards.get(values.get("board") or "", ""),
        privacy_label=privacy.replace("_", " ").capitalize(),
        image_urls=[image.get_absolute_url() for image in chosen],
    )
    content = Content(
        text=text,
        media=[
            Media(
                url=image.get_absolute_url(),
                path=image.file.name,
                content_type=mimetypes.guess_type(image.file.name)[0] or "image/jpeg",
            )
            for image in chosen
        ],
        title=preview.title,
        link=sample_link,
        alt_text=values.get("alt_text") or "",
        board_id=values.get("board") or "",
        privacy_level=privacy,
    )
    if account.platform == Platform.X:
        preview.count = tweet_length.weighted_length(text)
        preview.limit = tweet_length.MAX_WEIGHTED_LENGTH
    preview.problems = list(provider_for(account.platform).validate(content).values())
    return preview


def sample_link(request) -> str:
    """A tracked link as long as the real one will be (its ref code is made on saving)."""
    return request.build_absolute_uri(reverse("crossposting:landing", args=[SAMPLE_REF]))
