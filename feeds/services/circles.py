"""Circles: lists a person keeps to address posts to. Private to their owner; adding or
removing someone tells nobody."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from communities.models import Membership, MembershipStatus
from feeds.models import CLOSE_FRIENDS, Circle, CircleMember
from sosoon_site.accounts.blocks import is_blocked_between
from sosoon_site.accounts.models import User


def close_friends_of(user) -> Circle:
    """`user`'s "Close friends" circle (made with the account; made here if it is missing)."""
    circle = Circle.objects.filter(owner=user, is_close_friends=True).first()
    if circle is not None:
        return circle
    try:
        with transaction.atomic():
            return Circle.objects.create(owner=user, name=CLOSE_FRIENDS, is_close_friends=True)
    except IntegrityError:
        return Circle.objects.get(owner=user, is_close_friends=True)


def give_close_friends(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """post_save of an account: every new person starts with an empty "Close friends", so
    pages that list circles (the composer, the circle page) only read and never write."""
    if created and not raw:
        close_friends_of(instance)


def circles_of(user) -> list[Circle]:
    """`user`'s circles, "Close friends" first."""
    return list(Circle.objects.filter(owner=user))


def access_circle(user, circle_id) -> Circle:
    """One of `user`'s own circles; Http404 for anyone else's, as for a missing one."""
    circle = Circle.objects.filter(pk=circle_id, owner_id=user.pk).first() if user.pk else None
    if circle is None:
        raise Http404("No such circle.")
    return circle


def check_create_circle(owner, name: str) -> Circle:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the circle a name.")})
    if len(name) > 60:
        raise ValidationError({"name": "A circle's name is at most 60 characters."})
    if Circle.objects.filter(owner=owner, name__iexact=name).exists():
        raise ValidationError({"name": _("You already have a circle with this name.")})
    return Circle.objects.create(owner=owner, name=name)


def shares_a_community(one, other) -> bool:
    """Whether both are active members of at least one community."""
    mine = Membership.objects.filter(user=one, status=MembershipStatus.ACTIVE).values("community")
    return Membership.objects.filter(
        user=other, status=MembershipStatus.ACTIVE, community__in=mine
    ).exists()


def check_add_to_circle(owner, circle: Circle, handle: str) -> CircleMember:
    """Add the person with `handle`: someone `owner` shares a community with, not blocked
    either way. Caller got `circle` through `access_circle`."""
    person = User.objects.filter(handle__iexact=handle.strip().lstrip("@"), is_active=True).first()
    if (
        person is None
        or person.pk == owner.pk
        or is_blocked_between(owner, person)
        or not shares_a_community(owner, person)
    ):
        # One message for all: the form must not tell who exists or who blocked whom.
        raise ValidationError(
            {"handle": _("You can add only people who share a community with you.")}
        )
    entry, _created = CircleMember.objects.get_or_create(circle=circle, user=person)
    return entry


def do_remove_from_circle(circle: Circle, user_id) -> None:
    """Silently take someone out; their access to past posts to this circle ends at once."""
    CircleMember.objects.filter(circle=circle, user_id=user_id).delete()


def check_delete_circle(circle: Circle) -> None:
    """Delete a named circle; its posts stay visible to their author alone."""
    if circle.is_close_friends:
        raise ValidationError(_("Close friends cannot be deleted; remove people from it instead."))
    circle.delete()
