"""Writing a report: answers (the questionnaire engine's types), figures and evidence.

A city writes while its report is a draft or returned (``reports.edit_report``).
Saving an answer the city did not change keeps it marked "unchanged since
the last report"; changing it clears the mark.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.models import Organisation
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.documents import delete_document, store_document
from learningcities.common.enums import FileFamily
from learningcities.questionnaires.answers import answer_kind, criterion_label
from learningcities.questionnaires.values import InvalidValue

from ..enums import EDITABLE_STATES
from ..models import ProgressReport, ReportAnswer, ReportDocument
from .errors import ReportError
from .revision import reports_changed

VALUE_FIELDS = ("text_value", "number_value", "rating_value", "boolean_value")
MIN_YEAR, MAX_YEAR = 1950, 2100


@dataclass(frozen=True)
class Figure:
    """The year a figure describes and where it comes from (indicators only)."""

    data_year: int | None = None
    source: str = ""


def _locked(report: ProgressReport) -> ProgressReport:
    report = (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("cycle", "city", "membership")
        .get(pk=report.pk)
    )
    if report.state not in EDITABLE_STATES or report.lapsed_at is not None:
        raise ReportError(
            _("This report is %(state)s and cannot be changed now.")
            % {"state": report.get_state_display().lower()},
            code="frozen",
        )
    return report


def _check_criteria(report: ProgressReport, criteria) -> None:
    for criterion in criteria:
        if criterion.framework_id != report.cycle.framework_id:
            raise ReportError(
                _("%(criterion)s is not a question of this report.")
                % {"criterion": criterion.code},
                code="invalid",
            )


def _figure_fields(criterion, figure: Figure | None) -> dict:
    if figure is None:
        return {}
    year = figure.data_year
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ReportError(
            _("%(criterion)s: the year of the figure must be between %(min)d and %(max)d.")
            % {"criterion": criterion_label(criterion), "min": MIN_YEAR, "max": MAX_YEAR},
            code="invalid",
        )
    source = figure.source.strip()
    if len(source) > 300:
        raise ReportError(
            _("%(criterion)s: the source is longer than 300 characters.")
            % {"criterion": criterion_label(criterion)},
            code="invalid",
        )
    return {"data_year": year, "source": source}


@transaction.atomic
def save_report_answers(
    report: ProgressReport,
    values: Mapping[Any, Any],
    *,
    actor,
    figures: Mapping[int, Figure] | None = None,
) -> int:
    """Save ``values`` (``{criterion: value}``; None clears) and figures; return how many changed.

    Each value must fit its question's answer type (InvalidValue becomes a
    ReportError naming the question, code ``wrong_type``); nothing is saved if
    one does not. Word limits are checked at submission. Effects: the answers
    created or changed (an edited answer is no longer "unchanged"), one
    ``reports.answer.update`` entry listing the questions changed.
    """
    report = _locked(report)
    _check_criteria(report, values)
    figures = figures or {}
    existing = {a.criterion_id: a for a in report.answers.filter(criterion__in=list(values))}
    changed = []
    for criterion, value in values.items():
        try:
            fields = answer_kind(criterion).to_fields(criterion, value)
        except InvalidValue as error:
            raise ReportError(str(error), code="wrong_type") from error
        fields.update(_figure_fields(criterion, figures.get(criterion.pk)))
        if _store(report, criterion, fields, existing.get(criterion.pk)):
            changed.append(criterion.code)
    if changed:
        # What is drawn from the report (its progress charts) is keyed by its updated_at.
        ProgressReport.objects.filter(pk=report.pk).update(updated_at=timezone.now())
        reports_changed()
        record_activity(
            "reports.answer.update",
            actor=actor,
            subject=report,
            changes={"questions": [None, changed]},
        )
    return len(changed)


def _store(report, criterion, fields: dict, answer: ReportAnswer | None) -> bool:
    if answer is None:
        if all(fields.get(name) in (None, "") for name in VALUE_FIELDS) and not fields.get(
            "data_year"
        ):
            return False
        ReportAnswer.objects.create(report=report, criterion=criterion, **fields)
        return True
    before = {name: getattr(answer, name) for name in fields}
    if before == fields:
        return False
    for name, value in fields.items():
        setattr(answer, name, value)
    answer.unchanged = False
    answer.save()
    return True


@transaction.atomic
def attach_report_document(
    report: ProgressReport, upload: IO[bytes], *, criterion, actor, name: str | None = None
) -> ReportDocument:
    """Store ``upload`` as private evidence of ``criterion`` in ``report``.

    The file must be one of the question's kinds (default PDF); see
    ``store_document`` for the checks. Effects: the document, the link, a
    ``reports.document.create`` entry.
    """
    report = _locked(report)
    _check_criteria(report, [criterion])
    owner = Organisation.objects.filter(city_id=report.city_id).first()
    document = store_document(
        upload,
        owner=owner,
        uploaded_by=actor,
        kind="reports.evidence",
        allowed=list(criterion.file_kinds or [FileFamily.PDF]),
        related_object=report,
        name=name,
    )
    link = ReportDocument.objects.create(report=report, document=document, criterion=criterion)
    record_activity(
        "reports.document.create",
        actor=actor,
        subject=report,
        changes={"document": [None, document.original_name], "question": [None, criterion.code]},
    )
    return link


@transaction.atomic
def remove_report_document(link: ReportDocument, *, actor) -> None:
    """Remove a document from a report the city may still change."""
    report = _locked(link.report)
    name = link.document.original_name
    document = link.document
    link.delete()
    delete_document(document, actor=actor)
    record_activity(
        "reports.document.delete",
        actor=actor,
        subject=report,
        changes={"document": [name, None]},
    )
