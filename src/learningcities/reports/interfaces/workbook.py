"""The offline workbook of a progress report: an .xlsx to fill in without a connection.

Built on the questionnaire engine's workbook (``questionnaires.workbook``),
as the application's is. ``export_report_workbook`` writes one sheet per
section of the report's questionnaire, a row a question (code, question,
answer type, limits, answer, guidance), and for an indicator (a number
question) two more unlocked cells: the year the figure describes and its
source; a last column marks the answers still unchanged since they were
carried over (prefilled like every answer). The "About" sheet names the
city, the cycle, the due date, the report (its identity cell) and the format,
and says how to use the workbook.

``import_report_workbook`` checks the whole workbook first (identity, format,
every cell) and refuses it with every error by sheet and cell
(``WorkbookInvalid``); only a workbook without a single error is saved,
through ``save_report_answers``, all or nothing.
"""

import io
from dataclasses import dataclass
from typing import IO, Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook

from learningcities.common.translated import shown
from learningcities.frameworks.enums import AnswerType
from learningcities.questionnaires.answers import criterion_label
from learningcities.questionnaires.workbook import (
    ABOUT,
    ExtraColumn,
    SheetReader,
    WorkbookErrors,
    check_about,
    not_a_sheet,
    read_section,
    read_upload,
    sheet_names,
    whole,
    write_about,
    write_section,
)

from ..domain.answers import MAX_YEAR, MIN_YEAR, Figure, save_report_answers
from ..domain.completeness import report_tree
from ..domain.errors import ReportError
from ..domain.queries.reports import due_text
from ..enums import EDITABLE_STATES
from ..models import ProgressReport
from ..rules import is_report_coordinator

FORMAT_VERSION = "lc-report-workbook-1"
REPORT_CELL = "B4"
FORMAT_CELL = "B5"
MAX_SOURCE = 300  # ReportAnswer.source


class WorkbookInvalid(ReportError):
    """The workbook cannot be imported; ``errors`` lists every problem found, by cell."""

    def __init__(self, errors: list[str]):
        super().__init__(_("The workbook has errors; nothing was saved."), code="workbook_invalid")
        self.errors = errors


@dataclass(frozen=True)
class ReportImportSummary:
    """What an import changed: answers saved (values or figures), rows read unchanged."""

    changed: int
    unchanged: int


# The indicators' figures: two unlocked cells after the guidance.


def _is_figure(item) -> bool:
    return item.criterion.answer_type == AnswerType.NUMBER


def _write_year(item) -> int | None:
    return item.answer.data_year if item.answer is not None else None


def _write_source(item) -> str | None:
    return (item.answer.source or None) if item.answer is not None else None


