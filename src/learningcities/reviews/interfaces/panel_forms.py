"""Forms of the jury's set-up: the panel, its phases, ties, recusals and assignments."""

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.models import Organisation
from learningcities.network.models import City, Country

from ..enums import OtherReviews, TieKind

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
    """The panel's scale, level descriptors, load limit and aggregation settings."""

    score_min = forms.IntegerField(label=_("Lowest score"), min_value=-100, max_value=100)
    score_max = forms.IntegerField(label=_("Highest score"), min_value=-100, max_value=100)
    level_descriptors = forms.CharField(
        label=_("Level descriptors"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line, a score, a colon and what it means: “1: Not addressed”."),
    )
    max_load = forms.IntegerField(
        label=_("Most submissions per juror"), min_value=1, max_value=10_000
    )
    normalise_min_reviews = forms.IntegerField(
        label=_("Fewest reviews for a juror's scores to be normalised"),
        min_value=2,
        max_value=1000,
    )
    disagreement_spread = forms.DecimalField(
        label=_("Disagreement when scores spread more than"),
        min_value=0.01,
        max_digits=5,
        decimal_places=2,
    )
    min_reviews = forms.IntegerField(
        label=_("Reviews per submission"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_("How many jurors review each submission (the call's minimum)."),
    )
    reminder_days = forms.IntegerField(
        label=_("Remind jurors this many days before a phase ends"),
        required=False,
        min_value=0,
        max_value=90,
        help_text=_("Jurors with unfinished reviews get one reminder per phase; 0 sends none."),
    )

    def clean_level_descriptors(self) -> dict[str, str]:
        return parse_descriptors(self.cleaned_data["level_descriptors"])

    def clean(self) -> dict:
        data = super().clean()
        if "reminder_days" in data and data["reminder_days"] is None:
            # Left empty (or posted by an older form): the current setting stays.
            data["reminder_days"] = self.initial.get("reminder_days", 3)
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
    """A new panel: an existing panel organisation, or the name of a new one, and its settings."""

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        defaults = {
            "score_min": 1,
            "score_max": 5,
            "max_load": 60,
            "normalise_min_reviews": 5,
            "reminder_days": 3,
        }
        for name, value in defaults.items():
            self.fields[name].initial = value
        self.fields["disagreement_spread"].initial = "1.50"


class PhaseForm(forms.Form):
    """A review phase: its window, in the call's time zone, and what jurors may do."""

    name = forms.CharField(label=_("Name"), max_length=120)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=1000, initial=0)
    starts = forms.DateTimeField(label=_("Starts"), widget=DATETIME_WIDGET)
    ends = forms.DateTimeField(label=_("Ends"), widget=DATETIME_WIDGET)
    may_review = forms.BooleanField(
        label=_("Jurors may write and submit reviews"), required=False, initial=True
    )
    sees_other_reviews = forms.ChoiceField(
        label=_("Jurors see the other reviews"),
        choices=OtherReviews.choices,
        initial=OtherReviews.AFTER_OWN,
    )
    sees_identity = forms.BooleanField(
        label=_("Jurors see the city's name and country"), required=False, initial=True
    )
    may_change_state = forms.BooleanField(
        label=_("The secretariat may stage decisions"), required=False
    )

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
