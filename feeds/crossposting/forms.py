"""Forms for scheduling a cross-post: one section per connected account, one time for all.

Each platform's section prefills from the post with LINK_PLACEHOLDER where the tracked link
goes. The server makes the link's ref code when the cross-post is saved (never from the form,
so nobody can pick, reuse or guess a code) and puts the link in place of the placeholder; the
platform's rules are checked on the text as it will be published. Platform rules are
checked by the provider's `validate` in the service, and its reasons are put back next to the
field they concern.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from feeds.crossposting.models import Platform

LINK_PLACEHOLDER = "{link}"

# Provider validation keys -> form field names.
FIELD_FOR = {"media": "images", "board_id": "board", "link": "text"}


class WhenForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label=_("Publish at (your time zone)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class AccountSectionForm(forms.Form):
    """The fields every platform shares."""

    include = forms.BooleanField(required=False, label=_("Post to this account"))
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label=_("Text"),
        help_text=format_lazy(
            _("{placeholder} becomes the tracked link to the community when you schedule."),
            placeholder=LINK_PLACEHOLDER,
        ),
    )
    images = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Images")
    )

    def __init__(self, *args, account, image_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account
        self.fields["images"].choices = image_choices

    def text_with_link(self, link: str) -> str:
        """The text as it will be published: the tracked link in place of the placeholder."""
        return self.cleaned_data["text"].replace(LINK_PLACEHOLDER, link)

    def add_provider_errors(self, errors: dict[str, str]) -> None:
        for name, reason in errors.items():
            field = FIELD_FOR.get(name, name)
            self.add_error(field if field in self.fields else None, reason)


class XSectionForm(AccountSectionForm):
    pass


class PinterestSectionForm(AccountSectionForm):
    board = forms.ChoiceField(required=False, label=_("Board"))
    title = forms.CharField(required=False, max_length=200, label=_("Title"))
    alt_text = forms.CharField(required=False, max_length=1000, label=_("Alt text"))

    def __init__(self, *args, boards: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [("", gettext("Choose a board")), *boards]
        self.fields["images"].label = gettext("Image (exactly one)")
        self.fields["text"].label = gettext("Description")


# TikTok's privacy levels (creator_info's privacy_level_options), in words.
PRIVACY_LABELS = {
    "PUBLIC_TO_EVERYONE": _("Public to everyone"),
    "MUTUAL_FOLLOW_FRIENDS": _("Mutual follow friends"),
    "FOLLOWER_OF_CREATOR": _("Follower of creator"),
    "SELF_ONLY": _("Self only"),
}


def privacy_label(option: str) -> str:
    """A TikTok privacy level as a person reads it; an unknown one spelled out from its code."""
    return str(PRIVACY_LABELS.get(option) or option.replace("_", " ").capitalize())


class TikTokSectionForm(AccountSectionForm):
    privacy_level = forms.ChoiceField(required=False, label=_("Who can see it on TikTok"))
    title = forms.CharField(required=False, max_length=200, label=_("Title"))
    # Unticked by default, as TikTok's guidelines require of interaction settings.
    allow_comments = forms.BooleanField(required=False, label=_("Allow comments"))
    auto_add_music = forms.BooleanField(required=False, label=_("Add music automatically"))

    def __init__(self, *args, privacy_options: list[str], comment_disabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if comment_disabled:
            field = self.fields["allow_comments"]
            field.disabled = True
            field.initial = False
            field.help_text = gettext("Comments are turned off for this account in TikTok.")
        # No default: TikTok requires the person to choose.
        self.fields["privacy_level"].choices = [("", gettext("Choose…"))] + [
            (option, privacy_label(option)) for option in privacy_options
        ]
        self.fields["text"].label = gettext("Description")


SECTION_FORMS = {
    Platform.X: XSectionForm,
    Platform.PINTEREST: PinterestSectionForm,
    Platform.TIKTOK: TikTokSectionForm,
}


class RescheduleForm(WhenForm):
    pass


class RetryForm(forms.Form):
    checked_platform = forms.BooleanField(
        required=False, label=_("I checked the account and the post is not there")
    )
