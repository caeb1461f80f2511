"""Other capabilities add sections to the digest through `register_section` (events are meant
to add "Upcoming events"); a registered section is built for each recipient when sent, and a
digest with only that section's news is still sent."""

import pytest

from feeds.digests import sections
from feeds.digests.sections import Item, Section, register_section
from feeds.digests.services import due_digests
from tests.feeds.digests.conftest import NOW, digest_to, send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(monkeypatch):
    """The built-in sections only, restored after the test."""
    monkeypatch.setattr(sections, "_sections", list(sections._sections))


def tasting_for(person, community, period, now):
    """A stand-in for events' own section: it answers for the member named in the test."""
    if person.handle != "taster":
        return []
    return [Item(title="Spring tasting", text=f"Starts after {now:%Y}", path="/c/wine/")]


def test_a_registered_section_reaches_the_people_it_answers_for(
    registry, smtp, community, user_factory, member
):
    from tests.factories import add_member

    taster = add_member(community, user_factory(handle="taster")).user
    register_section(Section("events", "Upcoming events", tasting_for))
    register_section(Section("events", "Registered twice", tasting_for))

    send(due_digests(NOW))

    text = digest_to(smtp, taster.email).text()
    assert "Upcoming events" in text and "Spring tasting" in text
    assert "Registered twice" not in text
    assert "https://sosoon.test/c/wine/" in text
    # Nothing for the member in any section: no mail.
    assert smtp.to(member.email) == []
