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
from decimal import Decimal
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet.datavalidation import DataValidation

from learningcities.common.languages import language_codes
from learningcities.common.validators import declared_directory
from learningcities.questionnaires.answers import answer_kind
from learningcities.questionnaires.profile import (
    ProfileField,
    ProfileKind,
)
from learningcities.questionnaires.tree import by_criterion, questionnaire_tree

from ..domain.errors import SubmissionError
from ..domain.profile import profile_fields_for, profile_names_for
from ..domain.submissions import DECIMAL_FIELDS, INTEGER_FIELDS, clean_profile_value
from ..domain.workbook import ImportSummary, save_workbook
from ..enums import CHALLENGE_MAX, CHALLENGE_MIN, Challenge
from ..models import Submission
from ..rules import can_change_submission, is_coordinator_of_submission

FORMAT_VERSION = "lc-workbook-1"
ABOUT = "About"
PROFILE = "Profile"
CHALLENGE_PREFIX = "challenges."
ANSWER_COLUMN = "E"
PROFILE_VALUE_COLUMN = "C"
SUBMISSION_CELL = "B4"
FORMAT_CELL = "B5"
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


def sheet_names(sections) -> dict[str, Any]:
    """Return ``{sheet name: section}`` of ``sections`` (anything with a code and a title).

    A name is ``code title`` cut to Excel's 31 characters, made unique.
    """
    names: dict[str, Any] = {}
    for section in sections:
        base = _BAD_SHEET_CHARS.sub(" ", f"{section.code} {section.title}").strip()[:31]
        name, number = base, 2
        while name in names or name in (ABOUT, PROFILE):
            suffix = f" ({number})"
            name, number = base[: 31 - len(suffix)] + suffix, number + 1
        names[name] = section
    return names


