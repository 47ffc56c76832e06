"""The offline workbook of an application: an .xlsx to fill in without a connection.

``export_workbook`` writes the profile, one sheet per framework section and an
"About" sheet; only the answer cells are unlocked, and every text is written as
text, never as a formula. ``import_workbook`` reads it back, checks every cell
and collects every error (``WorkbookInvalid``), saving nothing unless the whole
workbook is valid. An upload is a small zip that can unpack to far more than
it weighs, so the import checks the archive before openpyxl opens it and reads
within the limits below (issue 11).
"""

import io
import re
import zipfile
import zlib
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.datavalidation import DataValidation

from learningcities.common.validators import declared_directory
from learningcities.frameworks.domain.queries.frameworks import framework_tree
from learningcities.frameworks.enums import DEFAULT_RATING_MAX, DEFAULT_RATING_MIN, AnswerType

from ..domain.errors import SubmissionError
from ..domain.submissions import DECIMAL_FIELDS, INTEGER_FIELDS, PROFILE_FIELDS, clean_profile_value
from ..domain.workbook import ImportSummary, save_workbook
from ..enums import CHALLENGE_MAX, CHALLENGE_MIN, CallLanguage, Challenge
from ..models import Answer, Submission
from ..rules import can_change_submission, is_coordinator_of_submission
from ..validators import word_count

FORMAT_VERSION = "lc-workbook-1"
ABOUT = "About"
PROFILE = "Profile"
CHALLENGE_PREFIX = "challenges."
ANSWER_COLUMN = "E"
PROFILE_VALUE_COLUMN = "C"
SUBMISSION_CELL = "B4"
FORMAT_CELL = "B5"
YES_WORDS = {"yes", "oui", "true"}
NO_WORDS = {"no", "non", "false"}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
UNLOCKED = Protection(locked=False)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

# Limits of an uploaded workbook. The exported one of the Key Features (42
# questions) has 13 parts, 50 KB unpacked, 1,600 XML elements, 350 of them
# outside the sheets, and 25 rows on its longest sheet; a framework of a few
# hundred questions with long answers stays far below every limit. Past them a
# file is a mistake or an attack, refused before it holds a worker.
MAX_PARTS = 1_000  # members of the zip archive
MAX_UNPACKED_BYTES = 20 * 1024 * 1024  # all members, as the archive declares them
MAX_ELEMENTS = 100_000  # XML elements of all members
# openpyxl builds every part but the sheets and the shared strings whole, as
# objects costing up to 50 µs and 600 bytes an element (the styles): they
# share a far smaller budget.
MAX_WHOLE_PART_ELEMENTS = 10_000
STREAMED_PARTS = {"worksheet", "sst"}  # root elements of the parts openpyxl reads row by row
MAX_ROWS = 2_000  # a sheet, empty rows included
MAX_CELLS = 50_000  # the workbook, each row counted up to its last cell


class WorkbookInvalid(SubmissionError):
    """The workbook cannot be imported; ``errors`` lists every problem found, by cell."""

    def __init__(self, errors: list[str]):
        super().__init__(_("The workbook has errors; nothing was saved."), code="workbook_invalid")
        self.errors = errors


def section_sheet_names(framework) -> dict[str, Any]:
    """Return ``{sheet name: section}``: ``code title`` cut to Excel's 31 characters, unique."""
    names: dict[str, Any] = {}
    for section in framework.sections.all():
        base = _BAD_SHEET_CHARS.sub(" ", f"{section.code} {section.title}").strip()[:31]
        name, number = base, 2
        while name in names or name in (ABOUT, PROFILE):
            suffix = f" ({number})"
            name, number = base[: 31 - len(suffix)] + suffix, number + 1
        names[name] = section
    return names


def _rating_scale(criterion) -> tuple[int, int]:
    low = criterion.rating_min if criterion.rating_min is not None else DEFAULT_RATING_MIN
    high = criterion.rating_max if criterion.rating_max is not None else DEFAULT_RATING_MAX
    return low, high


