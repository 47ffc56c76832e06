"""The secretariat's forms of an event: the event, its venues and rooms, its categories.

The forms validate input and hand their cleaned data to ``domain.events``;
they never save. Times are typed as wall-clock times of the event's time
zone and turned into instants in ``clean``.
"""

import datetime as dt
import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcities.accounts.models import Organisation
from learningcities.calls.enums import CallKind
from learningcities.calls.models import Call
from learningcities.common.forms import BoundedIntegers, IdsChoiceField
from learningcities.common.languages import language_choices
from learningcities.frameworks.models import Framework
from learningcities.network.models import City, Country

from ..domain.events import registration_has_opened
from ..models import Event, ParticipantCategory, Room, Venue

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LOCAL_TIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def in_zone(moment: dt.datetime | None, zone_name: str) -> dt.datetime | None:
    """Return the instant of the wall-clock time ``moment`` in the zone ``zone_name``."""
    if moment is None:
        return None
    return moment.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(zone_name))


def local_time(moment: dt.datetime | None, zone_name: str) -> dt.datetime | None:
    """Return the wall-clock time of the instant ``moment`` in ``zone_name``, without its zone."""
    if moment is None:
        return None
    return moment.astimezone(zoneinfo.ZoneInfo(zone_name)).replace(tzinfo=None)


class CityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.country_id})"


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} ({obj.code} {obj.version})"


class EventForm(BoundedIntegers, forms.ModelForm):
    """An event's own fields and its host organisers; the status moves on its own page."""

    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interpretation = forms.MultipleChoiceField(
        label=_("Interpretation into"),
        choices=language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices, initial="UTC")
    registration_closes_at = forms.DateTimeField(
        label=_("Registration closes"),
        required=False,
        widget=LOCAL_TIME_INPUT,
        help_text=_("Local time in the event's time zone."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "slug",
            "edition",
            "language",
            "theme",
            "description",
            "host_city",
            "host_country",
            "co_organisers",
            "organisers",
            "starts_on",
            "ends_on",
            "time_zone",
            "attendance",
            "online_url",
            "languages",
            "interpretation",
            "registration_closes_at",
            "places_per_city",
            "places_per_country",
            "offer_hours",
            "retention_until",
            "award_call",
            "presentation_call",
            "reported_participants",
            "reported_countries",
            "source",
        ]
        field_classes = {"host_city": CityChoiceField, "organisers": IdsChoiceField}
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "retention_until": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 6}),
            "co_organisers": forms.Textarea(attrs={"rows": 3}),
            "organisers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bound_integers()
        self.fields["host_city"].queryset = City.objects.filter(is_synthetic=False).order_by(
            "name", "pk"
        )
        self.fields["host_country"].queryset = Country.objects.order_by("name")
        self.fields["award_call"].queryset = Call.objects.filter(kind=CallKind.AWARD).order_by(
            "-opens_at", "pk"
        )
        self.fields["presentation_call"].queryset = Call.objects.filter(
            kind=CallKind.PRESENTATIONS
        ).order_by("-opens_at", "pk")
        self.fields["organisers"].queryset = Organisation.objects.order_by("kind", "name", "pk")
        if self.instance.pk and self.instance.registration_closes_at:
            self.initial["registration_closes_at"] = local_time(
                self.instance.registration_closes_at, self.instance.time_zone
            )

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last day comes before the first day."))
        if data.get("time_zone"):
            data["registration_closes_at"] = in_zone(
                data.get("registration_closes_at"), data["time_zone"]
            )
        return data

    def _post_clean(self):
        # The domain checks the event whole (``domain.events``); the model's own
        # validation would compare the closing time before it is made an instant.
        pass

    def event_fields(self) -> dict:
        """Return the keyword arguments of ``create_event`` / ``update_event``."""
        data = dict(self.cleaned_data)
        data.pop("organisers", None)
        return data


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}


class RoomForm(BoundedIntegers, forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "capacity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bound_integers()


class CategoryForm(BoundedIntegers, forms.ModelForm):
    """A participant category: who registers, its form, places, deadline and approval.

    Whether its participants are listed publicly is fixed once registration
    has opened: the field is then shown disabled.
    """

    closes_at = forms.DateTimeField(
        label=_("Registration deadline"),
        required=False,
        widget=LOCAL_TIME_INPUT,
        help_text=_("Local time in the event's time zone. Empty: the event's own deadline."),
    )

    class Meta:
        model = ParticipantCategory
        fields = [
            "kind",
            "name",
            "language",
            "description",
            "questionnaire",
            "capacity",
            "closes_at",
            "approval",
            "counts_in_quotas",
            "is_open_to_public",
            "list_is_public",
            "order",
        ]
        field_classes = {"questionnaire": FrameworkChoiceField}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.bound_integers()
        self.event = event
        self.fields["questionnaire"].queryset = Framework.objects.order_by("code", "version")
        if registration_has_opened(event):
            self.fields["list_is_public"].disabled = True
        if self.instance.pk and self.instance.closes_at:
            self.initial["closes_at"] = local_time(self.instance.closes_at, event.time_zone)

    def clean_closes_at(self):
        return in_zone(self.cleaned_data.get("closes_at"), self.event.time_zone)

    def _post_clean(self):
        # The domain checks a category against its event (``domain.events``).
        pass

    def category_fields(self) -> dict:
        """Return the keyword arguments of ``create_category`` / ``update_category``."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
