"""Forms of the secretariat's programme editing: sessions and presentations.

Times are entered in the event's own time zone (the schedule shows them so);
speakers are named by their e-mail addresses, one a line, and must be people
of the platform.
"""

import datetime as dt
import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.translated import shown
from learningcities.network.models import City
from learningcities.practices.enums import PracticeStatus
from learningcities.practices.models import Practice

from ..domain.queries.programme import event_zone
from ..enums import SessionKind
from ..models import Event, Presentation, ProgrammeSession, Room

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
# The number in the address of a practice's page (/practices/12/, /fr/practices/12/).
PRACTICE_ADDRESS = re.compile(r"/practices/(\d+)/?")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_INPUT, **kwargs)


class SessionForm(forms.Form):
    """A session of the programme; ``cleaned_data`` holds aware times and the room."""

    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    language = forms.ChoiceField(label=_("Language of the texts"), choices=language_choices)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT]
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=LocalDateTimeInput(), input_formats=[DATETIME_INPUT]
    )
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("For a site visit: where it goes."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("Leave empty when everyone may come without signing up."),
    )

    def __init__(self, *args, event: Event, instance: ProgrammeSession | None = None, **kwargs):
        self.event = event
        self.zone = event_zone(event)
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_of(instance)
        kwargs.setdefault("initial", {}).setdefault("language", event.language)
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(venue__event=event).select_related(
            "venue"
        )
        zone_note = _("In the event's time zone (%(zone)s).") % {"zone": event.time_zone}
        self.fields["starts_at"].help_text = zone_note
        self.fields["ends_at"].help_text = zone_note

    def _initial_of(self, session: ProgrammeSession) -> dict:
        initial = {
            field: getattr(session, field)
            for field in ("kind", "title", "description", "language", "room", "place", "capacity")
        }
        initial["starts_at"] = session.starts_at.astimezone(self.zone).replace(tzinfo=None)
        initial["ends_at"] = session.ends_at.astimezone(self.zone).replace(tzinfo=None)
        return initial

    def _aware(self, value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        # Entered as a wall-clock time of the event's zone, whatever the server's zone.
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=self.zone)

    def clean(self):
        data = super().clean()
        data["starts_at"] = self._aware(data.get("starts_at"))
        data["ends_at"] = self._aware(data.get("ends_at"))
        if data["starts_at"] and data["ends_at"] and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A session must end after it starts."))
        return data

    def session_values(self) -> dict:
        return {
            field: self.cleaned_data[field]
            for field in (
                "kind",
                "title",
                "description",
                "language",
                "starts_at",
                "ends_at",
                "room",
                "place",
                "capacity",
            )
        }


class SessionChoiceField(forms.ModelChoiceField):
    """A session of the event, named by its start in the event's zone and its title."""

    def label_from_instance(self, obj: ProgrammeSession) -> str:
        start = obj.starts_at.astimezone(event_zone(obj.event))
        return f"{formats.date_format(start, 'SHORT_DATETIME_FORMAT')} · {shown(obj, 'title')}"


class PresentationForm(forms.Form):
    """A presentation: its title, the city it presents, its speakers by e-mail address."""

    title = forms.CharField(label=_("Title"), max_length=300)
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.select_related("country").order_by("name"),
        required=False,
        help_text=_("A city of the register."),
    )
    speakers = forms.CharField(
        label=_("Speakers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The e-mail addresses of their accounts, one a line."),
    )
    practice = forms.CharField(
        label=_("Good practice"),
        required=False,
        max_length=300,
        help_text=_(
            "The address of the practice in the library the presentation is about "
            "(such as https://…/practices/12/), or its number."
        ),
    )
    order = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=32_767, initial=0, required=False
    )

    def __init__(self, *args, instance: Presentation | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "city": instance.city,
                "order": instance.order,
                "speakers": "\n".join(p.email for p in instance.speakers.all()),
                "practice": str(instance.practice_id or ""),
            }
            kwargs["initial"]["session"] = instance.session_id
        super().__init__(*args, **kwargs)
        if instance is not None:
            # An existing presentation may move to another session of its
            # event, or wait outside any (an accepted proposal starts there).
            self.fields["session"] = SessionChoiceField(
                label=_("Session"),
                queryset=ProgrammeSession.objects.filter(event_id=instance.event_id)
                .select_related("event")
                .order_by("starts_at", "pk"),
                required=False,
                empty_label=_("Not placed in a session yet"),
            )

    def clean_speakers(self) -> list:
        addresses = [line.strip() for line in self.cleaned_data["speakers"].splitlines()]
        addresses = list(dict.fromkeys(a for a in addresses if a))
        users = {
            u.email.lower(): u
            for u in get_user_model().objects.filter(email__in=addresses, is_active=True)
        }
        unknown = [a for a in addresses if a.lower() not in users]
        if unknown:
            raise forms.ValidationError(
                _("No account has the address %(addresses)s."),
                params={"addresses": ", ".join(unknown)},
            )
        return [users[a.lower()] for a in addresses]

    def clean_practice(self):
        """Read a practice's number or the address of its page; only a published one."""
        raw = self.cleaned_data["practice"].strip()
        if not raw:
            return None
        found = PRACTICE_ADDRESS.search(raw)
        number = found.group(1) if found else raw
        practice = None
        if number.isascii() and number.isdigit() and len(number) < 12:
            practice = Practice.objects.filter(
                pk=int(number), status=PracticeStatus.PUBLISHED
            ).first()
        if practice is None:
            raise forms.ValidationError(
                _("No published practice has the number or address “%(value)s”."),
                params={"value": raw},
            )
        return practice

    def presentation_values(self) -> dict:
        values = {
            "title": self.cleaned_data["title"],
            "city": self.cleaned_data["city"],
            "practice": self.cleaned_data.get("practice"),
            "speakers": self.cleaned_data["speakers"],
            "order": self.cleaned_data.get("order") or 0,
        }
        if "session" in self.fields:
            values["session"] = self.cleaned_data["session"]
        return values
