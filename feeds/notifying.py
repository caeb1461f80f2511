"""Who hears about what happens around a post. `notify` (communities.notifications) keeps only
people in the target's audience (and drops the actor and blocks), so a mention of someone
outside the audience notifies nobody and grants nothing."""

from communities.notifications.models import NotificationKind
from communities.notifications.services import notify
from feeds.models import Comment, Post


def notify_post_mentions(post: Post, mentioned) -> None:
    notify(mentioned, kind=NotificationKind.MENTION, actor=post.author, target=post)


def notify_comment(comment: Comment, mentioned) -> None:
    """The parent's author hears of a reply, the post's author of a comment, and mentioned
    people of the mention: each person once, by the most specific reason."""
    told: set[int] = {comment.author_id}
    if comment.parent_id and comment.parent.author_id not in told:
        told.update(
            notify(
                [comment.parent.author_id],
                kind=NotificationKind.REPLY,
                actor=comment.author,
                target=comment,
            )
        )
        told.add(comment.parent.author_id)
    if comment.post.author_id not in told:
        notify(
            [comment.post.author_id],
            kind=NotificationKind.COMMENT,
            actor=comment.author,
            target=comment,
        )
        told.add(comment.post.author_id)
    notify(
        [person.pk for person in mentioned if person.pk not in told],
        kind=NotificationKind.MENTION,
        actor=comment.author,
        target=comment,
    )


def notify_reaction(post: Post, reactor) -> None:
    notify([post.author_id], kind=NotificationKind.REACTION, actor=reactor, target=post)
