"""Forms of clusters and peers: asking to join, deciding, writing to a cluster or a city."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..domain.clusters import MESSAGE_LENGTH, MESSAGE_SUBJECT_LENGTH
from ..domain.peers import CONTACT_MESSAGE_LENGTH
from ..enums import ClusterRole


def _city_field(field: forms.ChoiceField, cities) -> None:
    """Offer ``cities``; a person acting for one city is not asked which (a hidden field)."""
    field.choices = [(str(city.pk), city.name) for city in cities]
    if len(field.choices) == 1:
        field.widget = forms.HiddenInput()
        field.initial = field.choices[0][0]


class JoinClusterForm(forms.Form):
    """A city asks to join a cluster, saying why."""

    city = forms.ChoiceField(label=_("City"))
    motivation = forms.CharField(
        label=_("Why your city wants to join"),
        help_text=_("What your city does in this field and what it hopes to share or learn."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.cities = {str(city.pk): city for city in cities}
        _city_field(self.fields["city"], cities)

    def chosen_city(self):
        return self.cities[self.cleaned_data["city"]]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", pgettext_lazy("cluster request", "Accept")),
            ("decline", pgettext_lazy("cluster request", "Decline")),
        ],
    )


class ClusterRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ClusterRole.choices)


class ClusterMessageForm(forms.Form):
    """A lead city or the secretariat writes to every city of the cluster."""

    subject = forms.CharField(label=_("Subject"), max_length=MESSAGE_SUBJECT_LENGTH)
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Sent to the coordinators of every city of the cluster, each city on its own: "
            "no city sees the others' addresses."
        ),
    )


class ContactCityForm(forms.Form):
    """A city writes to another; the platform relays the message to its coordinators."""

    from_city = forms.ChoiceField(label=_("Write in the name of"))
    message = forms.CharField(
        label=_("Message"),
        max_length=CONTACT_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "The platform sends it to the city's coordinators with your city's name; "
            "no e-mail address is shown to either side. They answer through the platform."
        ),
    )

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.cities = {str(city.pk): city for city in cities}
        _city_field(self.fields["from_city"], cities)

    def chosen_city(self):
        return self.cities[self.cleaned_data["from_city"]]
