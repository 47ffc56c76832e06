"""A point on the criterion's rating scale (1 to 5 unless it says), each point described."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from learningcities.frameworks.enums import AnswerType

from ..answers import AnswerKind, criterion_label, register
from ..values import InvalidValue, as_integer, cell_number, rating_scale


def _expected(criterion) -> str:
    low, high = rating_scale(criterion)
    return _("a rating from %(low)s to %(high)s") % {"low": low, "high": high}


@register
class RatingAnswer(AnswerKind):
    answer_type = AnswerType.RATING
    stored_field = "rating_value"
    choice_widget = True

    def clean(self, criterion, value: Any) -> int:
        label = criterion_label(criterion)
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise InvalidValue.wrong(label, _expected(criterion))
        points = as_integer(value, label) if not isinstance(value, int) else value
        low, high = rating_scale(criterion)
        if not low <= points <= high:
            raise InvalidValue.wrong(label, _expected(criterion))
        return points

    def form_field(self, criterion) -> forms.Field:
        return forms.ChoiceField(
            label=criterion_label(criterion),
            required=False,
            choices=[
                (str(point), f"{point}: {descriptor}" if descriptor else str(point))
                for point, descriptor in criterion.rating_points
            ],
            widget=forms.RadioSelect,
        )

    def display(self, criterion, answer) -> str:
        points = self.value(answer)
        if points is None:
            return ""
        descriptor = dict(criterion.rating_points).get(points, "")
        return f"{points}: {descriptor}" if descriptor else str(points)

    def cell_hint(self, criterion) -> str:
        low, high = rating_scale(criterion)
        return _("%(low)s to %(high)s") % {"low": low, "high": high}

    def cell_choices(self, criterion) -> list[str]:
        low, high = rating_scale(criterion)
        return [str(point) for point in range(low, high + 1)]

    def read_cell(self, criterion, value: Any) -> int:
        number = cell_number(value)
        low, high = rating_scale(criterion)
        if number != number.to_integral_value() or not low <= number <= high:
            raise InvalidValue(
                _("a rating from %(low)s to %(high)s is expected, found %(value)s")
                % {"low": low, "high": high, "value": value}
            )
        return int(number)
