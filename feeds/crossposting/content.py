"""Cross-posts and connected accounts as content communities can notify about.

Only the people who manage a community's cross-posting (the role table's MANAGE_CROSSPOSTS)
see them, so a notification about a failed cross-post disappears for an admin who is
demoted, like every other notification.
"""

from django.urls import reverse

from communities.content import ContentKind, register_content
from communities.permissions import Action, communities_where, people_who_may
from feeds.crossposting.models import CrossPost, ExternalAccount


def register_crossposting_content() -> None:
    register_content(
        ContentKind(
            label="crosspost",
            model=CrossPost,
            visible_to=lambda user: CrossPost.objects.filter(
                post__community__in=communities_where(user, Action.MANAGE_CROSSPOSTS)
            ),
            audience=lambda crosspost: people_who_may(
                Action.MANAGE_CROSSPOSTS, crosspost.post.community_id
            ),
            url=lambda crosspost: reverse(
                "crossposting:list", kwargs={"slug": crosspost.post.community.slug}
            ),
            summary=lambda crosspost: f"{crosspost.account}: {crosspost.get_status_display()}",
            community=lambda crosspost: crosspost.post.community,
        )
    )
    register_content(
        ContentKind(
            label="external_account",
            model=ExternalAccount,
            visible_to=lambda user: ExternalAccount.objects.filter(
                community__in=communities_where(user, Action.MANAGE_CROSSPOSTS)
            ),
            audience=lambda account: people_who_may(Action.MANAGE_CROSSPOSTS, account.community_id),
            url=lambda account: reverse(
                "crossposting:accounts", kwargs={"slug": account.community.slug}
            ),
            summary=lambda account: str(account),
            community=lambda account: account.community,
        )
    )
