"""Tiers: the ordered levels inside a community ("Member" < "Insider" < "VIP")."""

from django.db import models


class Tier(models.Model):
    """One level; a higher `rank` sees more. Rank 0 is the base tier every community has."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="tiers"
    )
    name = models.CharField(max_length=40)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["community", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="communities_tier_name_unique"
            ),
            models.UniqueConstraint(
                fields=["community", "rank"], name="communities_tier_rank_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_base(self) -> bool:
        return self.rank == 0
