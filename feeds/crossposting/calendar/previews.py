"""Each draft as its network will show it, judged by the network's own rules on the server.

The preview is built from the composer's fields as typed: the tracked link is put in place
of LINK_PLACEHOLDER (a link of the length the real one will have, so X counts it right), the
fields become a draft, and the draft becomes what would be sent by the same function
publishing uses (scheduling.draft_content, i.e. publishing.content_of: image sizes and
renditions included), so what is previewed is what is sent. The provider's `validate` gives
the reasons the network would refuse it, and X's count is the weighted length X itself uses
(feeds/crossposting/tweet_length.py), never a browser's guess.
"""

from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.core.cache import cache
from django.urls import reverse

from feeds.crossposting import tweet_length
from feeds.crossposting.base import ProviderError
from feeds.crossposting.forms import LINK_PLACEHOLDER, privacy_label
from feeds.crossposting.models import ExternalAccount, Platform
from feeds.crossposting.providers import provider_for
from feeds.crossposting.services.accounts import fresh_access_token
from feeds.crossposting.services.scheduling import Draft, draft_content, media_item

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
    board_name = boards.get(values.get("board") or "", "")
    draft = Draft(
        account=account,
        text=text,
        media=[
            media_item(image, url=urljoin(sample_link, image.get_absolute_url()))
            for image in chosen
        ],
        title=values.get("title") or "",
        alt_text=values.get("alt_text") or "",
        board_id=values.get("board") or "",
        board_name=board_name,
        privacy_level=privacy,
        link=sample_link,
    )
    content = draft_content(draft, post_id=chosen[0].post_id if chosen else None)
    preview = Preview(
        account=account,
        text=content.text,
        title=content.title,
        board_name=board_name,
        privacy_label=privacy_label(content.privacy_level) if content.privacy_level else "",
        image_urls=[image.get_absolute_url() for image in chosen],
    )
    if account.platform == Platform.X:
        preview.count = tweet_length.weighted_length(content.text)
        preview.limit = tweet_length.MAX_WEIGHTED_LENGTH
    preview.problems = list(provider_for(account.platform).validate(content).values())
    return preview


def sample_link(request) -> str:
    """A tracked link as long as the real one will be (its ref code is made on saving)."""
    return request.build_absolute_uri(reverse("crossposting:landing", args=[SAMPLE_REF]))
