"""The owner's forms: a new partner (a member by handle, or an outside person by name and
handle), the same fields to edit one (a partner stays a member partner or an outside one),
and a new link for a partner. Bad input is a message on the field; nothing saved."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.models import Membership, MembershipStatus
from feeds.insights.partners.models import Partner

_OUTSIDE_HANDLE = re.compile(r"@?[\w.\-]{2,60}")


class PartnerKind:
    MEMBER = "member"
    OUTSIDE = "outside"


class PartnerForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Who"),
        choices=[
            (PartnerKind.MEMBER, _("A member of the community")),
            (PartnerKind.OUTSIDE, _("Someone outside it")),
        ],
        initial=PartnerKind.MEMBER,
        widget=forms.RadioSelect,
    )
    member_handle = forms.CharField(label=_("Member's handle"), max_length=31, required=False)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    handle = forms.CharField(
        label=_("Their handle elsewhere"),
        max_length=61,
        required=False,
        help_text=_("Where people know them, for example @anna.wines on Instagram."),
    )
    tier = forms.ModelChoiceField(
        label=_("Tier for people who join through their links"),
        queryset=None,
        required=False,
        empty_label=_("The base tier"),
    )

    def __init__(self, *args, community, partner: Partner | None = None, **kwargs):
        """A new partner's form, or, with `partner`, the form editing them: its fields are
        those of their kind, filled in with what they have now."""
        if partner is not None:
            kwargs.setdefault(
                "initial",
                {
                    "member_handle": partner.handle,
                    "name": partner.name,
                    "handle": partner.handle,
                    "tier": partner.tier_id,
                },
            )
        super().__init__(*args, **kwargs)
        self.community = community
        self.partner = partner
        self.fields["tier"].queryset = community.tiers.order_by("rank")
        self.member = None
        if partner is not None:
            del self.fields["kind"]
            del self.fields["handle" if partner.is_member else "member_handle"]
            if partner.is_member:
                self.fields["name"].help_text = _("Leave it empty to use the member's own name.")

    @property
    def chosen_kind(self) -> str | None:
        if self.partner is not None:
            return PartnerKind.MEMBER if self.partner.is_member else PartnerKind.OUTSIDE
        return self.cleaned_data.get("kind")

    def _clean_member(self, cleaned) -> None:
        handle = cleaned.get("member_handle", "").strip().removeprefix("@")
        if not handle:
            self.add_error("member_handle", _("Give the member's handle."))
            return
        membership = (
            Membership.objects.filter(
                community=self.community,
                status=MembershipStatus.ACTIVE,
                user__handle__iexact=handle,
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            self.add_error(
                "member_handle",
                _("Nobody with the handle @%(handle)s is a member of this community.")
                % {"handle": handle},
            )
            return
        user = membership.user
        partners = Partner.objects.filter(
            community=self.community, user=user, removed_at__isnull=True
        )
        if self.partner is not None:
            partners = partners.exclude(pk=self.partner.pk)
        if partners.exists():
            self.add_error(
                "member_handle", _("@%(handle)s is a partner already.") % {"handle": user.handle}
            )
            return
        self.member = user
        cleaned["name"] = cleaned.get("name", "").strip() or user.name
        cleaned["handle"] = f"@{user.handle}"

    def _clean_outside(self, cleaned) -> None:
        name = cleaned.get("name", "").strip()
        handle = cleaned.get("handle", "").strip()
        if not name:
            self.add_error("name", _("Give the partner's name."))
        if not handle:
            self.add_error("handle", _("Give the handle people know them by."))
        elif not _OUTSIDE_HANDLE.fullmatch(handle):
            self.add_error(
                "handle",
                _("A handle is 2 to 60 letters, digits, dots, dashes or underscores."),
            )
        cleaned["name"], cleaned["handle"] = name, handle

    def clean(self):
        cleaned = super().clean()
        if self.chosen_kind == PartnerKind.MEMBER:
            self._clean_member(cleaned)
        elif self.chosen_kind == PartnerKind.OUTSIDE:
            self._clean_outside(cleaned)
        return cleaned


class LinkForm(forms.Form):
    label = forms.CharField(
        label=_("Label"),
        max_length=60,
        required=False,
        help_text=_("Where the link goes, for example “Spring newsletter”."),
    )
