"""Evidence documents: the criterion is answered by attaching them, not by a value."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from learningcities.common.enums import FileFamily
from learningcities.common.forms import PrivateDocumentField
from learningcities.frameworks.enums import AnswerType

from ..answers import AnswerKind, MissingItem, criterion_anchor, criterion_label, register
from ..values import InvalidValue


@register
class FileAnswer(AnswerKind):
    answer_type = AnswerType.FILE
    stored_field = None

    def clean(self, criterion, value: Any) -> Any:
        raise InvalidValue(
            _("%(criterion)s is answered with evidence files, not a value.")
            % {"criterion": criterion_label(criterion)}
        )

    def to_fields(self, criterion, value: Any) -> dict[str, Any]:
        return self.clean(criterion, value)  # refused, even to clear

    def takes_evidence(self, criterion) -> bool:
        return True

    def evidence_field(self, criterion) -> forms.Field:
        return PrivateDocumentField(
            label=criterion_label(criterion),
            required=False,
            allowed=criterion.file_kinds or [FileFamily.PDF],
            help_text=_("Attach a document as evidence."),
        )

    def render_pdf(self, criterion, answer, documents) -> SafeString:
        if not documents:
            return format_html('<span class="missing">{}</span>', _("No evidence attached"))
        return format_html_join(", ", "{}", ((link.shown_name,) for link in documents))

    def cell_hint(self, criterion) -> str:
        return _("upload evidence files on the site")

    def is_complete(self, criterion, answer, *, has_evidence: bool) -> bool:
        return has_evidence

    def missing(self, criterion) -> MissingItem:
        return MissingItem(
            "missing_evidence",
            criterion_anchor(criterion),
            _("%(code)s %(title)s: attach evidence.")
            % {"code": criterion.code, "title": criterion.title},
        )
