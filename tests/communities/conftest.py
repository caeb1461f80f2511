"""Fixtures for the moderation tests: a small reportable content kind and site staff.

Feeds and chat register the real content; these tests stand a "note" in for them, backed by
JoinRequest rows (a person, a community, a message), so moderation is tested through the
same ContentKind interface without depending on another app. A note whose message starts
with "private:" is seen by its author only (like a circle post nobody else is in), unless a
member reported it (rule 8).
"""

from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.urls import reverse

from communities import content
from communities.content import ContentKind
from communities.models import JoinRequest, MembershipStatus
from communities.moderation.models import released_to, reported_to_moderators, withheld_from
from sosoon_site.accounts.models import User
from tests.factories import UserFactory, add_member, create_community

NOTE = "note"


def _visible_notes(user):
    if not user.is_authenticated:
        return JoinRequest.objects.none()
    members = JoinRequest.objects.filter(
        community__memberships__user=user,
        community__memberships__status=MembershipStatus.ACTIVE,
    )
    shared = ~Q(message__startswith="private:") | Q(user=user)
    reported = Q(pk__in=reported_to_moderators(user, NOTE))
    return members.filter(shared | reported).exclude(pk__in=withheld_from(user, NOTE)).distinct()


NOTE_KIND = ContentKind(
    label=NOTE,
    model=JoinRequest,
    visible_to=_visible_notes,
    audience=lambda note: released_to(
        User.objects.filter(
            memberships__community=note.community_id,
            memberships__status=MembershipStatus.ACTIVE,
        ),
        NOTE,
        note.pk,
    ),
    url=lambda note: reverse("communities:home", args=[note.community.slug]),
    summary=lambda note: note.message,
    community=lambda note: note.community,
    reportable=True,
    author=lambda note: note.user,
    authored_by=lambda user, community: JoinRequest.objects.filter(user=user, community=community),
)


@pytest.fixture
def note_kind(monkeypatch):
    """Register the note kind first, so `kind_of(join_request)` answers "note" here."""
    monkeypatch.setattr(content, "_kinds_by_label", {NOTE: NOTE_KIND, **content._kinds_by_label})
    return NOTE_KIND


@pytest.fixture
def author(community):
    return add_member(community, UserFactory(handle="author")).user


@pytest.fixture
def make_note(note_kind):
    def make(user, community, message="A note about wine"):
        return JoinRequest.objects.create(
            user=user, community=community, message=message, status="approved"
        )

    return make


@pytest.fixture
def note(make_note, author, community):
    return make_note(author, community)


def moderators_group() -> Group:
    """The group the data migration made; transactional tests flush it, so make it again
    from the migration's own list."""
    migration = import_module("communities.migrations.0006_moderators_group")
    group, created = Group.objects.get_or_create(name=migration.GROUP)
    if created:
        group.permissions.set(
            [
                Permission.objects.get(
                    content_type__app_label=app, content_type__model=model, codename=codename
                )
                for app, model, codename in migration.PERMISSIONS
            ]
        )
    return group


@pytest.fixture
def site_moderator(user_factory):
    """Staff in the Moderators group, not a superuser."""
    person = user_factory(handle="sitemod", is_staff=True)
    person.groups.add(moderators_group())
    return person


@pytest.fixture
def superuser(user_factory):
    return user_factory(handle="root", is_staff=True, is_superuser=True)


@pytest.fixture
def plain_staff(user_factory):
    return user_factory(handle="staffer", is_staff=True)


@pytest.fixture
def other_moderator(user_factory):
    """A moderator of another community, with no standing in `community`."""
    elsewhere = create_community(name="Synth Club", slug="synth-club")
    return add_member(elsewhere, role="moderator").user
