"""Forms people fill in about themselves: sign-up details and the profile (its language too)."""

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sosoon_site.accounts.models import User, handle_validator
from sosoon_site.header_safe import validate_header_safe
from sosoon_site.images import AVATAR_LIMITS, clean_image


def handle_taken(handle: str, *, exclude_pk=None) -> bool:
    """Whether another account already uses `handle` (case-insensitively)."""
    taken = User.objects.filter(handle__iexact=handle)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def clean_display_name(name: str) -> str:
    """A display name is shown beside the person's posts and may reach an email's subject or
    From name: one line, no control characters."""
    validate_header_safe(name, what=_("A display name"))
    return name


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form adds to email and password: a handle and a display name."""

    handle = forms.CharField(
        max_length=30,
        validators=[handle_validator],
        label=_("Handle"),
        help_text=_("Your @name: 2 to 30 letters, digits or underscores."),
    )
    display_name = forms.CharField(max_length=80, required=False, label=_("Display name"))

    def clean_handle(self):
        handle = self.cleaned_data["handle"]
        if handle_taken(handle):
            raise forms.ValidationError(_("That handle is taken; try another."))
        return handle

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])

    def signup(self, request, user):
        """allauth calls this after creating the user."""
        user.handle = self.cleaned_data["handle"]
        user.display_name = self.cleaned_data.get("display_name") or user.handle
        user.save(update_fields=["handle", "display_name"])


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


def language_choices() -> list[tuple[str, str]]:
    """The languages offered, each named in itself, after "follow my browser" (blank)."""
    return [("", _("As my browser asks")), *settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices, label=_("Time zone"))
    language = forms.ChoiceField(choices=language_choices, required=False, label=_("Language"))

    class Meta:
        model = User
        fields = ["display_name", "handle", "avatar", "bio", "time_zone", "language"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}

    def clean_handle(self):
        handle = self.cleaned_data["handle"]
        if handle_taken(handle, exclude_pk=self.instance.pk):
            raise forms.ValidationError(_("That handle is taken; try another."))
        return handle

    def clean_display_name(self):
        return clean_display_name(self.cleaned_data["display_name"])

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and hasattr(avatar, "content_type"):
            return clean_image(avatar, AVATAR_LIMITS)
        return avatar
