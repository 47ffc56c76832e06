"""The registry: every AnswerType has one class, and a new type plugs in by registering."""

from decimal import Decimal
from typing import Any

import pytest
from django import forms

from learningcities.calls.models import Answer
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Criterion
from learningcities.questionnaires.answers import (
    AnswerKind,
    answer_kind,
    criterion_label,
    register,
    registered,
    unregister,
)
from learningcities.questionnaires.forms import AnswersForm, answer_field_name
from learningcities.questionnaires.tree import QuestionnaireItem
from learningcities.questionnaires.values import InvalidValue, as_decimal


def test_every_answer_type_has_one_registered_class():
    kinds = registered()

    assert set(kinds) == set(AnswerType.values)
    assert all(kind.answer_type == answer_type for answer_type, kind in kinds.items())


def test_answer_kind_of_a_criterion_and_of_a_type_name_are_the_same():
    crit = Criterion(code="1", title="T", answer_type=AnswerType.RATING)

    assert answer_kind(crit) is answer_kind("rating")


def test_unknown_answer_type_is_refused():
    with pytest.raises(LookupError):
        answer_kind("colour")


@pytest.fixture
def percent_type():
    """Register a throwaway answer type, as a new type's one class would be.

    Named "share", not "percent": unregistering it must not remove a real type
    of that name (the worked example in docs/architecture.md adds "percent").
    """

    @register
    class PercentAnswer(AnswerKind):
        answer_type = "share"
        stored_field = "number_value"

        def clean(self, criterion, value: Any) -> Decimal:
            number = as_decimal(value, criterion_label(criterion), max_digits=20, decimal_places=4)
            if number > 100:
                raise InvalidValue.wrong(criterion_label(criterion), "a percentage")
            return number

        def form_field(self, criterion) -> forms.Field:
            return forms.CharField(label=criterion_label(criterion), required=False)

        def display(self, criterion, answer) -> str:
            value = self.value(answer)
            return "" if value is None else f"{value.normalize():f} %"

        def read_cell(self, criterion, value: Any) -> Any:
            return self.clean(criterion, value)

    yield PercentAnswer
    unregister("share")


def test_new_answer_type_plugs_in_through_the_registry_only(percent_type):
    crit = Criterion(code="9.1", title="Share of adults learning", answer_type="share")
    kind = answer_kind(crit)

    # The form, the stored fields, the display, the workbook and completeness
    # all come from the one class.
    form = AnswersForm({answer_field_name(crit): "42"}, criteria=[crit])
    assert form.is_valid()
    [(posted, _name, value)] = list(form.posted_values(form.data))
    answer = Answer(criterion=crit, **kind.to_fields(posted, value))
    item = QuestionnaireItem(crit, answer)

    assert isinstance(kind, percent_type)
    assert answer.number_value == Decimal("42")
    assert item.display == "42 %"
    assert item.complete is True
    assert kind.read_cell(crit, kind.write_cell(crit, answer)) == Decimal("42")
    assert kind.problems(crit, None, has_evidence=False)[0].code == "missing_answer"
    with pytest.raises(InvalidValue):
        kind.to_fields(crit, "150")


def test_unregistered_type_is_gone(percent_type):
    unregister("share")

    assert "share" not in registered()
