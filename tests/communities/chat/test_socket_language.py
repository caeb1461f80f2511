"""Why a room closed reaches each socket in its own person's language, not in the language of
whoever closed it: the owner removes a member in English, the member reads it in Bulgarian."""

import pytest
from asgiref.sync import sync_to_async

from communities.models import ChatRoom, Membership
from communities.services.members import do_remove_member
from tests.catalogs import compile_catalogs
from tests.communities.chat.test_socket import frame_of, socket_of, subscribed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def bulgarian_member(community, member):
    """A member who chose Bulgarian; the test itself, like the owner, stays in English."""
    compile_catalogs()
    member.language = "bg"
    member.save(update_fields=["language"])
    return member


@pytest.mark.parametrize("language", ["bg", ""])
async def test_the_member_removed_reads_why_in_their_own_language(
    community, bulgarian_member, language
):
    if not language:
        bulgarian_member.language = ""
        await sync_to_async(bulgarian_member.save)(update_fields=["language"])
    general = await sync_to_async(ChatRoom.objects.get)(community=community, name="general")
    membership = await sync_to_async(Membership.objects.get)(
        user=bulgarian_member, community=community
    )
    async with socket_of(bulgarian_member) as socket:
        await subscribed(socket, general.pk)
        await sync_to_async(do_remove_member)(membership)
        revoked = await frame_of(socket, "revoked", timeout=1)
    expected = {"bg": "Вече не сте член на ", "": "You are no longer a member of "}[language]
    assert revoked["reason"] == f"{expected}{community.name}."
