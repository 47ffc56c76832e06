"""A number that is not negative, in the criterion's unit."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from learningcities.frameworks.enums import AnswerType

from ..answers import AnswerKind, criterion_label, register
from ..values import InvalidValue, as_decimal, cell_number

# The size of the stored number (the calls app's Answer.number_value).
MAX_DIGITS = 20
DECIMAL_PLACES = 4


@register
class NumberAnswer(AnswerKind):
    answer_type = AnswerType.NUMBER
    stored_field = "number_value"

    def clean(self, criterion, value: Any) -> Decimal:
        return as_decimal(
            value,
            criterion_label(criterion),
            max_digits=MAX_DIGITS,
            decimal_places=DECIMAL_PLACES,
        )

    def form_field(self, criterion) -> forms.Field:
        return forms.CharField(
            label=criterion_label(criterion),
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            help_text=_("Unit: %(unit)s") % {"unit": criterion.unit} if criterion.unit else "",
        )

    def initial(self, criterion, answer) -> str:
        number = self.value(answer)
        return "" if number is None else f"{number.normalize():f}"

    def display(self, criterion, answer) -> str:
        number = self.value(answer)
        if number is None:
            return ""
        text = number_format(number.normalize(), force_grouping=True)
        return f"{text} {criterion.unit}".strip()

    def cell_hint(self, criterion) -> str:
        return _("unit: %(unit)s") % {"unit": criterion.unit} if criterion.unit else ""

    def write_cell(self, criterion, answer) -> int | float | None:
        number = self.value(answer)
        if number is None:
            return None
        return int(number) if number == number.to_integral_value() else float(number)

    def read_cell(self, criterion, value: Any) -> Decimal:
        number = cell_number(value)
        if abs(number) >= Decimal(10) ** 16:
            raise InvalidValue(_("the number %(value)s is too large") % {"value": value})
        if number < 0:
            raise InvalidValue(
                _("expected a number that is not negative, found %(value)s") % {"value": value}
            )
        return number
