"""factory_boy factories shared by every test package."""

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
