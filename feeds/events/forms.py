"""The event form: the post's fields (description, audience, cover image) and the event's.

It extends the post form, so the audience and the content are validated exactly as a post's;
times are typed as local date-times in a chosen zone (the organiser's own by default) and
checked by the same `validate_schedule` the service uses.
"""

import zoneinfo
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from feeds.events.models import MAX_PLACE, MAX_TITLE
from feeds.events.services.events import validate_schedule
from feeds.events.services.rooms import validate_room_audience
from feeds.forms import PostForm
from sosoon_site.accounts.forms import time_zone_choices

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(PostForm):
    title = forms.CharField(max_length=MAX_TITLE, label=_("Title"))
    starts_at = forms.DateTimeField(label=_("Starts"), widget=LOCAL_INPUT)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=LOCAL_INPUT)
    time_zone = forms.ChoiceField(choices=time_zone_choices, label=_("Time zone"))
    place = forms.CharField(max_length=MAX_PLACE, required=False, label=_("Place"))
    online_link = forms.URLField(
        required=False, label=_("Online link"), assume_scheme="https", max_length=200
    )
    link_only_for_going = forms.BooleanField(
        required=False, label=_("Show the online link only to people going")
    )
    capacity = forms.IntegerField(
        required=False,
        label=_("Capacity"),
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=_("Leave empty for no limit; past it, people join a waitlist."),
    )
    chat_room = forms.BooleanField(
        required=False,
        label=_("A chat room for those going"),
        help_text=_("Only the people going, you, and the community's owner and admins read it."),
    )

    field_order = [
        *("title", "starts_at", "ends_at", "time_zone", "place", "online_link"),
        *("link_only_for_going", "capacity", "chat_room", "body", "audience", "images"),
    ]

    def __init__(self, *args, was_start: datetime | None = None, **kwargs):
        """`was_start`: when editing, the event's start, which may stay even once past."""
        super().__init__(*args, **kwargs)
        self.was_start = was_start
        self.fields["body"].required = True
        self.fields["body"].label = gettext("Description")
        self.fields["body"].widget.attrs["placeholder"] = gettext("What is it, who is it for?")
        if "images" in self.fields:
            self.fields["images"].label = gettext("Cover image")
        self.fields["time_zone"].initial = getattr(self.author, "time_zone", "UTC")

    def clean(self):
        data = super().clean()
        zone = data.get("time_zone")
        for name in ("starts_at", "ends_at"):
            if data.get(name) and zone:
                local = data[name].replace(tzinfo=None)
                data[name] = local.replace(tzinfo=zoneinfo.ZoneInfo(zone))
        if not data.get("place") and not data.get("online_link") and not self.has_error("place"):
            self.add_error("place", gettext("Give a place or an online link."))
        if data.get("starts_at") and data.get("ends_at"):
            try:
                validate_schedule(
                    data["starts_at"],
                    data["ends_at"],
                    data.get("capacity"),
                    was_start=self.was_start,
                )
            except ValidationError as error:
                self.add_validation_error(error)
        try:
            validate_room_audience(data.get("audience"), chat_room=bool(data.get("chat_room")))
        except ValidationError as error:
            self.add_validation_error(error)
        return data

    def event_fields(self) -> dict:
        """The cleaned fields as the event services take them."""
        names = ["title", "starts_at", "ends_at", "time_zone", "place", "online_link"]
        # The one audience control's choice: `clean_audience` put its tier and circle apart.
        names += ["link_only_for_going", "capacity", "chat_room", "body", "audience"]
        names += ["min_tier", "circle"]
        fields = {name: self.cleaned_data.get(name) for name in names}
        fields["place"] = fields["place"] or ""
        fields["online_link"] = fields["online_link"] or ""
        if "images" in self.fields:
            fields["images"] = self.cleaned_data.get("images") or []
        return fields
