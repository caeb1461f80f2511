"""The digest preferences form: one choice per community the person is an active member of,
and for each community they run (owner, admin) whether they get its weekly Insights email."""

from django import forms
from django.utils.translation import gettext as _

from feeds.digests.models import Frequency


class PreferencesForm(forms.Form):
    def __init__(self, *args, preferences, insights=(), **kwargs):
        """`preferences`: (community, current frequency) pairs, from services.preferences_of;
        `insights`: (community, weekly email wanted) pairs, from services.insights_choices_of."""
        super().__init__(*args, **kwargs)
        self.communities = {}
        for community, frequency in preferences:
            name = f"community_{community.pk}"
            self.communities[name] = community
            self.fields[name] = forms.ChoiceField(
                label=community.name,
                choices=Frequency.choices,
                initial=frequency,
            )
        self.insights_communities = {}
        for community, wanted in insights:
            name = f"insights_{community.pk}"
            self.insights_communities[name] = community
            self.fields[name] = forms.BooleanField(
                label=_("Weekly Insights of %(community)s") % {"community": community.name},
                required=False,
                initial=wanted,
            )

    def digest_fields(self):
        return [self[name] for name in self.communities]

    def insights_fields(self):
        return [self[name] for name in self.insights_communities]

    def chosen(self):
        """(community, frequency) for every field, once the form is valid."""
        return [
            (community, self.cleaned_data[name]) for name, community in self.communities.items()
        ]

    def chosen_insights(self):
        """(community, weekly Insights email wanted) for every community the person runs."""
        return [
            (community, self.cleaned_data[name])
            for name, community in self.insights_communities.items()
        ]
