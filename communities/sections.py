"""Sections other apps add to the sidebar's list for the community being looked at.

The app shell's sidebar (communities/chat/sidebar.py) lists a community's own sections (its
feed, rooms, members, and the admin pages a role opens). A section that belongs to feeds (a
partner's own numbers) is registered here at start-up, so chat never imports feeds. The
sidebar asks only for the community being looked at, once a page, so a registered answer may
cost a query, never one per community. With nothing registered there are no extra sections.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from communities.models import Membership


@dataclass(frozen=True)
class Section:
    """One more entry in a community's sidebar list: its words, its address, and a key
    naming it for tests (`data-testid="sidebar-<key>"`)."""

    label: str
    url: str
    key: str


# Given an active membership (its community loaded), the sections it opens.
SectionsFor = Callable[["Membership"], list[Section]]

_answers: list[SectionsFor] = []


def register_sections(answer: SectionsFor) -> None:
    """Ask `answer` for more sections; registering it twice changes nothing."""
    if answer not in _answers:
        _answers.append(answer)


def sections_for(membership: "Membership") -> list[Section]:
    """The registered sections `membership` opens in its community, in registration order."""
    return [section for answer in _answers for section in answer(membership)]
