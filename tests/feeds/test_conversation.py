"""Comments, replies, reactions, mentions and their notifications, all inside the audience."""

import pytest
from django.urls import reverse

from communities.models import AutoModeration, Notification
from communities.notifications.services import inbox
from feeds.models import Audience, Comment, Reaction
from feeds.services.posts import check_edit_post, do_create_post


def comment(client, post, body, parent=None):
    data = {"body": body} | ({"parent": parent.pk} if parent else {})
    return client.post(reverse("feeds:comment", kwargs={"post_id": post.pk}), data)


def test_comments_and_one_level_of_replies(client, author, member, insider, post_factory):
    post = post_factory()
    client.force_login(member)
    comment(client, post, "First!")
    top = Comment.objects.get()
    client.force_login(insider)
    comment(client, post, "A reply", parent=top)
    reply = Comment.objects.get(parent=top)
    client.force_login(author)
    comment(client, post, "A reply to the reply", parent=reply)
    assert Comment.objects.filter(parent=top).count() == 2
    page = client.get(post.get_absolute_url())
    assert page.text.count('data-testid="comment"') == 3


def test_commenting_on_a_post_you_cannot_see_is_404(client, member, post_factory, close_friends):
    post = post_factory(audience=Audience.CIRCLE, circle=close_friends)
    client.force_login(member)
    assert comment(client, post, "sneaky").status_code == 404
    assert not Comment.objects.exists()


def test_replying_to_a_comment_of_another_post_is_404(client, member, post_factory):
    first, second = post_factory(), post_factory()
    client.force_login(member)
    comment(client, first, "on the first")
    assert comment(client, second, "wrong thread", parent=Comment.objects.get()).status_code == 404


def test_empty_and_overlong_comments_are_refused(client, member, post_factory):
    post = post_factory()
    client.force_login(member)
    comment(client, post, "   ")
    comment(client, post, "x" * 5001)
    assert not Comment.objects.exists()


def test_reactions_toggle_one_of_each(client, member, post_factory):
    post = post_factory()
    client.force_login(member)
    url = reverse("feeds:react", kwargs={"post_id": post.pk})
    client.post(url, {"emoji": "heart"})
    client.post(url, {"emoji": "clap"})
    assert set(Reaction.objects.values_list("emoji", flat=True)) == {"heart", "clap"}
    swap = client.post(url, {"emoji": "heart"}, HTTP_HX_REQUEST="true")
    assert "<html" not in swap.text and 'aria-pressed="true"' in swap.text
    assert list(Reaction.objects.values_list("emoji", flat=True)) == ["clap"]
    assert client.post(url, {"emoji": "poop"}).status_code == 400


def test_reacting_to_a_post_you_cannot_see_is_404(client, member, post_factory, community):
    post = post_factory(audience=Audience.TIER, min_tier=community.tiers.get(name="Insider"))
    client.force_login(member)
    response = client.post(reverse("feeds:react", kwargs={"post_id": post.pk}), {"emoji": "heart"})
    assert response.status_code == 404
    assert client.get(reverse("feeds:reactions", kwargs={"post_id": post.pk})).status_code == 404


def kinds_for(user) -> list[str]:
    return sorted(Notification.objects.visible_to(user).values_list("kind", flat=True))


def test_comments_replies_and_reactions_notify_the_right_people(
    client, author, member, insider, post_factory
):
    post = post_factory()
    client.force_login(member)
    comment(client, post, "Lovely")
    client.force_login(insider)
    comment(client, post, f"Agreed @{member.handle}", parent=Comment.objects.get())
    client.post(reverse("feeds:react", kwargs={"post_id": post.pk}), {"emoji": "heart"})
    client.force_login(member)
    client.post(reverse("feeds:react", kwargs={"post_id": post.pk}), {"emoji": "heart"})

    assert kinds_for(author) == ["comment", "comment", "reaction", "reaction"]
    # The reply and the mention come from the same comment: one notification, the reply.
    assert kinds_for(member) == ["reply"]
    grouped = [entry for entry in inbox(author) if entry.first.kind == "reaction"]
    assert len(grouped) == 1 and len(grouped[0].actors) == 2


@pytest.mark.parametrize("audience", ["tier", "circle"])
def test_mentioning_someone_outside_the_audience_neither_notifies_nor_grants(
    client, author, member, post_factory, community, close_friends, audience
):
    fields = (
        {"min_tier": community.tiers.get(name="Insider")}
        if audience == "tier"
        else {"circle": close_friends}
    )
    post = post_factory(audience=audience, body=f"Psst @{member.handle}", **fields)
    assert Notification.objects.filter(recipient=member).count() == 0
    client.force_login(member)
    assert client.get(post.get_absolute_url()).status_code == 404


def test_a_mention_inside_the_audience_notifies_and_links(
    client, author, insider, post_factory, community
):
    post = post_factory(
        audience=Audience.TIER,
        min_tier=community.tiers.get(name="Insider"),
        body=f"Save a bottle for @{insider.handle}",
    )
    assert kinds_for(insider) == ["mention"]
    client.force_login(insider)
    person = client.get(reverse("feeds:person", kwargs={"handle": insider.handle}))
    assert person.status_code == 200
    assert f'href="/people/{insider.handle}/"' in client.get(post.get_absolute_url()).text


def test_notifications_disappear_when_access_is_lost(author, member, post_factory, community):
    post = post_factory(body=f"Hi @{member.handle}")
    assert kinds_for(member) == ["mention"]
    post.audience = Audience.TIER
    post.min_tier = community.tiers.get(name="Insider")
    post.save()
    assert kinds_for(member) == []


def test_removing_a_comment(client, insider, member, moderator, post_factory):
    post = post_factory()
    client.force_login(member)
    comment(client, post, "regrettable")
    target = Comment.objects.get()
    client.force_login(insider)
    assert (
        client.post(reverse("feeds:remove_comment", kwargs={"comment_id": target.pk})).status_code
        == 403
    )
    client.force_login(moderator)
    removal = client.post(
        reverse("feeds:remove_comment", kwargs={"comment_id": target.pk}), {"reason": "Rude"}
    )
    assert removal.status_code == 302
    assert "This comment was removed." in client.get(post.get_absolute_url()).text


def test_an_edit_notifies_only_the_people_it_newly_mentions(author, member, insider, community):
    post = do_create_post(author, community, body=f"Hi @{member.handle}", audience="community")
    assert kinds_for(member) == ["mention"]
    check_edit_post(
        author,
        post.pk,
        body=f"Hi @{member.handle} and @{insider.handle}",
        audience="community",
        min_tier=None,
        circle=None,
    )
    assert kinds_for(insider) == ["mention"]
    assert kinds_for(member) == ["mention"]


def test_an_edit_held_for_review_mentions_nobody(author, insider, community):
    AutoModeration.objects.create(community=community, blocked_words="corked", filter_action="hold")
    post = do_create_post(author, community, body="Tasting notes", audience="community")
    check_edit_post(
        author,
        post.pk,
        body=f"Corked, ask @{insider.handle}",
        audience="community",
        min_tier=None,
        circle=None,
    )
    assert kinds_for(insider) == []
