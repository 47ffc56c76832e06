"""Each call setting is defined once, on the model: the form and the domain take its limits."""

import pytest
from django import forms
from django.utils.text import capfirst

from learningcities.calls.domain.calls import BOUNDED_FIELDS
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.interfaces.secretariat_forms import CallForm
from learningcities.calls.models import Call
from learningcities.common.model_fields import setting_bounds
from tests.calls.factories import make_call

pytestmark = pytest.mark.django_db

# The settings the secretariat's form edits as they are stored.
FORM_SETTINGS = (
    "title",
    "language",
    "endorsement_days",
    "endorsement_reminder_days",
    "deadline_action",
    "quota_per_country",
    "population_minimum",
    "require_not_member",
    "member_for_months",
    "not_winner_within_years",
    "description",
    "guidelines",
)


@pytest.mark.parametrize("name", FORM_SETTINGS)
def test_call_form_field_takes_the_model_fields_label_help_default_and_limits(name):
    model_field = Call._meta.get_field(name)
    form_field = CallForm().fields[name]

    assert (str(form_field.label), str(form_field.help_text)) == (
        capfirst(str(model_field.verbose_name)),
        str(model_field.help_text),
    )
    assert form_field.initial == (model_field.get_default() if model_field.has_default() else None)
    if isinstance(form_field, forms.CharField):
        assert form_field.max_length == model_field.max_length
    if name in BOUNDED_FIELDS:
        assert (form_field.min_value, form_field.max_value) == setting_bounds(Call, name)


def test_call_form_time_zone_and_manual_checks_are_described_by_the_model():
    fields = CallForm().fields

    for name in ("time_zone", "manual_checks"):
        assert str(fields[name].help_text) == str(Call._meta.get_field(name).help_text)
    assert fields["time_zone"].initial == Call._meta.get_field("time_zone").get_default()


@pytest.mark.parametrize("name", BOUNDED_FIELDS)
def test_create_call_refuses_a_setting_beyond_the_model_limits(name):
    low, high = setting_bounds(Call, name)
    for value in (low - 1, high + 1):
        with pytest.raises(SubmissionError) as refused:
            make_call(**{name: value})

        assert refused.value.code == "out_of_range"
    assert Call.objects.count() == 0


def test_create_call_accepts_the_model_limits():
    call = make_call(quota_per_country=1000, endorsement_days=365, min_reviews=20)

    assert (call.quota_per_country, call.endorsement_days, call.min_reviews) == (1000, 365, 20)
