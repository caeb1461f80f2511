"""The digest preferences form: one choice per community the person is an active member of."""

from django import forms

from feeds.digests.models import Frequency


class PreferencesForm(forms.Form):
    def __init__(self, *args, preferences, **kwargs):
        """`preferences`: (community, current frequency) pairs, from services.preferences_of."""
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

    def chosen(self):
        """(community, frequency) for every field, once the form is valid."""
        return [
            (community, self.cleaned_data[name]) for name, community in self.communities.items()
        ]
