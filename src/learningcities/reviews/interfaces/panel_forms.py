"""Forms of the jury's set-up: the panel, its phases, ties, recusals and assignments."""

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.models import Organisation
from learningcities.calls.models import Call
from learningcities.common.model_fields import (
    setting_default,
    setting_form_field,
    setting_label,
)
from learningcities.network.models import City, Country

from ..enums import OtherReviews, TieKind
from ..models import Panel, ReviewPhase

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def parse_descriptors(text: str) -> dict[str, str]:
    """Read level descriptors typed one per line as ``score: meaning``."""
    found: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        key, sep, meaning = line.partition(":")
        if not sep or not key.strip() or not meaning.strip():
            raise forms.ValidationError(
                _(
                    "Line %(line)s: write a score, a colon and its meaning, "
                    "such as “1: Not addressed”."
                ),
                params={"line": number},
            )
        found[key.strip()] = meaning.strip()
    return found


def format_descriptors(descriptors: dict) -> str:
    return "\n".join(f"{key}: {value}" for key, value in (descriptors or {}).items())


class PanelOrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class PanelSettingsForm(forms.Form):
    """The panel's scale, level descriptors, load limit and aggregation settings.

    Each field is the model's (``Panel``, ``Call.min_reviews``): its label,
    help text, default and limits are defined there only.
    """

    score_min = setting_form_field(Panel, "score_min")
    score_max = setting_form_field(Panel, "score_max")
    # Typed as lines of text, not JSON: the label and help text are the model's.
    level_descriptors = forms.CharField(
        label=setting_label(Panel, "level_descriptors"),
        help_text=Panel._meta.get_field("level_descriptors").help_text,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    max_load = setting_form_field(Panel, "max_load")
    normalise_min_reviews = setting_form_field(Panel, "normalise_min_reviews")
    disagreement_spread = setting_form_field(Panel, "disagreement_spread")
    min_reviews = setting_form_field(
        Call, "min_reviews", label=_("Reviews per submission"), required=False
    )
    reminder_days = setting_form_field(Panel, "reminder_days", required=False)

    def clean_level_descriptors(self) -> dict[str, str]:
        return parse_descriptors(self.cleaned_data["level_descriptors"])

    def clean(self) -> dict:
        data = super().clean()
        if "reminder_days" in data and data["reminder_days"] is None:
            # Left empty (or posted by an older form): the current setting stays.
            data["reminder_days"] = self.initial.get(
                "reminder_days", setting_default(Panel, "reminder_days")
            )
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and low >= high:
            self.add_error("score_max", _("The highest score must be above the lowest."))
        return data

    @classmethod
    def for_panel(cls, panel, data=None) -> "PanelSettingsForm":
        initial = {
            "score_min": panel.score_min,
            "score_max": panel.score_max,
            "level_descriptors": format_descriptors(panel.level_descriptors),
            "max_load": panel.max_load,
            "normalise_min_reviews": panel.normalise_min_reviews,
            "disagreement_spread": panel.disagreement_spread,
            "min_reviews": panel.call.min_reviews,
            "reminder_days": panel.reminder_days,
        }
        return cls(data, initial=initial)


class PanelCreateForm(PanelSettingsForm):
    """A new panel: an existing panel organisation, or the name of a new one, and its settings.

    The settings start at the model's defaults (the fields' initial values).
    """

    organisation = PanelOrganisationChoiceField(
        label=_("Panel organisation"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.PANEL, is_active=True).order_by(
            "name"
        ),
        required=False,
        empty_label=_("A new panel organisation"),
        help_text=_("Its jurors become the call's jurors."),
    )
    organisation_name = forms.CharField(
        label=_("Name of the new panel organisation"),
        required=False,
        max_length=200,
        help_text=_("Used only when no existing organisation is chosen."),
    )
    field_order = ["organisation", "organisation_name"]
    # Set on the panel's page once it exists (it is the call's ``min_reviews``).
    min_reviews = None


class PhaseForm(forms.Form):
    """A review phase: its window, in the call's time zone, and what jurors may do.

    Labels, defaults and limits are the model's (``ReviewPhase``).
    """

    name = setting_form_field(ReviewPhase, "name")
    order = setting_form_field(ReviewPhase, "order")
    # Typed as wall-clock times of the call's zone (``clean`` makes them instants).
    starts = forms.DateTimeField(
        label=setting_label(ReviewPhase, "starts_at"), widget=DATETIME_WIDGET
    )
    ends = forms.DateTimeField(label=setting_label(ReviewPhase, "ends_at"), widget=DATETIME_WIDGET)
    may_review = setting_form_field(ReviewPhase, "may_review")
    sees_other_reviews = forms.ChoiceField(
        label=setting_label(ReviewPhase, "sees_other_reviews"),
        choices=OtherReviews.choices,
        initial=setting_default(ReviewPhase, "sees_other_reviews"),
    )
    sees_identity = setting_form_field(ReviewPhase, "sees_identity")
    may_change_state = setting_form_field(ReviewPhase, "may_change_state")

    def __init__(self, *args, time_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(time_zone)
        for name in ("starts", "ends"):
            self.fields[name].help_text = _("Local time in %(zone)s.") % {"zone": time_zone}

    def clean(self) -> dict:
        data = super().clean()
        if data.get("starts") and data.get("ends"):
            data["starts_at"] = data["starts"].replace(tzinfo=None).replace(tzinfo=self.zone)
            data["ends_at"] = data["ends"].replace(tzinfo=None).replace(tzinfo=self.zone)
            if data["starts_at"] >= data["ends_at"]:
                self.add_error("ends", _("A phase must end after it starts."))
        return data

    def phase_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "order": data["order"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "may_review": data["may_review"],
            "sees_other_reviews": data["sees_other_reviews"],
            "sees_identity": data["sees_identity"],
            "may_change_state": data["may_change_state"],
        }

    @classmethod
    def for_phase(cls, phase, *, time_zone: str, data=None) -> "PhaseForm":
        zone = zoneinfo.ZoneInfo(time_zone)
        initial = {
            "name": phase.name,
            "order": phase.order,
            "starts": phase.starts_at.astimezone(zone).replace(tzinfo=None),
            "ends": phase.ends_at.astimezone(zone).replace(tzinfo=None),
            "may_review": phase.may_review,
            "sees_other_reviews": phase.sees_other_reviews,
            "sees_identity": phase.sees_identity,
            "may_change_state": phase.may_change_state,
        }
        return cls(data, initial=initial, time_zone=time_zone)


class CountryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class TieForm(forms.Form):
    """A tie to a country, or a declared tie to a city (by its id in the directory)."""

    kind = forms.ChoiceField(label=_("Kind of tie"), choices=TieKind.choices)
    country = CountryChoiceField(
        label=_("Country"), queryset=Country.objects.order_by("name"), required=False
    )
    city = forms.ModelChoiceField(
        label=_("City (number in the directory)"),
        queryset=City.objects.all(),
        required=False,
        widget=forms.NumberInput,
        help_text=_("For a declared tie to one city: the number in its page's address."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for a declared tie."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("country") and data.get("city"):
            self.add_error("city", _("Choose a country or a city, not both."))
        elif not data.get("country") and not data.get("city") and not self.errors:
            self.add_error("country", _("Choose a country or a city."))
        return data


class RecusalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the recusal"), widget=forms.Textarea(attrs={"rows": 3})
    )


class JurorRecusalForm(RecusalForm):
    """The secretariat records a recusal for one of the panel's jurors."""

    juror = forms.TypedChoiceField(label=_("Juror"), coerce=int)
    field_order = ["juror", "reason"]

    def __init__(self, *args, jurors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].choices = [(juror.pk, str(juror)) for juror in jurors]


class JurorSearchForm(forms.Form):
    """Find a person who holds the juror role, by name or e-mail address."""

    q = forms.CharField(
        label=_("Name or e-mail address"),
        required=False,
        max_length=200,
        help_text=_("People who already hold the juror role in any jury panel."),
    )


class JurorInviteForm(forms.Form):
    """Invite a new person to the panel with the juror role."""

    email = forms.EmailField(label=_("E-mail address of the new juror"), max_length=254)
