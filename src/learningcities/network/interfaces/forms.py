"""Forms of the public pages: directory filters and the statistics date."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..dates import EARLIEST_AS_OF, LATEST_AS_OF, as_of_problem
from ..domain.queries.directory import (
    SORT_COUNTRY,
    SORT_NAME,
    SORT_NEWEST,
    SORT_OLDEST,
    SORT_POPULATION,
    STATUS_ALL,
    STATUS_CURRENT,
    STATUS_FORMER,
    STATUS_ON_HOLD,
    DirectoryFilters,
)
from ..enums import Region
from ..models import Country

EARLIEST_DATE = EARLIEST_AS_OF


class SearchInput(forms.TextInput):
    input_type = "search"


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        # The browser's date field only takes ISO dates.
        if isinstance(value, dt.date):
            return value.isoformat()
        return value


class CountryCodeField(forms.ChoiceField):
    """A choice of country codes that takes ``fr`` as well as ``FR``."""

    def to_python(self, value):
        return super().to_python(value).strip().upper()


class DirectoryFilterForm(forms.Form):
    """Filters of the directory; every field is optional and has a safe default.

    Invalid values are reported with the field's error and ignored by
    ``filters()``, so a bad link never breaks the page.
    """

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=SearchInput(attrs={"placeholder": _("City, area or country")}),
        help_text=_("Capitals and accents do not matter."),
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("All regions")), *Region.choices],
        error_messages={"invalid_choice": _("“%(value)s” is not a region; showing all regions.")},
    )
    country = CountryCodeField(
        label=_("Country"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a country with member cities; showing all countries."
            )
        },
    )
    year = forms.TypedChoiceField(
        label=_("Year joined"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a year in which cities joined; showing all years."
            )
        },
    )
    status = forms.ChoiceField(
        label=_("Members"),
        required=False,
        choices=[
            (STATUS_CURRENT, _("Current members")),
            (STATUS_ALL, _("Current and former members")),
            (STATUS_FORMER, _("Former members only")),
            (STATUS_ON_HOLD, _("Members on hold")),
        ],
        error_messages={
            "invalid_choice": _("“%(value)s” is not a member status; showing current members.")
        },
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (SORT_NAME, pgettext_lazy("sort", "Name")),
            (SORT_COUNTRY, pgettext_lazy("sort", "Country")),
            (SORT_NEWEST, _("Joined, newest first")),
            (SORT_OLDEST, _("Joined, oldest first")),
            (SORT_POPULATION, _("Population, largest first")),
        ],
        error_messages={"invalid_choice": _("“%(value)s” is not a sort order; sorting by name.")},
    )

    def __init__(self, *args, countries: list[Country], years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [
            ("", _("All countries")),
            *((c.code, c.display_name) for c in countries),
        ]
        self.fields["year"].choices = [("", _("All years")), *((y, str(y)) for y in years)]

    def filters(self) -> DirectoryFilters:
        """Return the filters from the valid fields; invalid ones fall back to their default."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return DirectoryFilters(
            q=data.get("q") or "",
            region=data.get("region") or "",
            country=data.get("country") or "",
            year=data.get("year"),
            status=data.get("status") or STATUS_CURRENT,
            sort=data.get("sort") or SORT_NAME,
        )

    def active_filters(self) -> bool:
        """Return whether any filter narrows the list (sort order does not)."""
        f = self.filters()
        return bool(f.q or f.region or f.country or f.year or f.status != STATUS_CURRENT)


class StatisticsDateForm(forms.Form):
    """The as-of date of the statistics page: any day from 1900 to 2100, as in the API."""

    as_of = forms.DateField(
        label=_("Figures as of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        help_text=_("A date in the form YYYY-MM-DD; empty means today."),
        error_messages={"invalid": _("Enter a date in the form YYYY-MM-DD, such as 2024-02-14.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = self.fields["as_of"].widget
        widget.attrs.update(
            {
                "min": EARLIEST_DATE.isoformat(),
                "max": LATEST_AS_OF.isoformat(),
            }
        )

    def clean_as_of(self) -> dt.date | None:
        value = self.cleaned_data.get("as_of")
        if value is None:
            return None
        # The same rule as the API's, so a page and the API never disagree on a date.
        if problem := as_of_problem(value, timezone.localdate()):
            raise forms.ValidationError(problem)
        return value

    def chosen_date(self) -> dt.date:
        """Return the valid date asked for, or today."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("as_of"):
            return self.cleaned_data["as_of"]
        return timezone.localdate()
