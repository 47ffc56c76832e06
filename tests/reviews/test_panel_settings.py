"""Each panel and phase setting is defined once, on the model: forms and domain take it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.text import capfirst

from learningcities.calls.models import Call
from learningcities.common.model_fields import setting_bounds
from learningcities.reviews.domain.errors import ReviewError
from learningcities.reviews.domain.panels import (
    PANEL_SETTINGS,
    add_phase,
    create_panel,
    set_reviews_per_submission,
)
from learningcities.reviews.interfaces.panel_forms import (
    PanelCreateForm,
    PanelSettingsForm,
    PhaseForm,
)
from learningcities.reviews.models import Panel, ReviewPhase
from tests.calls.factories import make_call
from tests.reviews.factories import make_panel

pytestmark = pytest.mark.django_db

NUMBERS = [name for name in PANEL_SETTINGS if name != "level_descriptors"]
# The refusal's code of each setting, as the panel pages and the API know it.
CODES = {
    "score_min": "scale_invalid",
    "score_max": "scale_invalid",
    "max_load": "max_load_invalid",
    "normalise_min_reviews": "normalise_min_invalid",
    "disagreement_spread": "spread_invalid",
    "reminder_days": "reminder_days_invalid",
}


def _described(field) -> tuple:
    return (str(field.label), str(field.help_text))


@pytest.mark.parametrize("name", NUMBERS)
def test_panel_form_field_takes_the_model_fields_limits_default_and_help(name):
    model_field = Panel._meta.get_field(name)
    form_field = PanelCreateForm().fields[name]

    assert (form_field.min_value, form_field.max_value) == setting_bounds(Panel, name)
    assert form_field.initial == model_field.get_default()
    assert _described(form_field) == (
        capfirst(str(model_field.verbose_name)),
        str(model_field.help_text),
    )


def test_panel_form_descriptors_and_reviews_per_submission_are_described_by_the_models():
    fields = PanelSettingsForm().fields
    descriptors = Panel._meta.get_field("level_descriptors")
    min_reviews = Call._meta.get_field("min_reviews")

    assert _described(fields["level_descriptors"]) == (
        capfirst(str(descriptors.verbose_name)),
        str(descriptors.help_text),
    )
    assert str(fields["min_reviews"].help_text) == str(min_reviews.help_text)
    assert (fields["min_reviews"].min_value, fields["min_reviews"].max_value) == (1, 20)


def _beyond(name: str) -> list:
    low, high = setting_bounds(Panel, name)
    step = Decimal("0.01") if name == "disagreement_spread" else 1
    return [low - step, high + step]


@pytest.mark.parametrize("name", NUMBERS)
def test_create_panel_refuses_a_setting_beyond_the_model_limits(name):
    for value in _beyond(name):
        with pytest.raises(ReviewError) as refused:
            create_panel(make_call(), actor=None, **{name: value})

        assert refused.value.code == CODES[name]
    assert Panel.objects.count() == 0


@pytest.mark.parametrize("name", NUMBERS)
def test_panel_form_refuses_what_the_domain_refuses(name):
    for value in _beyond(name):
        form = PanelCreateForm(
            {
                **{setting: PanelCreateForm().fields[setting].initial for setting in NUMBERS},
                name: str(value),
            }
        )

        assert not form.is_valid()
        assert name in form.errors


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_load", 1),
        ("max_load", 10_000),
        ("normalise_min_reviews", 2),
        ("normalise_min_reviews", 1000),
        ("reminder_days", 0),
        ("reminder_days", 90),
        ("disagreement_spread", "0.01"),
        ("disagreement_spread", "999.99"),
        ("score_min", -100),
    ],
)
def test_create_panel_accepts_a_setting_at_the_model_limits(name, value):
    panel = create_panel(make_call(), actor=None, **{name: value})

    panel.refresh_from_db()
    assert getattr(panel, name) == type(getattr(panel, name))(value)


def test_set_reviews_per_submission_takes_the_call_models_limits():
    panel = make_panel(make_call())
    low, high = setting_bounds(Call, "min_reviews")

    for count in (low - 1, high + 1):
        with pytest.raises(ReviewError) as refused:
            set_reviews_per_submission(panel, actor=None, count=count)
        assert refused.value.code == "min_reviews_invalid"
    set_reviews_per_submission(panel, actor=None, count=high)

    assert Call.objects.get(pk=panel.call_id).min_reviews == high


@pytest.mark.parametrize(
    "name", ["name", "order", "may_review", "sees_identity", "may_change_state"]
)
def test_phase_form_field_is_described_by_the_model(name):
    model_field = ReviewPhase._meta.get_field(name)
    form_field = PhaseForm().fields[name]

    assert _described(form_field) == (
        capfirst(str(model_field.verbose_name)),
        str(model_field.help_text),
    )
    assert form_field.initial == (model_field.get_default() if model_field.has_default() else None)


def test_add_phase_refuses_an_order_beyond_the_model_limit():
    panel = make_panel(make_call())
    _low, high = setting_bounds(ReviewPhase, "order")
    now = timezone.now()

    with pytest.raises(ReviewError) as refused:
        add_phase(
            panel,
            actor=None,
            name="Late",
            order=high + 1,
            starts_at=now,
            ends_at=now + dt.timedelta(days=1),
        )

    assert refused.value.code == "not_a_number"
    assert PhaseForm().fields["order"].max_value == high
