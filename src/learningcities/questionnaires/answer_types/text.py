"""A written answer, within the criterion's word limit; documents may go beside it."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from learningcities.frameworks.enums import AnswerType

from ..answers import AnswerKind, MissingItem, criterion_anchor, criterion_label, register
from ..values import InvalidValue, over_word_limit, word_count


@register
class TextAnswer(AnswerKind):
    answer_type = AnswerType.TEXT
    stored_field = "text_value"

    def value(self, answer) -> str | None:
        return (answer.text_value or None) if answer is not None else None

    def clean(self, criterion, value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidValue.wrong(criterion_label(criterion), _("text"))
        return value

    def form_field(self, criterion) -> forms.Field:
        attrs: dict[str, Any] = {"rows": 6}
        help_text = ""
        if criterion.word_limit:
            attrs["data-word-limit"] = criterion.word_limit
            help_text = _("At most %(count)s words.") % {"count": criterion.word_limit}
        return forms.CharField(
            label=criterion_label(criterion),
            required=False,
            strip=False,
            widget=forms.Textarea(attrs=attrs),
            help_text=help_text,
        )

    def initial(self, criterion, answer) -> str:
        return answer.text_value if answer is not None else ""

    def takes_evidence(self, criterion) -> bool:
        # A written account with documents beside it (the award's criteria).
        return bool(criterion.file_kinds)

    def display(self, criterion, answer) -> str:
        return answer.text_value if self.is_complete(criterion, answer, has_evidence=False) else ""

    def cell_hint(self, criterion) -> str:
        if criterion.word_limit:
            return _("at most %(count)s words") % {"count": criterion.word_limit}
        return ""

    def read_cell(self, criterion, value: Any) -> str:
        text = str(value)
        count = over_word_limit(text, criterion.word_limit)
        if count:
            raise InvalidValue(
                _("%(count)s words, more than the limit of %(limit)s")
                % {"count": word_count(text), "limit": criterion.word_limit}
            )
        return text

    def is_complete(self, criterion, answer, *, has_evidence: bool) -> bool:
        return answer is not None and bool(answer.text_value.strip())

    def problems(self, criterion, answer, *, has_evidence: bool) -> list[MissingItem]:
        missing = super().problems(criterion, answer, has_evidence=has_evidence)
        if missing or answer is None:
            return missing
        count = over_word_limit(answer.text_value, criterion.word_limit)
        if not count:
            return []
        return [
            MissingItem(
                "word_limit",
                criterion_anchor(criterion),
                _("%(code)s %(title)s has %(count)s words; the limit is %(limit)s.")
                % {
                    "code": criterion.code,
                    "title": criterion.title,
                    "count": count,
                    "limit": criterion.word_limit,
                },
            )
        ]
