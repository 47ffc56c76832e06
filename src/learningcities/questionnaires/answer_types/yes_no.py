"""Yes or no."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from learningcities.frameworks.enums import AnswerType

from ..answers import AnswerKind, criterion_label, register
from ..values import InvalidValue

YES, NO = "yes", "no"
# What a workbook cell may say, in the languages of the calls.
YES_WORDS = {"yes", "oui", "true"}
NO_WORDS = {"no", "non", "false"}


@register
class YesNoAnswer(AnswerKind):
    answer_type = AnswerType.YES_NO
    stored_field = "boolean_value"
    choice_widget = True

    def clean(self, criterion, value: Any) -> bool:
        if not isinstance(value, bool):
            raise InvalidValue.wrong(criterion_label(criterion), _("yes or no"))
        return value

    def form_field(self, criterion) -> forms.Field:
        return forms.ChoiceField(
            label=criterion_label(criterion),
            required=False,
            choices=[(YES, _("Yes")), (NO, _("No"))],
            widget=forms.RadioSelect,
        )

    def initial(self, criterion, answer) -> str:
        return {True: YES, False: NO}.get(self.value(answer), "")

    def from_form(self, criterion, raw: Any) -> bool | None:
        return {YES: True, NO: False}.get(raw)

    def display(self, criterion, answer) -> str:
        value = self.value(answer)
        if value is None:
            return ""
        return _("Yes") if value else _("No")

    def cell_hint(self, criterion) -> str:
        return _("yes or no")

    def cell_choices(self, criterion) -> list[str]:
        return [YES, NO]

    def write_cell(self, criterion, answer) -> str | None:
        return {True: YES, False: NO}.get(self.value(answer))

    def read_cell(self, criterion, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().casefold()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise InvalidValue(_("expected yes or no, found “%(value)s”") % {"value": value})
