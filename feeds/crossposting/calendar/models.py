"""Posting slots and account groups.

A posting slot is a recurring time at which an account usually posts ("Tue 18:00"), read in
the time zone it was set in, so that 18:00 stays 18:00 for its owner across daylight-saving
changes. An account group is a set of one community's accounts (one brand's X, Pinterest and
TikTok) that the composer schedules to at once; a group stays inside one community because a
post can only be cross-posted to its own community's accounts.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from sosoon_site.accounts.models import validate_time_zone

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class PostingSlot(models.Model):
    """A weekly time at which `account` posts, in `time_zone`."""

    account = models.ForeignKey(
        "feeds.ExternalAccount", on_delete=models.CASCADE, related_name="posting_slots"
    )
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS)
    at = models.TimeField()
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])

    class Meta:
        ordering = ["account", "weekday", "at"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "weekday", "at"], name="crossposting_slot_once_per_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()[:3]} {self.at:%H:%M} ({self.time_zone})"

    def occurrences(self, start: datetime, end: datetime):
        """Every moment of this slot in [start, end), in order."""
        zone = zoneinfo.ZoneInfo(self.time_zone)
        day = start.astimezone(zone).date()
        day += timedelta(days=(self.weekday - day.weekday()) % 7)
        while True:
            moment = datetime.combine(day, self.at, tzinfo=zone)
            if moment >= end:
                return
            if moment >= start:
                yield moment
            day += timedelta(days=7)


class AccountGroup(models.Model):
    """Accounts of one community that are scheduled to together (Postiz's "customers")."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="account_groups"
    )
    name = models.CharField(max_length=80)
    accounts = models.ManyToManyField("feeds.ExternalAccount", related_name="groups")

    class Meta:
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="crossposting_group_name_once_per_community"
            )
        ]

    def __str__(self) -> str:
        return self.name