def _limits(criterion) -> str:
    if criterion.answer_type == AnswerType.TEXT and criterion.word_limit:
        return _("at most %(count)s words") % {"count": criterion.word_limit}
    if criterion.answer_type == AnswerType.RATING:
        low, high = _rating_scale(criterion)
        return _("%(low)s to %(high)s") % {"low": low, "high": high}
    if criterion.answer_type == AnswerType.NUMBER and criterion.unit:
        return _("unit: %(unit)s") % {"unit": criterion.unit}
    if criterion.answer_type == AnswerType.YES_NO:
        return _("yes or no")
    if criterion.answer_type == AnswerType.FILE:
        return _("upload evidence files on the site")
    return ""


def _number_cell(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _answer_cell(criterion, answer: Answer | None) -> Any:
    if answer is None:
        return None
    if criterion.answer_type == AnswerType.TEXT:
        return answer.text_value or None
    if criterion.answer_type == AnswerType.NUMBER:
        return _number_cell(answer.number_value)
    if criterion.answer_type == AnswerType.RATING:
        return answer.rating_value
    if criterion.answer_type == AnswerType.YES_NO:
        if answer.boolean_value is None:
            return None
        return "yes" if answer.boolean_value else "no"
    return None


def _profile_rows(submission: Submission) -> list[tuple[str, str, Any, str]]:
    rows = []
    for name in PROFILE_FIELDS:
        model_field = Submission._meta.get_field(name)
        label = str(model_field.verbose_name)
        if name == "challenges":
            for challenge in Challenge:
                rows.append(
                    (
                        f"{CHALLENGE_PREFIX}{challenge.value}",
                        f"{label}: {challenge.label}",
                        (submission.challenges or {}).get(challenge.value),
                        _("a rating from %(low)s to %(high)s")
                        % {"low": CHALLENGE_MIN, "high": CHALLENGE_MAX},
                    )
                )
            continue
        value = getattr(submission, name)
        if name in DECIMAL_FIELDS:
            value = _number_cell(value)
        if name == "communication_language":
            help_text = ", ".join(CallLanguage.values)
        elif name in DECIMAL_FIELDS:
            help_text = _("a number")
        elif name in INTEGER_FIELDS:
            help_text = _("a whole number")
        elif getattr(model_field, "max_length", None):
            help_text = _("at most %(count)s characters") % {"count": model_field.max_length}
        else:
            help_text = _("text")
        rows.append((name, label, value if value != "" else None, help_text))
    return rows


def _append(sheet, values: list[Any]) -> None:
    """Append ``values`` as the sheet's next row, every ``str`` as a literal text.

    openpyxl takes a text starting with "=" for a formula (and "#N/A" for an
    error): an answer "=HYPERLINK(...)" would become a live link in the city's
    spreadsheet and, read back, lose its text. Nothing this workbook writes is
    a formula, so every text is forced to a string cell.
    """
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _list_validation(sheet, values: list[str], cells: list[str]) -> None:
    if not cells:
        return
    validation = DataValidation(
        type="list", formula1='"' + ",".join(values) + '"', allow_blank=True
    )
    validation.error = _("Choose one of: %(values)s") % {"values": ", ".join(values)}
    validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    for cell in cells:
        validation.add(cell)


def _header(sheet, titles: list[str]) -> None:
    _append(sheet, titles)
    for cell in sheet[1]:
        cell.font = BOLD


def export_workbook(submission: Submission) -> bytes:
    """Return ``submission`` as an .xlsx workbook (profile, one sheet per section, About).

    Only the answer cells are unlocked (sheets protected without a password);
    ratings and yes/no cells carry a list validation. Reads only.
    """
    framework = framework_tree(submission.call.framework)
    answers = {answer.criterion_id: answer for answer in submission.answers.all()}
    book = Workbook()
    profile = book.active
    profile.title = PROFILE
    _header(profile, [_("Field"), _("Label"), _("Value"), _("Help and limits")])
    challenge_cells = []
    for index, (name, label, value, help_text) in enumerate(_profile_rows(submission), start=2):
        _append(profile, [name, label, value, help_text])
        cell = profile[f"{PROFILE_VALUE_COLUMN}{index}"]
        cell.protection = UNLOCKED
        cell.alignment = WRAP
        if name.startswith(CHALLENGE_PREFIX):
            challenge_cells.append(cell.coordinate)
        if name == "communication_language":
            _list_validation(profile, list(CallLanguage.values), [cell.coordinate])
    _list_validation(
        profile, [str(n) for n in range(CHALLENGE_MIN, CHALLENGE_MAX + 1)], challenge_cells
    )
    profile.protection.sheet = True
    for column, width in zip("ABCD", (24, 40, 60, 30), strict=True):
        profile.column_dimensions[column].width = width

    for name, section in section_sheet_names(framework).items():
        sheet = book.create_sheet(name)
        _header(
            sheet,
            [_("Code"), _("Question"), _("Answer type"), _("Limits"), _("Answer"), _("Guidance")],
        )
        ratings: dict[tuple[int, int], list[str]] = {}
        yes_no = []
        row = 1
        for area in section.areas.all():
            for criterion in area.criteria.all():
                row += 1
                _append(
                    sheet,
                    [
                        criterion.code,
                        criterion.title,
                        str(criterion.get_answer_type_display()),
                        _limits(criterion),
                        _answer_cell(criterion, answers.get(criterion.pk)),
                        criterion.guidance,
                    ],
                )
                cell = sheet[f"{ANSWER_COLUMN}{row}"]
                cell.alignment = WRAP
                if criterion.answer_type == AnswerType.FILE:
                    continue
                cell.protection = UNLOCKED
                if criterion.answer_type == AnswerType.RATING:
                    ratings.setdefault(_rating_scale(criterion), []).append(cell.coordinate)
                elif criterion.answer_type == AnswerType.YES_NO:
                    yes_no.append(cell.coordinate)
        for (low, high), cells in ratings.items():
            _list_validation(sheet, [str(n) for n in range(low, high + 1)], cells)
        _list_validation(sheet, ["yes", "no"], yes_no)
        sheet.protection.sheet = True
        for column, width in zip("ABCDEF", (10, 50, 14, 24, 60, 50), strict=True):
            sheet.column_dimensions[column].width = width

    about = book.create_sheet(ABOUT)
    _header(about, [_("About this workbook"), ""])
    _append(about, [_("Call"), submission.call.title])
    _append(about, [_("City"), str(submission.city)])
    _append(about, [_("Submission"), submission.pk])
    _append(about, [_("Format version"), FORMAT_VERSION])
    about.protection.sheet = True
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 60
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _where(sheet: str, coordinate: str) -> str:
    return _("sheet '%(sheet)s', cell %(cell)s") % {"sheet": sheet, "cell": coordinate}


def _error(sheet: str, coordinate: str, reason: str) -> str:
    return f"{_where(sheet, coordinate)}: {reason}"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_answer(criterion, value: Any) -> Any:
    """Return the cell's value as ``save_answer`` takes it; raise ValueError with the reason."""
    if _blank(value):
        return None
    kind = criterion.answer_type
    if kind == AnswerType.TEXT:
        text = str(value)
        if criterion.word_limit and word_count(text) > criterion.word_limit:
            raise ValueError(
                _("%(count)s words, more than the limit of %(limit)s")
                % {"count": word_count(text), "limit": criterion.word_limit}
            )
        return text
    if kind == AnswerType.YES_NO:
        if isinstance(value, bool):
            return value
        word = str(value).strip().casefold()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise ValueError(_("expected yes or no, found “%(value)s”") % {"value": value})
    if isinstance(value, bool):
        raise ValueError(_("expected a number, found “%(value)s”") % {"value": value})
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValueError(_("expected a number, found “%(value)s”") % {"value": value})
    if kind == AnswerType.RATING:
        low, high = _rating_scale(criterion)
        if number != number.to_integral_value() or not low <= number <= high:
            raise ValueError(
                _("a rating from %(low)s to %(high)s is expected, found %(value)s")
                % {"low": low, "high": high, "value": value}
            )
        return int(number)
    if abs(number) >= Decimal(10) ** 16:
        raise ValueError(_("the number %(value)s is too large") % {"value": value})
    if number < 0:
        raise ValueError(
            _("expected a number that is not negative, found %(value)s") % {"value": value}
        )
    return number


def _current_answer(criterion, answer: Answer | None) -> Any:
    if answer is None:
        return None
    if criterion.answer_type == AnswerType.TEXT:
        return answer.text_value or None
    return {
        AnswerType.NUMBER: answer.number_value,
        AnswerType.RATING: answer.rating_value,
        AnswerType.YES_NO: answer.boolean_value,
    }.get(criterion.answer_type)


# Reading an upload within the limits

# What a broken or foreign file raises while zipfile, zlib, expat or openpyxl reads it.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    TypeError,  # openpyxl's refusal of an attribute it does not know or cannot convert
    OSError,
    RuntimeError,  # an encrypted member, or a compression method zipfile does not know
    ParseError,
)


