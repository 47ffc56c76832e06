"""Forms of registration: a participant's details, the category's questions, the moves."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learningcities.common.languages import language_choices
from learningcities.network.models import City, Country
from learningcities.questionnaires.forms import AnswersForm, answer_field_name

from ..domain.registrations import Participant
from ..enums import DelegationKind, RegistrationStatus
from .country_select import ListedSelect, country_lists


class ParticipantForm(forms.Form):
    """Who a registration is for: what the event needs to know, no more.

    ``cities``: the cities the person may come from (a delegation's); None
    lets them name any city and country (an observer registering alone).
    """

    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    job_title = forms.CharField(label=_("Position"), max_length=200, required=False)
    organisation_name = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.none(), required=False)
    city_name = forms.CharField(label=_("City"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), widget=ListedSelect)
    language = forms.ChoiceField(
        label=_("Language of letters and e-mail"), choices=language_choices
    )
    needs_visa_letter = forms.BooleanField(label=_("Needs a visa-support letter"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, widget=ListedSelect)
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=40,
        required=False,
        help_text=_("Only for the visa-support letter; erased with the event's personal data."),
    )

    def __init__(self, *args, delegation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.delegation = delegation
        lists = country_lists()
        _use(self.fields["nationality"], lists.nationality)
        if delegation is None:
            del self.fields["city"]
            _use(self.fields["country"], lists.country)
            return
        del self.fields["city_name"]
        del self.fields["country"]
        cities = City.objects.filter(country=delegation.country).order_by("name")
        if delegation.kind == DelegationKind.CITY:
            cities = cities.filter(pk=delegation.city_id)
            self.fields["city"].initial = delegation.city_id
        self.fields["city"].queryset = cities
        self.fields["city"].required = True

    def clean(self):
        data = super().clean()
        if data.get("needs_visa_letter"):
            for name in ("nationality", "passport_number"):
                if not data.get(name):
                    self.add_error(name, _("A visa-support letter needs this."))
        return data

    def participant(self, *, user=None) -> Participant:
        data = self.cleaned_data
        if self.delegation is not None:
            city = data["city"]
            country = self.delegation.country
        else:
            city, country = None, Country.objects.get(pk=data["country"])
        nationality = data.get("nationality")
        return Participant(
            name=data["name"],
            email=data["email"],
            job_title=data.get("job_title", ""),
            organisation_name=data.get("organisation_name", ""),
            city=city,
            city_name=data.get("city_name", ""),
            country=country,
            language=data["language"],
            user=user,
            needs_visa_letter=data.get("needs_visa_letter", False),
            nationality=Country.objects.filter(pk=nationality).first() if nationality else None,
            passport_number=data.get("passport_number", ""),
        )


def _use(field: forms.ChoiceField, option_list) -> None:
    """Give ``field`` and its select the ready list (validation reads the same choices)."""
    field.choices = option_list.choices
    field.widget.use(option_list)


class QuestionsForm(AnswersForm):
    """The category's own questions (the questionnaire engine); required ones must be answered."""

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, criteria=criteria, **kwargs)
        for criterion in self.criteria:
            name = answer_field_name(criterion)
            if name in self.fields:
                self.fields[name].required = criterion.required

    def answers(self):
        """Yield ``(criterion, value)`` for each answered question."""
        for criterion, _name, value in self.posted_values(self.data):
            yield criterion, value


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail contains"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        everything = pgettext_lazy("status", "All")
        self.fields["status"].choices = [("", everything), *RegistrationStatus.choices]
        self.fields["category"].queryset = event.categories.order_by("order", "pk")
        self.fields["category"].empty_label = everything
        self.fields["country"].choices = [("", everything), *country_lists().countries]
