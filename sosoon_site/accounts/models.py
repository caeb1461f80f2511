"""The custom user: email to sign in, a unique @handle to be mentioned by, a time zone and a
language."""

import zoneinfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

HANDLE_PATTERN = r"^[A-Za-z0-9_]{2,30}$"
handle_validator = RegexValidator(
    HANDLE_PATTERN, _("A handle is 2 to 30 letters, digits or underscores.")
)


def validate_time_zone(value: str) -> None:
    """Accept IANA zone names only; choices live in the form so tzdata updates need no migration."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(zone)r is not a time zone we know, such as Europe/Paris."),
            params={"zone": value},
        )


class AccountManager(UserManager):
    """Creates users by email; the handle defaults to the email's local part when absent."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email)
        extra_fields.setdefault("handle", self.free_handle(email.split("@")[0]))
        extra_fields.setdefault("display_name", extra_fields["handle"])
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        """A superuser whose address counts as verified, as `manage.py createsuperuser` makes.

        The operator at the server vouches for the address; with verification mandatory
        (production's default) they could otherwise not reach /admin/ before mail works.
        """
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        with transaction.atomic(using=self._db):
            user = self._create_user(email, password, **extra_fields)
            # By name: allauth's models module imports allauth's adapter (and Django's auth
            # forms), which need this module loaded first.
            email_address = apps.get_model("account", "EmailAddress")
            email_address.objects.using(self._db).create(
                user=user, email=user.email, verified=True, primary=True
            )
        return user

    def free_handle(self, wanted: str) -> str:
        """`wanted` cleaned to the handle alphabet, with a number added until it is free."""
        base = "".join(ch for ch in wanted if ch.isascii() and (ch.isalnum() or ch == "_"))
        base = (base or "member")[:24].ljust(2, "_")
        candidate, number = base, 1
        while self.filter(handle__iexact=candidate).exists():
            number += 1
            candidate = f"{base}{number}"
        return candidate


class User(AbstractUser):
    """A person. Signs in with `email`; others see `display_name` and `@handle`."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    handle = models.CharField(
        _("handle"),
        max_length=30,
        unique=True,
        validators=[handle_validator],
        help_text=_("Your @name: 2 to 30 letters, digits or underscores."),
    )
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    bio = models.CharField(_("bio"), max_length=300, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    # Blank follows the browser (Accept-Language); sosoon_site/languages.py reads it.
    language = models.CharField(
        _("language"), max_length=10, blank=True, choices=settings.LANGUAGES
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = AccountManager()

    class Meta:
        ordering = ["handle"]
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="accounts_user_handle_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (@{self.handle})"

    @property
    def name(self) -> str:
        """What other people see: the display name, or the handle when there is none."""
        return self.display_name or self.handle

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class BlockQuerySet(models.QuerySet):
    def between(self, one, other) -> "BlockQuerySet":
        """Blocks in either direction between two people."""
        return self.filter(
            models.Q(blocker=one, blocked=other) | models.Q(blocker=other, blocked=one)
        )


class Block(models.Model):
    """`blocker` never sees `blocked` again, and the reverse: blocks hide both directions."""

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created = models.DateTimeField(auto_now_add=True)

    objects = BlockQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="accounts_block_once"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="accounts_block_not_self"
            ),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"])]

    def __str__(self) -> str:
        return f"{self.blocker} blocks {self.blocked}"
