"""factory_boy factories shared by every test package."""

import itertools

import factory
from allauth.account.models import EmailAddress

from sosoon_site.accounts.models import User

TEST_PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    handle = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Faker("name")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or TEST_PASSWORD)
        if create:
            user.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        """Every factory user has a verified primary address, as after sign-up."""
        if create:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def create_community(owner=None, **fields):
    """A community made the way the app makes them (base tier and owner membership included)."""
    from communities.models import Discoverability
    from communities.services.communities import do_create_community

    number = next(_community_numbers)
    fields.setdefault("name", f"Community {number}")
    fields.setdefault("slug", f"community-{number}")
    fields.setdefault("discoverability", Discoverability.UNLISTED)
    return do_create_community(owner or UserFactory(), **fields)


def add_member(community, user=None, *, role="member", tier=None, status="active"):
    """`user` (a new one by default) in `community` with the given role, tier and status."""
    from communities.models import Membership

    return Membership.objects.create(
        user=user or UserFactory(),
        community=community,
        role=role,
        tier=tier or community.tiers.get(rank=0),
        status=status,
    )


_community_numbers = itertools.count(1)
