"""A community's partners, their tracked links, and the summary rows Insights reads.

A partner's link is an ordinary invitation of the community (`communities.Invitation`, so
redeeming it is the one redemption every invitation goes through) plus a `PartnerLink`
naming the partner and carrying a ref code of its own for the tracked address `/j/<ref>/`.
`LinkVisitDay` is the raw counter that address writes; `PartnerDay`, `PartnerJoin` and
`PartnerPostDay` are written only by the roll-up (`rollups.py`), a day's rows replaced whole.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def new_ref_code() -> str:
    return secrets.token_urlsafe(9)


class Partner(models.Model):
    """Someone who brings people to the community: a member (`user`) or an outside person
    known by name and their handle elsewhere. Joins through their links get `tier`.

    A removed partner keeps their row (`removed_at`), so the history their links made stays
    counted; their links' invitations are revoked (services.do_remove_partner)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=100)
    handle = models.CharField(_("handle"), max_length=100)
    tier = models.ForeignKey(
        "communities.Tier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=models.Q(removed_at__isnull=True),
                name="partners_member_once_a_community",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.handle}) in {self.community_id}"

    @property
    def is_member(self) -> bool:
        return self.user_id is not None

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class PartnerLink(models.Model):
    """One of a partner's tracked links: the invitation it opens and its ref code."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="links")
    invitation = models.OneToOneField(
        "communities.Invitation", on_delete=models.CASCADE, related_name="+"
    )
    ref_code = models.CharField(max_length=20, unique=True, default=new_ref_code)
    label = models.CharField(_("label"), max_length=60, blank=True)
    visit_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Link {self.ref_code} of partner {self.partner_id}"

    def get_absolute_url(self) -> str:
        return reverse("insights:partner_link", kwargs={"ref_code": self.ref_code})


class LinkVisitDay(models.Model):
    """Visits to one partner link on one day of its community (one a browser session)."""

    link = models.ForeignKey(PartnerLink, on_delete=models.CASCADE, related_name="visit_days")
    day = models.DateField()
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link", "day"], name="partners_link_visit_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.visits} visits to link {self.link_id} on {self.day}"


class PartnerDay(models.Model):
    """One partner's day: visits to their links, joins through them, and their own posts
    written that day (a member partner's)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visits = models.PositiveIntegerField(default=0)
    joins = models.PositiveIntegerField(default=0)
    posts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "day"], name="partners_partner_day_once")
        ]
        indexes = [models.Index(fields=["community", "day"], name="partners_day")]

    def __str__(self) -> str:
        return f"Partner {self.partner_id} on {self.day}"


class PartnerJoin(models.Model):
    """A join through one of a partner's links: the community's `MemberJoin` row of it
    (whose `retained` says whether they stayed active), and the person."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    member_join = models.OneToOneField(
        "feeds.MemberJoin", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["community", "day"], name="partners_join_day")]

    def __str__(self) -> str:
        return f"{self.user_id} joined through partner {self.partner_id} on {self.day}"


class PartnerPostDay(models.Model):
    """Interactions on a member partner's post on one day, with its audience as the
    community's `PostDay` counted it (the audience policy's reverse form)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("feeds.Post", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    interactions = models.PositiveIntegerField(default=0)
    audience = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["community", "day"], name="partners_post_day")]

    def __str__(self) -> str:
        return f"Post {self.post_id} of partner {self.partner_id} on {self.day}"
