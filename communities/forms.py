"""Forms for community pages. They validate shape; services validate rules and permissions."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Community, Role
from communities.models.membership import ROLE_RANK
from communities.services.communities import validate_unique_name_and_slug
from communities.services.email_invitations import read_address_rows
from sosoon_site.accounts.forms import time_zone_choices
from sosoon_site.header_safe import validate_header_safe
from sosoon_site.images import AVATAR_LIMITS, ImageLimits, clean_image

COVER_LIMITS = ImageLimits(max_bytes=8 * 1024 * 1024, longest_side=1600)

# The community's own fields as its forms label them (the model's verbose names are English).
COMMUNITY_LABELS = {
    "name": _("Name"),
    "description": _("Description"),
    "discoverability": _("Discoverability"),
    "avatar": _("Avatar"),
    "cover": _("Cover"),
    "member_cap": _("Member cap"),
    "allow_public_teasers": _("Allow public teasers"),
    "auto_approve_domains": _("Auto approve domains"),
}


def clean_community_name(name: str) -> str:
    """The name without surrounding spaces; refused when empty or when it could break the
    subject of an invitation email."""
    name = name.strip()
    if not name:
        raise forms.ValidationError(gettext("A community needs a name."))
    validate_header_safe(name, what=gettext("A community's name"))
    return name


class CommunityImagesMixin:
    """Every uploaded avatar and cover goes through clean_image (verified and re-encoded)."""

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and hasattr(avatar, "content_type"):
            return clean_image(avatar, AVATAR_LIMITS)
        return avatar

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "content_type"):
            return clean_image(cover, COVER_LIMITS)
        return cover


class CommunityCreateForm(CommunityImagesMixin, forms.ModelForm):
    slug = forms.SlugField(
        max_length=60,
        required=False,
        label=_("Address"),
        help_text=_("Letters, digits and hyphens, used in the link. Empty: made from the name."),
    )

    class Meta:
        model = Community
        fields = ["name", "slug", "description", "discoverability", "avatar", "cover"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = COMMUNITY_LABELS

    def clean_name(self):
        return clean_community_name(self.cleaned_data["name"])

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        if name and not cleaned.get("slug"):
            cleaned["slug"] = slugify(name)[:60]
            if not cleaned["slug"]:
                self.add_error(
                    "slug", gettext("Choose an address: the name has no letters or digits.")
                )
        if name and cleaned.get("slug"):
            try:
                validate_unique_name_and_slug(name, cleaned["slug"])
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def validate_unique(self):
        """Uniqueness is checked in clean() with friendlier messages."""


class CommunitySettingsForm(CommunityImagesMixin, forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        label=_("Time zone"),
        required=False,
        help_text=_("Insights count each day from midnight to midnight in this time zone."),
    )

    class Meta:
        model = Community
        fields = [
            "name",
            "description",
            "avatar",
            "cover",
            "discoverability",
            "member_cap",
            "allow_public_teasers",
            "auto_approve_domains",
            "time_zone",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "auto_approve_domains": forms.Textarea(attrs={"rows": 3}),
        }
        labels = COMMUNITY_LABELS

    def clean_name(self):
        return clean_community_name(self.cleaned_data["name"])

    def clean_time_zone(self):
        """Left out of the form, the time zone stays as it is."""
        return self.cleaned_data.get("time_zone") or self.instance.time_zone

    def clean_member_cap(self):
        cap = self.cleaned_data.get("member_cap")
        if cap is not None and cap < 1:
            raise forms.ValidationError(gettext("The member cap must be at least 1 (or empty)."))
        return cap

    def clean_auto_approve_domains(self):
        lines = [
            line.strip().lstrip("@").lower()
            for line in self.cleaned_data["auto_approve_domains"].splitlines()
        ]
        bad = [line for line in lines if line and ("." not in line or " " in line)]
        if bad:
            raise forms.ValidationError(
                gettext("Not a domain: %(domains)s.") % {"domains": ", ".join(bad)}
            )
        return "\n".join(line for line in lines if line)


def role_choices_for(actor_role: str) -> list[tuple[str, str]]:
    """The roles `actor_role` may hand out: those below it, never owner."""
    return [
        (value, label)
        for value, label in Role.choices
        if value != Role.OWNER and ROLE_RANK[value] < ROLE_RANK[actor_role]
    ]


class InvitationTermsForm(forms.Form):
    """Role and tier an invitation grants; the choices depend on the inviter."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=None, empty_label=None)

    def __init__(self, *args, community, actor_role, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_for(actor_role)
        self.fields["tier"].queryset = community.tiers.order_by("rank")


class InvitationLinkForm(InvitationTermsForm):
    expires_at = forms.DateTimeField(
        required=False,
        label=_("Expires"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: never expires."),
    )
    max_uses = forms.IntegerField(
        required=False, label=_("Maximum uses"), help_text=_("Empty: no limit.")
    )

    def clean_max_uses(self):
        max_uses = self.cleaned_data.get("max_uses")
        if max_uses is not None and max_uses < 1:
            raise forms.ValidationError(
                gettext("Maximum uses must be at least 1 (or empty for no limit).")
            )
        return max_uses


class EmailInvitationForm(InvitationTermsForm):
    email = forms.EmailField(required=False, label=_("One address"))
    addresses = forms.CharField(
        required=False,
        label=_("Or paste a list"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One address per line, up to 5,000."),
    )
    csv_file = forms.FileField(
        required=False,
        label=_("Or upload a CSV file"),
        help_text=_("Addresses in the first column, up to 5,000 rows."),
    )

    def clean(self):
        cleaned = super().clean()
        sources = [name for name in ("email", "addresses", "csv_file") if cleaned.get(name)]
        if len(sources) != 1:
            if not self.errors.get("email"):
                raise forms.ValidationError(
                    gettext("Give one address, a pasted list, or a CSV file (just one of them).")
                )
            return cleaned
        if sources[0] != "email":
            try:
                cleaned["rows"] = read_address_rows(
                    pasted=cleaned.get("addresses") or "", upload=cleaned.get("csv_file")
                )
            except forms.ValidationError as error:
                self.add_error(sources[0], error)
        return cleaned


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: a line about who you are, for the admins."),
    )


class TierForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)


class TierChoiceForm(forms.Form):
    """The tier a manager moves a member to: one of the community's own (a malformed or
    foreign id is a form error, not a crash)."""

    tier = forms.ModelChoiceField(
        label=_("Tier"),
        queryset=None,
        error_messages={
            "invalid_choice": _("Choose one of the community's tiers."),
            "required": _("Choose one of the community's tiers."),
        },
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = community.tiers.all()


class NewOwnerForm(forms.Form):
    """Whom ownership goes to: one of the active admins offered on the page."""

    membership = forms.ModelChoiceField(
        queryset=None,
        error_messages={
            "invalid_choice": _("Choose one of the community's admins."),
            "required": _("Choose one of the community's admins."),
        },
    )

    def __init__(self, *args, admins, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = admins


class DeleteCommunityForm(forms.Form):
    confirm_name = forms.CharField(label=_("Type the community's name to confirm"))
