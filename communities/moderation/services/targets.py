"""What a report or a moderation action points at: registered content, a member, a community.

One lookup for reports, the queues and every action, so "is it still there", "who is it
about" and "may this person see it" are answered the same way everywhere.
"""

from dataclasses import dataclass

from django.db.models import Model
from django.http import Http404

from communities.content import ContentKind, content_kind
from communities.models import Community, Membership, MembershipStatus
from communities.moderation.models import COMMUNITY_TARGET, MEMBER_TARGET


@dataclass(frozen=True)
class Target:
    label: str
    id: int
    obj: Model
    community: Community
    # The content's author or the member; the community's owner for a community.
    subject: Model | None
    kind: ContentKind | None = None

    @property
    def is_content(self) -> bool:
        return self.kind is not None

    @property
    def is_member(self) -> bool:
        return self.label == MEMBER_TARGET

    @property
    def is_removed(self) -> bool:
        """Content its author or a moderator removed: only the tombstone is left."""
        return self.kind is not None and self.kind.is_removed(self.obj)

    def visible_to(self, user) -> bool:
        """Whether `user` may see the target now, by the owning app's policy."""
        if not user.is_authenticated:
            return False
        if self.kind is not None:
            return self.kind.visible_to(user).filter(pk=self.id).exists()
        if self.label == COMMUNITY_TARGET and self.community.is_listed:
            return True
        is_member = Membership.objects.filter(
            user=user, community=self.community, status=MembershipStatus.ACTIVE
        ).exists()
        if self.label == MEMBER_TARGET:
            return is_member and self.obj.status == MembershipStatus.ACTIVE
        return is_member

    def snapshot(self) -> dict:
        """The target as it is now, for a report or the log's before-state."""
        if self.kind is not None:
            return self.kind.take_snapshot(self.obj)
        if self.label == MEMBER_TARGET:
            user = self.obj.user
            return {
                "text": user.bio,
                "author": str(user),
                "created": self.obj.joined_at.isoformat(),
                "audience": f"{self.obj.get_role_display()} in {self.community.name}",
            }
        return {
            "text": f"{self.community.name}: {self.community.description}",
            "author": str(self.community.owner),
            "created": self.community.created_at.isoformat(),
            "audience": self.community.get_discoverability_display(),
        }


def find_target(label: str, target_id: int) -> Target | None:
    """The target, or None when it does not exist (any more) or the label is unknown."""
    if label == MEMBER_TARGET:
        membership = (
            Membership.objects.select_related("user", "community").filter(pk=target_id).first()
        )
        if membership is None:
            return None
        return Target(
            label, membership.pk, membership, membership.community, subject=membership.user
        )
    if label == COMMUNITY_TARGET:
        community = Community.objects.select_related("owner").filter(pk=target_id).first()
        if community is None:
            return None
        return Target(label, community.pk, community, community, subject=community.owner)
    try:
        kind = content_kind(label)
    except KeyError:
        return None
    if not kind.reportable:
        return None
    obj = kind.model._default_manager.filter(pk=target_id).first()
    if obj is None:
        return None
    community = kind.community(obj)
    if community is None:
        return None
    return Target(label, obj.pk, obj, community, subject=kind.author(obj), kind=kind)


def target_or_404(label: str, target_id: int) -> Target:
    target = find_target(label, target_id)
    if target is None:
        raise Http404("Nothing here.")
    return target
