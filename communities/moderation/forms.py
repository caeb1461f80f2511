"""Forms for reporting, acting from the moderation queue, and auto-moderation settings.
They check shape; the services check rules and permissions again."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.moderation.models import NOTE_MAX, REASON_MAX, AutoModeration, ReportReason
from communities.moderation.services.actions import MUTE_CHOICES, QUEUE_ACTIONS
from communities.moderation.services.automod import validate_blocked_words, validate_patterns


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=ReportReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: anything that helps the moderators understand."),
    )


class ActionForm(forms.Form):
    label = forms.CharField(max_length=30, widget=forms.HiddenInput)
    target_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    action = forms.ChoiceField(label=_("Action"), choices=list(QUEUE_ACTIONS.items()))
    duration = forms.ChoiceField(
        required=False,
        label=_("Mute for"),
        choices=[("", "—")] + [(key, label) for key, (label, _length) in MUTE_CHOICES.items()],
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        help_text=_("The member reads this. Reporters are only told the report was handled."),
    )


class MemberActionForm(forms.Form):
    """Removing or banning from the member list: the reason, as the queue asks for one."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("They read this, and it stays in the moderation log."),
        error_messages={"required": _("Give a reason; the person affected will read it.")},
    )


class AutoModerationForm(forms.ModelForm):
    class Meta:
        model = AutoModeration
        fields = [
            "blocked_words",
            "patterns",
            "filter_action",
            "new_member_holds",
            "auto_hide_reports",
        ]
        widgets = {
            "blocked_words": forms.Textarea(attrs={"rows": 4}),
            "patterns": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "blocked_words": _("Blocked words"),
            "patterns": _("Patterns"),
            "filter_action": _("Filter action"),
            "new_member_holds": _("New member holds"),
            "auto_hide_reports": _("Auto hide reports"),
        }
        help_texts = {
            "patterns": _(
                "Regular expressions, one per line; matched anywhere, any case, in time "
                "linear in the text: no backreferences, lookahead, lookbehind or \\b "
                "(list whole words under Blocked words)."
            ),
        }

    def clean_blocked_words(self):
        return validate_blocked_words(self.cleaned_data["blocked_words"])

    def clean_patterns(self):
        return validate_patterns(self.cleaned_data["patterns"])

    def clean_auto_hide_reports(self):
        count = self.cleaned_data["auto_hide_reports"]
        if count < 1:
            raise ValidationError(gettext("At least 1."))
        return count
