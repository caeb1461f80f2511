"""Events, RSVPs, reminders sent and private calendar feeds.

Who may see an event is its post's business: `Event.objects.visible_to(viewer)` is the
policy's `Post.objects.visible_to` seen from the event, never a rule of its own.
"""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feeds.models.post import Post
from sosoon_site.accounts.models import validate_time_zone

MAX_TITLE = 120
MAX_PLACE = 200


class EventQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EventQuerySet":
        """Events whose post `user` may see now and which is not removed."""
        return self.filter(post__in=Post.objects.visible_to(user).live().values("pk"))

    def upcoming(self, now=None) -> "EventQuerySet":
        """Not over yet (cancelled ones included: they show as cancelled), soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None) -> "EventQuerySet":
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")


class Event(models.Model):
    """When and where a post's gathering happens, and how many may come. Times are stored in
    UTC; `time_zone` is the zone the organiser meant, in which the page shows them."""

    post = models.OneToOneField("feeds.Post", on_delete=models.CASCADE, related_name="event")
    title = models.CharField(max_length=MAX_TITLE)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    place = models.CharField(max_length=MAX_PLACE, blank=True)
    online_link = models.URLField(blank=True)
    link_only_for_going = models.BooleanField(default=False)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The chat room for those going, once the organiser turned it on (archived while off):
    # chat's room rule decides who reads it, from the list feeds.events.services.rooms keeps.
    chat_room = models.OneToOneField(
        "communities.ChatRoom",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    edited = models.DateTimeField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        app_label = "feeds"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="feeds_event_starts")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0),
                name="event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"event_id": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def is_over(self) -> bool:
        return self.ends_at < timezone.now()


class RSVPStatus(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Can't go")
    WAITLISTED = "waitlisted", _("On the waitlist")


class RSVP(models.Model):
    """One person's answer to one event. Someone who asks to go to a full event is
    `waitlisted`, in `waitlist_position` order, until a place frees up."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=RSVPStatus.choices)
    waitlist_position = models.PositiveIntegerField(null=True, blank=True)
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "feeds"
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="rsvp_once_per_person"),
        ]
        indexes = [models.Index(fields=["event", "status"], name="feeds_rsvp_event_status")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.event_id}"


class ReminderKind(models.TextChoices):
    DAY = "24h", "24 hours before"
    HOUR = "1h", "1 hour before"


class EventReminder(models.Model):
    """A reminder claimed for one person: the row is written before anything is sent, and its
    uniqueness is what keeps two workers from reminding anyone twice."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=3, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "feeds"
        constraints = [
            models.UniqueConstraint(fields=["event", "user", "kind"], name="event_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder of {self.event_id} for {self.user_id}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar address: whoever holds the token reads their events, so
    it can be replaced (the old address then answers 404) or turned off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "feeds"

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"
