"""The calendar's forms. Choices are limited to what the person manages; the services check
again, so a forged choice changes nothing."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from feeds.crossposting.calendar.models import WEEKDAYS
from feeds.crossposting.forms import WhenForm
from feeds.crossposting.models import Platform


class FilterForm(forms.Form):
    """Which range and which accounts the calendar shows (all of them when blank)."""

    view = forms.ChoiceField(choices=[("month", _("Month")), ("week", _("Week"))], required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    community = forms.ChoiceField(required=False, label=_("Community"))
    network = forms.ChoiceField(required=False, label=_("Network"))
    account = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=_("Account")
    )

    def __init__(self, *args, communities, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", gettext("All communities"))] + [
            (community.slug, community.name) for community in communities
        ]
        self.fields["network"].choices = [("", gettext("All networks")), *Platform.choices]
        self.fields["account"].choices = [("", gettext("All accounts"))] + [
            (account.pk, f"{account} · {account.community.name}") for account in accounts
        ]

    def selects(self) -> list[tuple[str, str, list[tuple[str, str, bool]]]]:
        """(name, label, [(value, label, selected)]) of each select, for a template loop:
        a widget renders each option through its own template, which costs more than the
        rest of the filter bar put together with twenty accounts."""
        values = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return [
            (
                name,
                self.fields[name].label,
                [
                    (str(value), label, str(value) == str(values.get(name) or ""))
                    for value, label in self.fields[name].choices
                ],
            )
            for name in ("community", "network", "account")
        ]

    def filtered(self, accounts: list) -> list:
        """`accounts` narrowed to the chosen community, network and account."""
        values = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if values.get("community"):
            accounts = [a for a in accounts if a.community.slug == values["community"]]
        if values.get("network"):
            accounts = [a for a in accounts if a.platform == values["network"]]
        if values.get("account"):
            accounts = [a for a in accounts if a.pk == values["account"]]
        return accounts


class MoveForm(WhenForm):
    """A new time for one cross-post; `next` is where the calendar was."""

    next = forms.CharField(required=False, widget=forms.HiddenInput)


class SlotForm(forms.Form):
    account = forms.TypedChoiceField(coerce=int, label=_("Account"))
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int, label=_("Day"))
    at = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [
            (account.pk, f"{account} · {account.community.name}") for account in accounts
        ]


class GroupForm(forms.Form):
    name = forms.CharField(max_length=80, label=_("Group name"))
    accounts = forms.TypedMultipleChoiceField(
        coerce=int, widget=forms.CheckboxSelectMultiple, label=_("Accounts (of one community)")
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accounts"].choices = [
            (account.pk, f"{account} · {account.community.name}") for account in accounts
        ]