def _not_a_workbook(error: Exception) -> WorkbookInvalid:
    return WorkbookInvalid(
        [_("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": error}]
    )


def _grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


def _too_complex(*, whole_parts: bool) -> WorkbookInvalid:
    if whole_parts:
        message = _(
            "The workbook holds more than %(limit)s XML elements outside its sheets (styles, "
            "names and the like); its limit is %(limit)s. Download the workbook again and "
            "fill that one in."
        ) % {"limit": _grouped(MAX_WHOLE_PART_ELEMENTS)}
    else:
        message = _(
            "The workbook holds more than %(limit)s XML elements (cells, styles and the "
            "like); its limit is %(limit)s. Download the workbook again and fill that one in."
        ) % {"limit": _grouped(MAX_ELEMENTS)}
    return WorkbookInvalid([message])


def _count_elements(stream, counts: dict[str, int]) -> None:
    """Add the XML elements of one archive member to ``counts``; refuse past the limits.

    expat reports each element as the member streams through and nothing is
    kept, whatever the member's size. A member that is not XML (an image) stops
    counting where its XML ends: openpyxl's parser, expat too, stops there.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    root = ""

    def start(name: str, _attributes: dict) -> None:
        nonlocal root
        root = root or name.rpartition(" ")[2]
        counts["all"] += 1
        if root not in STREAMED_PARTS:
            counts["whole"] += 1
        if counts["all"] > MAX_ELEMENTS:
            raise _too_complex(whole_parts=False)
        if counts["whole"] > MAX_WHOLE_PART_ELEMENTS:
            raise _too_complex(whole_parts=True)

    def refuse_doctype(*_args) -> None:
        # The parts of a workbook have no document type; its entities are
        # how a few bytes of XML expand to gigabytes.
        raise _not_a_workbook(ValueError(_("a part declares a document type")))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse_doctype
    try:
        while chunk := stream.read(64 * 1024):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        return


def _check_archive(data: bytes) -> None:
    """Refuse (WorkbookInvalid) an archive past the limits, before openpyxl opens it.

    The unpacked sizes are those the archive's directory declares: zipfile,
    which openpyxl reads through too, never unpacks more of a member than
    declared (a member holding more fails its checksum, refused here).
    """
    too_many_parts = WorkbookInvalid(
        [
            _(
                "The workbook has more than %(limit)s parts; its limit is "
                "%(limit)s. Download the workbook again and fill that one in."
            )
            % {"limit": _grouped(MAX_PARTS)}
        ]
    )
    # zipfile reads the whole list of parts into memory on opening: the count
    # the end record declares is checked first (the list may still hold more).
    declared = declared_directory(io.BytesIO(data))
    if declared is not None and declared[0] > MAX_PARTS:
        raise too_many_parts
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS:
                raise too_many_parts
            if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
                limit = MAX_UNPACKED_BYTES // (1024 * 1024)
                raise WorkbookInvalid(
                    [
                        _(
                            "The workbook is larger than %(limit)s MB once unpacked (an .xlsx "
                            "file is compressed); its limit is %(limit)s MB."
                        )
                        % {"limit": limit}
                    ]
                )
            counts = {"all": 0, "whole": 0}
            for member in members:
                with archive.open(member) as stream:
                    _count_elements(stream, counts)
    except _UNREADABLE as error:
        raise _not_a_workbook(error) from None


class _SheetReader:
    """Read a read-only workbook's sheets, refusing as soon as one passes a limit."""

    def __init__(self, book):
        self.book = book
        self.cells = 0

    def rows(self, name: str) -> list[tuple]:
        """Return the values of sheet ``name`` by row, row 1 first; a row not in the file is ().

        Refuses (WorkbookInvalid) a sheet of more than MAX_ROWS rows or a
        workbook of more than MAX_CELLS cells, each row counted up to its last
        cell, before reading any further.
        """
        sheet = self.book[name]
        if not hasattr(sheet, "reset_dimensions"):  # a chart sheet
            raise WorkbookInvalid(
                [_("sheet '%(sheet)s': not a sheet of this workbook") % {"sheet": name}]
            )
        # The range a file declares may be wrong (some tools write "A1" or
        # none) and openpyxl would pad or cut every row to it: read the rows
        # and cells the sheet holds instead.
        sheet.reset_dimensions()
        rows: list[tuple] = []
        try:
            for values in sheet.iter_rows(values_only=True):
                if len(rows) == MAX_ROWS:
                    raise WorkbookInvalid(
                        [
                            _(
                                "The sheet “%(sheet)s” has more than %(limit)s rows; the "
                                "workbook's limit is %(limit)s rows a sheet. Delete the rows "
                                "below the questions, or download the workbook again."
                            )
                            % {"sheet": name, "limit": _grouped(MAX_ROWS)}
                        ]
                    )
                self.cells += len(values)
                if self.cells > MAX_CELLS:
                    raise WorkbookInvalid(
                        [
                            _(
                                "The workbook has more than %(limit)s cells; its limit is "
                                "%(limit)s. Delete the cells outside the questions, or "
                                "download the workbook again."
                            )
                            % {"limit": _grouped(MAX_CELLS)}
                        ]
                    )
                rows.append(tuple(values))
        except _UNREADABLE as error:
            raise _not_a_workbook(error) from None
        return rows


