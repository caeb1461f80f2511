"""Circles: named lists of people one user keeps, to address posts to. Private to their owner."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _

CLOSE_FRIENDS = "Close friends"


class Circle(models.Model):
    """A list of people kept by `owner`. Every user has one "Close friends" circle
    (`is_close_friends`), made when first needed; nobody is told they are in a circle."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circles"
    )
    name = models.CharField(max_length=60)
    is_close_friends = models.BooleanField(default=False)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CircleMember", related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_close_friends", "name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="feeds_circle_name_unique"),
            models.UniqueConstraint(
                fields=["owner"],
                condition=models.Q(is_close_friends=True),
                name="feeds_circle_one_close_friends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner.handle})"

    @property
    def label(self) -> str:
        """The circle's name as its owner reads it: "Close friends" in the reader's language
        (every account has one, stored under the English name), any other by its own name."""
        return _("Close friends") if self.is_close_friends else self.name

    @property
    def badge(self) -> str:
        """What other viewers of a post to this circle see: never its name or its people."""
        return _("Close friends") if self.is_close_friends else _("Circle")


class CircleMember(models.Model):
    """One person in one circle. The unique index also answers "is X in circle C" for the
    audience policy."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["circle", "added"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="feeds_circle_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.circle}"
