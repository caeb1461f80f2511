"""Who may moderate where: community roles from the permission table, and site moderators.

Site moderators are staff whose permissions (the "Moderators" group, or superuser) include
`communities.moderate_everywhere`; they act in every community. Everyone else acts only where
their active membership allows. Someone with no standing in the community gets the same
Http404 as for a missing target, so a moderator of one community learns nothing about another.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from communities.models import ROLE_RANK, Community, Membership
from communities.moderation.models import REASON_MAX
from communities.permissions import Action, role_may

MODERATE_EVERYWHERE = "communities.moderate_everywhere"
SUSPEND_ACCOUNTS = "communities.suspend_account"
DELETE_ANY_COMMUNITY = "communities.delete_any_community"


def is_site_moderator(user, *, permission: str = MODERATE_EVERYWHERE) -> bool:
    """Active staff holding `permission` (superusers hold every permission)."""
    return bool(
        user.is_authenticated and user.is_active and user.is_staff and user.has_perm(permission)
    )


@dataclass(frozen=True)
class Authority:
    """Why `user` may act in `community`: their membership, or site-wide moderation."""

    user: object
    community: Community
    membership: Membership | None
    site: bool

    @property
    def rank(self) -> int:
        """Site moderators outrank every role but the owner's."""
        if self.site:
            return ROLE_RANK["admin"] + 1
        return ROLE_RANK[self.membership.role]


def moderation_authority(user, community: Community, action: Action) -> Authority:
    """The actor's authority for `action` in `community`.

    Http404 for people with no active membership there (as if the target did not exist);
    PermissionDenied for members whose role does not allow `action`.
    """
    if is_site_moderator(user):
        return Authority(user=user, community=community, membership=None, site=True)
    membership = (
        Membership.objects.filter(user=user, community=community).first()
        if user.is_authenticated
        else None
    )
    if membership is None or not membership.is_active:
        raise Http404("Nothing here.")
    if not role_may(membership, action):
        raise PermissionDenied(_("Your role here does not allow that."))
    return Authority(user=user, community=community, membership=membership, site=False)


def may_moderate(user, community: Community) -> bool:
    """Whether `user` may see this community's moderation queue. No exceptions."""
    try:
        moderation_authority(user, community, Action.MODERATE)
    except (Http404, PermissionDenied):
        return False
    return True


def require_outranks_member(authority: Authority, target: Membership) -> None:
    """Moderators act on people below their own role, never on the owner or themselves."""
    if target.user_id == authority.user.pk:
        raise ValidationError(_("You cannot act on yourself."))
    if target.role == "owner":
        raise ValidationError(_("The owner cannot be warned, muted, removed or banned."))
    if authority.rank <= ROLE_RANK[target.role]:
        raise PermissionDenied(_("You can only act on members below your own role."))


def clean_reason(reason: str) -> str:
    """Every action needs a reason the affected person will read, within REASON_MAX."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason; the person affected will read it."))
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("Keep the reason under %(most)s characters (it has %(length)s).")
            % {"most": REASON_MAX, "length": len(reason)}
        )
    return reason
