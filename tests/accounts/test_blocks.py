"""Blocking hides two people from each other; the blocked person is never told."""

import pytest
from django.test import Client, TestCase

from sosoon_site.accounts.blocks import block_changed, blocked_user_ids, is_blocked_between
from sosoon_site.accounts.models import Block, User


@pytest.fixture
def ben(user_factory):
    return user_factory(handle="ben", display_name="Ben Okafor")


def test_a_member_blocks_someone_by_handle(auth_client, user, ben):
    response = auth_client.post("/people/ben/block/", follow=True)

    assert b"You blocked @ben" in response.content
    assert b"Ben Okafor" in response.content
    assert is_blocked_between(user, ben) and is_blocked_between(ben, user)


def test_blocked_ids_cover_both_directions(user, ben, user_factory):
    carla = user_factory(handle="carla")
    Block.objects.create(blocker=user, blocked=ben)
    Block.objects.create(blocker=carla, blocked=user)

    hidden = set(
        User.objects.filter(pk__in=blocked_user_ids(user)).values_list("handle", flat=True)
    )

    assert hidden == {"ben", "carla"}
    assert set(
        User.objects.filter(pk__in=blocked_user_ids(ben)).values_list("handle", flat=True)
    ) == {"ana"}


def test_unblocking_removes_only_my_own_block(auth_client, user, ben):
    Block.objects.create(blocker=user, blocked=ben)
    Block.objects.create(blocker=ben, blocked=user)

    auth_client.post("/people/ben/unblock/")

    assert not Block.objects.filter(blocker=user).exists()
    assert is_blocked_between(user, ben), "Ben's own block still stands"


def test_blocking_twice_is_harmless(auth_client, user, ben):
    auth_client.post("/people/ben/block/")
    auth_client.post("/people/ben/block/")

    assert Block.objects.filter(blocker=user, blocked=ben).count() == 1


@pytest.mark.parametrize("handle", ["ana", "nobody_here"])
def test_blocking_oneself_or_a_stranger_handle_is_a_404(auth_client, handle):
    response = auth_client.post(f"/people/{handle}/block/")

    assert response.status_code == 404
    assert not Block.objects.exists()


def test_blocking_needs_a_signed_in_member_and_a_post(auth_client, ben):
    assert Client().post("/people/ben/block/").status_code == 302
    assert auth_client.get("/people/ben/block/").status_code == 405
    assert not Block.objects.exists()


def test_the_block_list_is_private_to_its_owner(client, user, ben, user_factory):
    Block.objects.create(blocker=user, blocked=ben)
    carla = user_factory(handle="carla")
    client.force_login(carla)

    response = client.get("/profile/blocked/")

    assert b"Ben Okafor" not in response.content
    assert b"You have not blocked anyone" in response.content


def test_a_foreign_next_url_is_ignored(auth_client, ben):
    response = auth_client.post("/people/ben/block/", {"next": "https://evil.example/"})

    assert response["Location"] == "/profile/blocked/"


def test_live_surfaces_hear_about_blocks_after_commit(user, ben):
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["blocker"].handle, kwargs["blocked"].handle, kwargs["blocking"]))

    block_changed.connect(listener)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            from sosoon_site.accounts.blocks import do_block, do_unblock

            do_block(user, ben)
            assert heard == [], "nothing is announced before the commit"
        with TestCase.captureOnCommitCallbacks(execute=True):
            do_unblock(user, ben)
    finally:
        block_changed.disconnect(listener)

    assert heard == [("ana", "ben", True), ("ana", "ben", False)]