def _number_cell(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# The "Help and limits" of a profile field, by kind (a text's depends on its length).
_PROFILE_HELP = {
    ProfileKind.CHOICE: lambda: ", ".join(language_codes()),
    ProfileKind.DECIMAL: lambda: _("a number"),
    ProfileKind.YEAR: lambda: _("a whole number"),
    ProfileKind.INTEGER: lambda: _("a whole number"),
}


def _profile_help(field: ProfileField) -> str:
    if field.kind in _PROFILE_HELP:
        return _PROFILE_HELP[field.kind]()
    max_length = getattr(Submission._meta.get_field(field.name), "max_length", None)
    if max_length:
        return _("at most %(count)s characters") % {"count": max_length}
    return _("text")


def _challenge_rows(submission: Submission, label: str) -> list[tuple[str, str, Any, str]]:
    return [
        (
            f"{CHALLENGE_PREFIX}{challenge.value}",
            f"{label}: {challenge.label}",
            (submission.challenges or {}).get(challenge.value),
            _("a rating from %(low)s to %(high)s") % {"low": CHALLENGE_MIN, "high": CHALLENGE_MAX},
        )
        for challenge in Challenge
    ]


def _profile_rows(submission: Submission) -> list[tuple[str, str, Any, str]]:
    rows = []
    for field in profile_fields_for(submission.call):
        label = str(Submission._meta.get_field(field.name).verbose_name)
        if field.kind == ProfileKind.RATINGS:
            rows.extend(_challenge_rows(submission, label))
            continue
        value = getattr(submission, field.name)
        if field.kind == ProfileKind.DECIMAL:
            value = _number_cell(value)
        rows.append((field.name, label, value if value != "" else None, _profile_help(field)))
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


def _write_profile(book, submission: Submission) -> None:
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
            _list_validation(profile, language_codes(), [cell.coordinate])
    _list_validation(
        profile, [str(n) for n in range(CHALLENGE_MIN, CHALLENGE_MAX + 1)], challenge_cells
    )
    profile.protection.sheet = True
    for column, width in zip("ABCD", (24, 40, 60, 30), strict=True):
        profile.column_dimensions[column].width = width


def _write_section(book, name: str, node) -> None:
    """Add the sheet of one section: a row a criterion, its answer cell unlocked if it has one."""
    sheet = book.create_sheet(name)
    _header(
        sheet,
        [_("Code"), _("Question"), _("Answer type"), _("Limits"), _("Answer"), _("Guidance")],
    )
    lists: dict[tuple[str, ...], list[str]] = {}
    for row, item in enumerate(node.items, start=2):
        criterion, kind = item.criterion, item.kind
        _append(
            sheet,
            [
                criterion.code,
                criterion.title,
                str(criterion.get_answer_type_display()),
                kind.cell_hint(criterion),
                kind.write_cell(criterion, item.answer),
                criterion.guidance,
            ],
        )
        cell = sheet[f"{ANSWER_COLUMN}{row}"]
        cell.alignment = WRAP
        if not kind.has_value:
            continue  # evidence is uploaded on the site
        cell.protection = UNLOCKED
        choices = kind.cell_choices(criterion)
        if choices:
            lists.setdefault(tuple(choices), []).append(cell.coordinate)
    for values, cells in lists.items():
        _list_validation(sheet, list(values), cells)
    sheet.protection.sheet = True
    for column, width in zip("ABCDEF", (10, 50, 14, 24, 60, 50), strict=True):
        sheet.column_dimensions[column].width = width


def _write_about(book, submission: Submission) -> None:
    about = book.create_sheet(ABOUT)
    _header(about, [_("About this workbook"), ""])
    _append(about, [_("Call"), submission.call.title])
    _append(about, [_("City"), str(submission.city)])
    _append(about, [_("Submission"), submission.pk])
    _append(about, [_("Format version"), FORMAT_VERSION])
    about.protection.sheet = True
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 60


def _tree(submission: Submission) -> list:
    return questionnaire_tree(
        submission.call.framework_id, answers=by_criterion(submission.answers.all())
    )


def export_workbook(submission: Submission) -> bytes:
    """Return ``submission`` as an .xlsx workbook (profile, one sheet per section, About).

    Only the answer cells are unlocked (sheets protected without a password);
    ratings and yes/no cells carry a list validation. Reads only.
    """
    book = Workbook()
    _write_profile(book, submission)
    for name, node in sheet_names(_tree(submission)).items():
        _write_section(book, name, node)
    _write_about(book, submission)
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
    return answer_kind(criterion).read_cell(criterion, value)


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


def _unknown_field(row: int, name: str) -> str:
    return _error(PROFILE, f"A{row}", _("unknown field %(name)s") % {"name": name})


def _whole(value: Any) -> Any:
    """Return a float cell holding a whole number as an int (spreadsheets store 3 as 3.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _profile_cell(name: str, value: Any) -> Any:
    """Return a profile cell's value as ``clean_profile_value`` takes it."""
    if name in INTEGER_FIELDS:
        return _whole(value)
    if name not in DECIMAL_FIELDS and value is not None:
        return str(value)
    return value


class _ProfileReading:
    """The profile sheet as read: changed fields, unchanged count, challenges rated."""

    def __init__(self, submission: Submission, errors: list[str]):
        self.submission = submission
        self.errors = errors
        self.changed: dict[str, Any] = {}
        self.unchanged = 0
        self.challenges: dict[str, Any] = {}
        self.challenge_seen = False
        # A field the call does not ask for (a proposal's figures) is unknown here.
        self.asked = profile_names_for(submission.call)

    def read_row(self, row: int, name: str, value: Any) -> None:
        coordinate = f"{PROFILE_VALUE_COLUMN}{row}"
        if name.startswith(CHALLENGE_PREFIX) and "challenges" in self.asked:
            self.read_challenge(row, name, value, coordinate)
        elif name not in self.asked or name == "challenges":
            self.errors.append(_unknown_field(row, name))
        else:
            self.read_field(name, value, coordinate)

    def read_challenge(self, row: int, name: str, value: Any, coordinate: str) -> None:
        key = name.removeprefix(CHALLENGE_PREFIX)
        if key not in Challenge.values:
            self.errors.append(_unknown_field(row, name))
            return
        self.challenge_seen = True
        try:
            points = clean_profile_value("challenges", {key: _whole(value)}).get(key)
        except SubmissionError as error:
            self.errors.append(_error(PROFILE, coordinate, str(error)))
            return
        self.challenges[key] = points

    def read_field(self, name: str, value: Any, coordinate: str) -> None:
        try:
            cleaned = clean_profile_value(name, _profile_cell(name, value))
        except SubmissionError as error:
            self.errors.append(_error(PROFILE, coordinate, str(error)))
            return
        if getattr(self.submission, name) != cleaned:
            self.changed[name] = cleaned
        else:
            self.unchanged += 1

    def merge_challenges(self) -> None:
        """Count the challenges as one field: changed if any rating changed."""
        if not self.challenge_seen:
            return
        before = self.submission.challenges or {}
        merged = dict(before)
        for key, points in self.challenges.items():
            if points is None:
                merged.pop(key, None)
            else:
                merged[key] = points
        if merged != before:
            self.changed["challenges"] = merged
        else:
            self.unchanged += 1


def _read_profile(rows: list[tuple], submission, errors: list[str]) -> tuple[dict, int]:
    reading = _ProfileReading(submission, errors)
    for row in range(2, len(rows) + 1):
        name = _value(rows, f"A{row}")
        if not _blank(name):
            reading.read_row(row, str(name).strip(), _value(rows, f"{PROFILE_VALUE_COLUMN}{row}"))
    reading.merge_challenges()
    return reading.changed, reading.unchanged


def _read_section(
    name: str, rows: list[tuple], node, errors: list[str]
) -> tuple[list[tuple[Any, Any]], int]:
    """Return the changed answers of a section's sheet and how many were unchanged."""
    items = {item.criterion.code: item for item in node.items}
    answers: list[tuple[Any, Any]] = []
    unchanged = 0
    for row in range(2, len(rows) + 1):
        code = _value(rows, f"A{row}")
        if _blank(code):
            continue
        item = items.get(str(code).strip())
        if item is None:
            errors.append(_error(name, f"A{row}", _("unknown question %(code)s") % {"code": code}))
            continue
        if not item.kind.has_value:
            continue
        coordinate = f"{ANSWER_COLUMN}{row}"
        try:
            cleaned = _read_answer(item.criterion, _value(rows, coordinate))
        except ValueError as error:
            errors.append(_error(name, coordinate, str(error)))
            continue
        if item.value != cleaned:
            answers.append((item.criterion, cleaned))
        else:
            unchanged += 1
    return answers, unchanged


def _check_about(reader: "_SheetReader", submission: Submission) -> None:
    """Refuse (WorkbookInvalid) a workbook of another submission or format."""
    if ABOUT not in reader.book.sheetnames:
        raise WorkbookInvalid([_("The sheet '%(sheet)s' is missing.") % {"sheet": ABOUT}])
    about = reader.rows(ABOUT)
    found = _value(about, SUBMISSION_CELL)
    if str(found).strip() != str(submission.pk):
        raise WorkbookInvalid(
            [
                _error(
                    ABOUT,
                    SUBMISSION_CELL,
                    _("this workbook is for submission %(found)s, not %(expected)s")
                    % {"found": found, "expected": submission.pk},
                )
            ]
        )
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


def _read_workbook(reader: _SheetReader, submission: Submission) -> tuple[dict, list, int]:
    """Return the changed profile fields, the changed answers and the count of unchanged ones.

    Raises WorkbookInvalid listing every problem found, or only the limit passed.
    """
    _check_about(reader, submission)
    errors: list[str] = []
    sections = sheet_names(_tree(submission))
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
        node = sections.get(name)
        if node is None:
            errors.append(_("sheet '%(sheet)s': not a sheet of this workbook") % {"sheet": name})
            continue
        changed, unchanged_answers = _read_section(name, reader.rows(name), node, errors)
        answers.extend(changed)
        unchanged += unchanged_answers
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