def _value(rows: list[tuple], coordinate: str) -> Any:
    """Return the value at ``coordinate`` ("E7") of a sheet's ``rows``; None past them."""
    row, column = coordinate_to_tuple(coordinate)
    values = rows[row - 1] if row <= len(rows) else ()
    return values[column - 1] if column <= len(values) else None


def _read_profile(rows: list[tuple], submission, errors: list[str]) -> tuple[dict, int]:
    changed: dict[str, Any] = {}
    unchanged = 0
    challenges: dict[str, Any] = {}
    challenge_cells: dict[str, str] = {}
    for row in range(2, len(rows) + 1):
        name = _value(rows, f"A{row}")
        coordinate = f"{PROFILE_VALUE_COLUMN}{row}"
        value = _value(rows, coordinate)
        if _blank(name):
            continue
        name = str(name).strip()
        if name.startswith(CHALLENGE_PREFIX):
            key = name.removeprefix(CHALLENGE_PREFIX)
            if key not in Challenge.values:
                errors.append(
                    _error(PROFILE, f"A{row}", _("unknown field %(name)s") % {"name": name})
                )
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            try:
                challenges[key] = clean_profile_value("challenges", {key: value}).get(key)
            except SubmissionError as error:
                errors.append(_error(PROFILE, coordinate, str(error)))
            challenge_cells[key] = coordinate
            continue
        if name not in PROFILE_FIELDS or name == "challenges":
            errors.append(_error(PROFILE, f"A{row}", _("unknown field %(name)s") % {"name": name}))
            continue
        if name in INTEGER_FIELDS and isinstance(value, float) and value.is_integer():
            value = int(value)
        if name not in INTEGER_FIELDS and name not in DECIMAL_FIELDS and value is not None:
            value = str(value)
        try:
            cleaned = clean_profile_value(name, value)
        except SubmissionError as error:
            errors.append(_error(PROFILE, coordinate, str(error)))
            continue
        if getattr(submission, name) != cleaned:
            changed[name] = cleaned
        else:
            unchanged += 1
    if challenge_cells:
        merged = dict(submission.challenges or {})
        for key, points in challenges.items():
            if points is None:
                merged.pop(key, None)
            else:
                merged[key] = points
        if merged != (submission.challenges or {}):
            changed["challenges"] = merged
        else:
            unchanged += 1
    return changed, unchanged


def _read_workbook(reader: _SheetReader, submission: Submission) -> tuple[dict, list, int]:
    """Return the changed profile fields, the changed answers and the count of unchanged ones.

    Raises WorkbookInvalid listing every problem found, or only the limit passed.
    """
    errors: list[str] = []
    if ABOUT not in reader.book.sheetnames:
        raise WorkbookInvalid([_("The sheet '%(sheet)s' is missing.") % {"sheet": ABOUT}])
    about = reader.rows(ABOUT)
    found = _value(about, SUBMISSION_CELL)
    if str(found).strip() != str(submission.pk):
        errors.append(
            _error(
                ABOUT,
                SUBMISSION_CELL,
                _("this workbook is for submission %(found)s, not %(expected)s")
                % {"found": found, "expected": submission.pk},
            )
        )
        raise WorkbookInvalid(errors)
    if _value(about, FORMAT_CELL) != FORMAT_VERSION:
        raise WorkbookInvalid(
            [
                _error(
                    ABOUT,
                    FORMAT_CELL,
                    _("unknown format %(found)s (expected %(expected)s)")
                    % {"found": _value(about, FORMAT_CELL), "expected": FORMAT_VERSION},
                )
            ]
        )
    framework = framework_tree(submission.call.framework)
    sections = section_sheet_names(framework)
    current = {answer.criterion_id: answer for answer in submission.answers.all()}
    profile: dict[str, Any] = {}
    unchanged = 0
    answers: list[tuple[Any, Any]] = []
    for name in reader.book.sheetnames:
        if name == ABOUT:
            continue
        if name == PROFILE:
            profile, unchanged_profile = _read_profile(reader.rows(name), submission, errors)
            unchanged += unchanged_profile
            continue
        section = sections.get(name)
        if section is None:
            errors.append(_("sheet '%(sheet)s': not a sheet of this workbook") % {"sheet": name})
            continue
        rows = reader.rows(name)
        criteria = {c.code: c for area in section.areas.all() for c in area.criteria.all()}
        for row in range(2, len(rows) + 1):
            code = _value(rows, f"A{row}")
            coordinate = f"{ANSWER_COLUMN}{row}"
            value = _value(rows, coordinate)
            if _blank(code):
                continue
            criterion = criteria.get(str(code).strip())
            if criterion is None:
                errors.append(
                    _error(name, f"A{row}", _("unknown question %(code)s") % {"code": code})
                )
                continue
            if criterion.answer_type == AnswerType.FILE:
                continue
            try:
                cleaned = _read_answer(criterion, value)
            except ValueError as error:
                errors.append(_error(name, coordinate, str(error)))
                continue
            if _current_answer(criterion, current.get(criterion.pk)) != cleaned:
                answers.append((criterion, cleaned))
            else:
                unchanged += 1
    if errors:
        raise WorkbookInvalid(errors)
    return profile, answers, unchanged


def import_workbook(submission: Submission, data: bytes, *, actor) -> ImportSummary:
    """Read a workbook of ``submission`` and save its changed values, all or nothing.

    Every cell is checked first; any problem raises ``WorkbookInvalid`` listing
    them all (``sheet 'X', cell D7: reason``) and nothing is saved. A file past
    a limit (MAX_UNPACKED_BYTES, MAX_ROWS, MAX_CELLS...) is refused as soon as
    it is found, with the limit named. A submission that can no longer be
    changed is refused (SubmissionError). Effects: see ``save_workbook``.
    """
    if not is_coordinator_of_submission(actor, submission):
        raise SubmissionError(
            _("Only a coordinator of %(city)s may change this submission.")
            % {"city": submission.city},
            code="not_permitted",
        )
    if not can_change_submission(actor, submission):
        raise SubmissionError(
            _("A submission that is %(state)s cannot be changed.")
            % {"state": submission.state_for_city_display},
            code="not_editable",
        )
    _check_archive(data)
    try:
        # Read-only: rows stream from the archive instead of every cell
        # becoming an object; the limits are counted as they come.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _UNREADABLE as error:
        raise _not_a_workbook(error) from None
    try:
        profile, answers, unchanged = _read_workbook(_SheetReader(book), submission)
    finally:
        book.close()  # a read-only workbook holds its archive open until closed
    return save_workbook(
        submission, actor=actor, profile=profile, answers=answers, unchanged=unchanged
    )
