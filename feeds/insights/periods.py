"""The period Insights shows: the last 7, 30 or 90 finished days, or a custom range, and the
period of the same length just before it, which every number is compared with."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from feeds.insights.days import today

PRESETS = {"7": 7, "30": 30, "90": 90}
DEFAULT = "30"
LONGEST_DAYS = 731


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def query(self, preset: str) -> str:
        """The query string that asks for this period again (chart, CSV and preset links)."""
        if preset in PRESETS:
            return f"period={preset}"
        return f"period=custom&start={self.start.isoformat()}&end={self.end.isoformat()}"


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        choices=[
            ("7", _("7 days")),
            ("30", _("30 days")),
            ("90", _("90 days")),
            ("custom", _("Custom")),
        ],
        required=False,
    )
    start = forms.DateField(
        label=_("Start"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("End"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_day = today(community) - timedelta(days=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") != "custom":
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None or end is None:
            raise forms.ValidationError(_("A custom period needs a first and a last day."))
        if end < start:
            raise forms.ValidationError(_("The last day comes before the first; swap them."))
        if end > self.last_day:
            raise forms.ValidationError(
                _("Insights count finished days only: the last day can be %(day)s at the latest.")
                % {"day": date_format(self.last_day, "j F Y")}
            )
        if (end - start).days + 1 > LONGEST_DAYS:
            raise forms.ValidationError(_("A period can be two years long at most."))
        return cleaned

    def chosen(self) -> tuple[str, Period]:
        """The preset asked for (or "custom") and its period; the default when the form
        is invalid, so the page still shows numbers beside the message."""
        preset = DEFAULT
        if self.is_valid():
            preset = self.cleaned_data.get("period") or DEFAULT
            if preset == "custom":
                return preset, Period(self.cleaned_data["start"], self.cleaned_data["end"])
        days = PRESETS[preset]
        return preset, Period(self.last_day - timedelta(days=days - 1), self.last_day)
