"""Forms of the secretariat's workspace: filters, organisations, affiliations, invitations."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learningcities.network.models import City, Country

from ..enums import OrganisationKind, Role
from ..models import Organisation
from .forms import nationality_choices

ALL = pgettext_lazy("filter", "All")

INVITATION_STATE_CHOICES = [
    ("", ALL),
    ("pending", pgettext_lazy("invitation", "Pending")),
    ("accepted", pgettext_lazy("invitation", "Accepted")),
    ("expired", pgettext_lazy("invitation", "Expired")),
    ("revoked", pgettext_lazy("invitation", "Withdrawn")),
]


def country_choices(empty_label) -> list[tuple[str, str]]:
    """Return every country by its localised name, after ``empty_label``."""
    return [("", empty_label), *nationality_choices()[1:]]


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", ALL), *OrganisationKind.choices]
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices(ALL)


class OrganisationForm(forms.Form):
    """A new organisation; which of city and country it needs depends on its kind."""

    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("A city organisation is named after its city when left empty."),
    )
    city = forms.ModelChoiceField(
        label=_("City"),
        required=False,
        queryset=City.objects.none(),
        help_text=_("For a city organisation: a city of the register without one."),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        help_text=_("For a National Commission: one per country."),
    )

    # Which field a rule of create_organisation is about, by its error code.
    ERROR_FIELDS = {
        "city_missing": "city",
        "city_taken": "city",
        "city_unexpected": "city",
        "country_missing": "country",
        "country_taken": "country",
        "name_missing": "name",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = (
            City.objects.filter(organisation__isnull=True)
            .select_related("country")
            .order_by("name", "pk")
        )
        self.fields["country"].choices = country_choices(_("Choose a country"))

    def clean_country(self) -> Country | None:
        code = self.cleaned_data.get("country")
        return Country.objects.get(code=code) if code else None

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == OrganisationKind.CITY and not cleaned.get("city"):
            self.add_error("city", _("Choose the city this organisation acts for."))
        if kind == OrganisationKind.NATIONAL_COMMISSION and not cleaned.get("country"):
            self.add_error("country", _("Choose the country of the National Commission."))
        if (
            kind in (OrganisationKind.SECRETARIAT, OrganisationKind.PANEL)
            and not (cleaned.get("name") or "").strip()
        ):
            self.add_error("name", _("Give the organisation a name."))
        return cleaned

    def add_domain_error(self, error) -> None:
        """Show an OrganisationError on the field it is about (or above the form)."""
        self.add_error(self.ERROR_FIELDS.get(getattr(error, "code", ""), None), str(error))


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail contains"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", ALL), *Role.choices])


class AffiliationForm(forms.Form):
    """Give a person a role in an organisation."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_(
            "Coordinators act for cities, endorsers for National Commissions, "
            "secretariat members for the secretariat, jurors for jury panels."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class InvitationForm(forms.Form):
    """Invite a person by e-mail to take a role in an organisation."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=AffiliationForm.base_fields["role"].help_text,
    )
    email = forms.EmailField(label=_("E-mail address"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["email"].widget.attrs["autocomplete"] = "off"


class InvitationFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=INVITATION_STATE_CHOICES)
    q = forms.CharField(label=_("E-mail contains"), required=False, max_length=100)


class ActivityFilterForm(forms.Form):
    """Filters of the activity log.

    ``object`` (``<content type id>:<object id>``) comes from the links on object pages.
    """

    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=80,
        help_text=_("A code or its beginning, such as accounts.invitation."),
    )
    actor = forms.CharField(label=_("Actor's e-mail"), required=False, max_length=254)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.none()
    )
    object_type = forms.ModelChoiceField(
        label=_("Object type"), required=False, queryset=ContentType.objects.none()
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(label=_("Object name contains"), required=False, max_length=100)
    object = forms.CharField(required=False, widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, organisations, object_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["object_type"].queryset = object_types
        self.fields["object_type"].label_from_instance = lambda ct: str(
            ct.model_class()._meta.verbose_name if ct.model_class() else ct.model
        ).capitalize()

    def clean_object(self) -> tuple[ContentType, str] | None:
        value = (self.cleaned_data.get("object") or "").strip()
        if not value:
            return None
        type_id, _sep, object_id = value.partition(":")
        content_type = (
            ContentType.objects.filter(pk=type_id).first()
            if type_id.isascii() and type_id.isdigit()
            else None
        )
        if content_type is None or not object_id:
            raise forms.ValidationError(
                _("“%(value)s” does not name an object; expected <type id>:<object id>."),
                params={"value": value},
            )
        return content_type, object_id

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned
