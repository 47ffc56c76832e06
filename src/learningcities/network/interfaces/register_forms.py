"""Forms of the secretariat's register screens: a city, the end of a membership, a search."""

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..domain.cities import EDITABLE_CITY_FIELDS, CityChangeError
from ..enums import MembershipStatus
from ..models import City, Membership
from ..validators import DESCRIPTION_MAX_LENGTH, EARLIEST_POPULATION_YEAR, city_problems
from .forms import DateInput, SearchInput


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=SearchInput(attrs={"placeholder": _("City, area or country")}),
        help_text=_("Capitals and accents do not matter."),
    )


class CoordinateInput(forms.NumberInput):
    """A number field for degrees that keeps the decimals (the browser's default step is 1)."""

    def __init__(self, attrs=None):
        super().__init__({"step": "any", "inputmode": "decimal", **(attrs or {})})


class CityForm(forms.Form):
    """What the secretariat edits of a city; the rules are the domain's (``city_problems``)."""

    name = forms.CharField(
        label=_("International name"),
        max_length=200,
        help_text=_("As the network writes it in English and French."),
    )
    local_name = forms.CharField(
        label=_("Local name"),
        max_length=200,
        required=False,
        help_text=_("With its diacritics or script."),
    )
    admin_area = forms.CharField(
        label=_("Administrative area"),
        max_length=200,
        required=False,
        help_text=_("Province, state or region; the gazetteer uses it to tell places apart."),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=CoordinateInput(),
        help_text=_("Decimal degrees, north positive (for example 51.8985)."),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=CoordinateInput(),
        help_text=_("Decimal degrees, east positive (for example -8.4756)."),
    )
    population = forms.IntegerField(label=_("Population"), required=False, min_value=1)
    population_year = forms.IntegerField(
        label=_("Year of the population figure"),
        required=False,
        min_value=EARLIEST_POPULATION_YEAR,
    )
    website = forms.CharField(
        label=_("Website"),
        max_length=300,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("The address of the city's own page, starting with https:// or http://."),
    )
    description = forms.CharField(
        label=_("Short description"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the city's public page; a few sentences."),
    )
    contact_name = forms.CharField(
        label=_("Public contact: name"),
        max_length=200,
        required=False,
        help_text=_("Optional; a person or an office."),
    )
    contact_email = forms.EmailField(
        label=_("Public contact: e-mail"),
        required=False,
        help_text=_("Shown on the city's public page."),
    )

    def __init__(self, *args, city: City, **kwargs):
        kwargs.setdefault("initial", {f: getattr(city, f) for f in EDITABLE_CITY_FIELDS})
        super().__init__(*args, **kwargs)
        self.city = city

    def clean(self):
        data = super().clean()
        given = {f: data[f] for f in EDITABLE_CITY_FIELDS if f in data}
        for field, message in city_problems(given).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    def changes(self) -> dict:
        """Return the cleaned values, as ``update_city`` takes them."""
        return {f: self.cleaned_data[f] for f in EDITABLE_CITY_FIELDS}

    def add_domain_error(self, error: CityChangeError) -> None:
        for field, message in error.problems.items():
            self.add_error(field if field in self.fields else None, message)


class MembershipEndForm(forms.Form):
    """Record that a membership lapsed or was withdrawn, on a date, for a reason."""

    status = forms.ChoiceField(
        label=_("What happened"),
        widget=forms.RadioSelect,
        choices=[
            (
                MembershipStatus.WITHDRAWN,
                _("Withdrawn: the city left the network"),
            ),
            (
                MembershipStatus.LAPSED,
                _("Lapsed: the city no longer meets the membership's obligations"),
            ),
        ],
        error_messages={"required": _("Choose whether the membership was withdrawn or lapsed.")},
    )
    ended_on = forms.DateField(
        label=_("End date"),
        widget=DateInput(),
        help_text=_("The city counts as a member up to the day before this date."),
        error_messages={"required": _("Enter the date the membership ends.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For the register's history; not shown on public pages."),
        error_messages={"required": _("Give the reason the membership ends.")},
    )
    # The checkbox's own label is the template's sentence; this one names it in the error summary.
    confirm = forms.BooleanField(
        label=pgettext_lazy("membership end", "Confirmation"),
        error_messages={"required": _("Confirm that this membership ends for good.")},
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on <= self.membership.member_from:
            raise forms.ValidationError(
                _("The end must come after the membership started (%(date)s)."),
                params={"date": date_format(self.membership.member_from, "DATE_FORMAT")},
            )
        return ended_on
