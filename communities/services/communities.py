"""Creating, editing and deleting communities."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communities.models import Community, Membership, Role, Tier
from communities.permissions import Action
from communities.services.membership_rules import authorise
from communities.signals import community_created

BASE_TIER_NAME = "Member"


def may_create_communities(user) -> bool:
    """Per settings.SOSOON_COMMUNITY_CREATORS: "staff", or "anyone" with a verified email."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if settings.SOSOON_COMMUNITY_CREATORS == "staff":
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def validate_unique_name_and_slug(name: str, slug: str, *, exclude_pk=None) -> None:
    """ValidationError naming each field whose value another community already uses."""
    others = Community.objects.exclude(pk=exclude_pk)
    errors = {}
    if others.filter(name__iexact=name).exists():
        errors["name"] = _("Another community already has this name.")
    if others.filter(slug=slug).exists():
        errors["slug"] = _("Another community already uses this address.")
    if errors:
        raise ValidationError(errors)


def do_create_community(owner, *, name: str, slug: str, **fields) -> Community:
    """The community, its base tier, the owner's membership and what the capabilities start
    every community with (#general), all or nothing."""
    with transaction.atomic():
        fields.setdefault("time_zone", owner.time_zone or settings.TIME_ZONE)
        community = Community.objects.create(owner=owner, name=name, slug=slug, **fields)
        tier = Tier.objects.create(community=community, name=BASE_TIER_NAME, rank=0)
        Membership.objects.create(user=owner, community=community, role=Role.OWNER, tier=tier)
        community_created.send(Community, community=community)
    return community


def check_create_community(user, *, name: str, slug: str, **fields) -> Community:
    if not may_create_communities(user):
        raise PermissionDenied(_("Your account may not create communities."))
    validate_unique_name_and_slug(name, slug)
    return do_create_community(user, name=name, slug=slug, **fields)


def do_update_community(community: Community, **fields) -> Community:
    for field, value in fields.items():
        setattr(community, field, value)
    community.save()
    return community


def check_update_community(actor: Membership, community: Community, **fields) -> Community:
    authorise(actor, Action.EDIT_SETTINGS)
    if "name" in fields:
        validate_unique_name_and_slug(fields["name"], community.slug, exclude_pk=community.pk)
    return do_update_community(community, **fields)


def do_delete_community(community: Community) -> None:
    """Delete the community and everything in it. Memberships go first: their tier is
    protected so that deleting a tier on its own can never drop members."""
    with transaction.atomic():
        community.memberships.all().delete()
        community.delete()


def check_delete_community(actor: Membership, community: Community, *, confirm_name: str) -> None:
    authorise(actor, Action.DELETE_COMMUNITY)
    if confirm_name.strip() != community.name:
        raise ValidationError(_("Type the community's name exactly to confirm."))
    do_delete_community(community)