def _read_year(item, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    value = whole(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
        raise ValueError(
            _("The year of the figure must be a whole number from %(min)d to %(max)d.")
            % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return value


def _read_source(item, value: Any) -> str:
    source = "" if value is None else str(whole(value)).strip()
    if len(source) > MAX_SOURCE:
        raise ValueError(
            _("%(criterion)s: the source is longer than 300 characters.")
            % {"criterion": criterion_label(item.criterion)}
        )
    return source


def _write_carried(item) -> str | None:
    answer = item.answer
    if answer is None or not answer.unchanged:
        return None
    if answer.carried_from == "application":
        return _("Unchanged since the application")
    return _("Unchanged since the last report")


def _columns() -> tuple[ExtraColumn, ...]:
    return (
        ExtraColumn(
            key="year",
            title=_("Year of the figure"),
            width=12,
            applies=_is_figure,
            write=_write_year,
            read=_read_year,
        ),
        ExtraColumn(
            key="source",
            title=_("Source of the figure"),
            width=40,
            applies=_is_figure,
            write=_write_source,
            read=_read_source,
        ),
        ExtraColumn(
            key="carried",
            title=_("Carried over"),
            width=30,
            applies=lambda item: True,
            write=_write_carried,
        ),
    )


# Export


def _write_about(book, report: ProgressReport) -> None:
    cycle = report.cycle
    write_about(
        book,
        [
            (_("City"), str(report.city)),
            (_("Reporting cycle"), str(shown(cycle, "name"))),
            (_("Report"), report.pk),  # REPORT_CELL
            (_("Format version"), FORMAT_VERSION),  # FORMAT_CELL
            (_("Due"), due_text(report)),
            (
                _("Period covered"),
                _("%(start)s to %(end)s")
                % {
                    "start": date_format(cycle.period_start, "DATE_FORMAT"),
                    "end": date_format(cycle.period_end, "DATE_FORMAT"),
                },
            ),
            ("", ""),
            (
                _("How to use it"),
                _(
                    "Write your answers in the unlocked cells of each section's sheet: the "
                    "answer column and, for a figure, the year it describes and its source. "
                    "Keep the codes, the sheets and this sheet as they are. Then upload the "
                    "workbook on the report's page: every cell is checked and nothing is "
                    "saved unless the whole workbook is valid. Evidence files are attached "
                    "on the site."
                ),
            ),
            (
                _("Carried over"),
                _(
                    "Answers carried over from your last report or your application are "
                    "filled in and marked as unchanged: check each one and update it to the "
                    "period of this report; changing an answer removes its mark."
                ),
            ),
        ],
    )


def export_report_workbook(report: ProgressReport) -> bytes:
    """Return ``report`` as an .xlsx workbook (one sheet per section, then About).

    Only the answer, year and source cells are unlocked (sheets protected
    without a password); ratings carry a list validation. Reads only.
    """
    book = Workbook()
    book.remove(book.active)
    columns = _columns()
    for name, node in sheet_names(report_tree(report)).items():
        write_section(book, name, node, extra=columns)
    _write_about(book, report)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# Import


def _same_value(stored: Any, read: Any) -> bool:
    """Tell whether a value read equals the stored one (a text but for line endings)."""
    if isinstance(stored, str) and isinstance(read, str):
        return stored.replace("\r\n", "\n").strip() == read.replace("\r\n", "\n").strip()
    return stored == read


def _changes(readings, values: dict, figures: dict) -> int:
    """Add the changed rows of a sheet to ``values`` and ``figures``; return the unchanged."""
    unchanged = 0
    for reading in readings:
        item, answer = reading.item, reading.item.answer
        same = _same_value(item.value, reading.value)
        figure = None
        if _is_figure(item):
            figure = Figure(data_year=reading.extra["year"], source=reading.extra["source"])
            stored = Figure(
                data_year=answer.data_year if answer is not None else None,
                source=answer.source if answer is not None else "",
            )
            if figure == stored:
                figure = None
        if same and figure is None:
            unchanged += 1
            continue
        # A value read as stored keeps the stored one (and its "unchanged" mark).
        values[item.criterion] = item.value if same else reading.value
        if figure is not None:
            figures[item.criterion.pk] = figure
    return unchanged


def _read_workbook(reader: SheetReader, report: ProgressReport) -> tuple[dict, dict, int]:
    """Return the changed values and figures and the count of unchanged rows.

    Raises WorkbookErrors listing every problem found, or only the limit passed.
    """
    check_about(
        reader,
        identity_cell=REPORT_CELL,
        identity=report.pk,
        mismatch=lambda found: (
            _("this workbook is for report %(found)s, not %(expected)s")
            % {"found": found, "expected": report.pk}
        ),
        format_cell=FORMAT_CELL,
        format_version=FORMAT_VERSION,
    )
    errors: list[str] = []
    sections = sheet_names(report_tree(report))
    columns = _columns()
    values: dict = {}
    figures: dict[int, Figure] = {}
    unchanged = 0
    for name in reader.book.sheetnames:
        if name == ABOUT:
            continue
        node = sections.get(name)
        if node is None:
            errors.append(not_a_sheet(name))
            continue
        readings = read_section(name, reader.rows(name), node, errors, extra=columns)
        unchanged += _changes(readings, values, figures)
    if errors:
        raise WorkbookErrors(errors)
    return values, figures, unchanged


def import_report_workbook(
    report: ProgressReport, file: bytes | IO[bytes], *, actor
) -> ReportImportSummary:
    """Read a workbook of ``report`` and save its changed answers and figures, all or nothing.

    Every cell is checked first; any problem raises ``WorkbookInvalid``
    listing them all (``sheet 'X', cell E7: reason``) and nothing is saved. A
    file past a limit of the engine's workbook is refused as soon as it is
    found, with the limit named. Only the city's coordinators import, while
    the report may change (ReportError otherwise). Effects: those of
    ``save_report_answers`` (an edited answer loses its "unchanged" mark).
    """
    if not is_report_coordinator(actor, report):
        raise ReportError(
            _("Only a coordinator of %(city)s may change this report.") % {"city": report.city},
            code="not_permitted",
        )
    if report.state not in EDITABLE_STATES or report.lapsed_at is not None:
        raise ReportError(
            _("This report is %(state)s and cannot be changed now.")
            % {"state": report.get_state_display().lower()},
            code="frozen",
        )
    data = file if isinstance(file, bytes) else file.read()
    try:
        with read_upload(data) as reader:
            values, figures, unchanged = _read_workbook(reader, report)
    except WorkbookErrors as error:
        raise WorkbookInvalid(error.errors) from None
    changed = save_report_answers(report, values, actor=actor, figures=figures) if values else 0
    return ReportImportSummary(changed=changed, unchanged=unchanged)
