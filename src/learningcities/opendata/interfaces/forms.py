"""The form that subscribes an organisation's address to the network's events."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..enums import WebhookEvent


class WebhookForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_("Where your system receives the events, such as https://example.org/hooks."),
    )
    events = forms.MultipleChoiceField(
        label=pgettext_lazy("webhook", "Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A progress report or a registration is heard of only by the organisations it "
            "concerns and the secretariat."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        self.fields["organisation"].choices = [
            (organisation.pk, organisation.name) for organisation in organisations
        ]
