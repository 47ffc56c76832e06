"""Offline workbooks of a questionnaire: an .xlsx to fill in without a connection.

The engine's part of every questionnaire's workbook (an application's, a
progress report's): one sheet per section of the questionnaire tree with a
row per question and its answer cell (the answer type's ``cell_hint``,
``cell_choices``, ``write_cell`` and ``read_cell``), the "About" sheet of the
identity and format cells, and the safe reading of an upload. Only answer
cells are unlocked, and every text is written as text, never as a formula.

An upload is a small zip that can unpack to far more than it weighs, so
``read_upload`` checks the archive before openpyxl opens it and reads within
the limits below (issue 11). Every problem found raises ``WorkbookErrors``,
whose ``errors`` list them by sheet and cell; the app that owns the answers
turns it into its own error and saves nothing.
"""

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from learningcities.common.validators import declared_directory

from .answers import answer_kind

ABOUT = "About"
ANSWER_COLUMN = "E"
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


class WorkbookErrors(Exception):
    """The workbook cannot be imported; ``errors`` lists every problem found, by cell."""

    def __init__(self, errors: list[str]):
        super().__init__(errors)
        self.errors = errors


# Writing


def sheet_names(sections, *, reserved: tuple[str, ...] = (ABOUT,)) -> dict[str, Any]:
    """Return ``{sheet name: section}`` of ``sections`` (anything with a code and a title).

    A name is ``code title`` cut to Excel's 31 characters, made unique and
    unlike the ``reserved`` names (the workbook's own sheets).
    """
    names: dict[str, Any] = {}
    for section in sections:
        base = _BAD_SHEET_CHARS.sub(" ", f"{section.code} {section.title}").strip()[:31]
        name, number = base, 2
        while name in names or name in reserved:
            suffix = f" ({number})"
            name, number = base[: 31 - len(suffix)] + suffix, number + 1
        names[name] = section
    return names


def append_row(sheet, values: list[Any]) -> None:
    """Append ``values`` as the sheet's next row, every ``str`` as a literal text.

    openpyxl takes a text starting with "=" for a formula (and "#N/A" for an
    error): an answer "=HYPERLINK(...)" would become a live link in the city's
    spreadsheet and, read back, lose its text. Nothing a workbook writes is
    a formula, so every text is forced to a string cell.
    """
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def list_validation(sheet, values: list[str], cells: list[str]) -> None:
    """Offer ``values`` as a drop-down list in ``cells`` (refusing anything else)."""
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


def header_row(sheet, titles: list[str]) -> None:
    """Write the sheet's first row, in bold."""
    append_row(sheet, titles)
    for cell in sheet[1]:
        cell.font = BOLD


@dataclass(frozen=True)
class ExtraColumn:
    """A column after the guidance, filled for the questions it ``applies`` to.

    ``write(item)`` gives the cell's value. With ``read`` the cell is unlocked
    and read back: ``read(item, value)`` returns what the app stores (a blank
    cell included) or raises ValueError with the reason. Without it the cell
    is information, locked and never read.
    """

    key: str
    title: str
    width: int
    applies: Callable[[Any], bool]
    write: Callable[[Any], Any]
    read: Callable[[Any, Any], Any] | None = None


_SECTION_COLUMNS = (10, 50, 14, 24, 60, 50)  # code, question, type, limits, answer, guidance


def _extra_letter(index: int) -> str:
    return get_column_letter(len(_SECTION_COLUMNS) + 1 + index)


def write_section(book, name: str, node, *, extra: tuple[ExtraColumn, ...] = ()) -> None:
    """Add the sheet of one section: a row a criterion, its answer cell unlocked if it has one.

    Columns: code, question, answer type, limits, answer (``ANSWER_COLUMN``),
    guidance, then the ``extra`` columns.
    """
    sheet = book.create_sheet(name)
    header_row(
        sheet,
        [
            _("Code"),
            _("Question"),
            _("Answer type"),
            _("Limits"),
            _("Answer"),
            _("Guidance"),
            *(column.title for column in extra),
        ],
    )
    lists: dict[tuple[str, ...], list[str]] = {}
    for row, item in enumerate(node.items, start=2):
        criterion, kind = item.criterion, item.kind
        applying = [column.applies(item) for column in extra]
        append_row(
            sheet,
            [
                criterion.code,
                criterion.title,
                str(criterion.get_answer_type_display()),
                kind.cell_hint(criterion),
                kind.write_cell(criterion, item.answer),
                criterion.guidance,
                *(
                    column.write(item) if applies else None
                    for column, applies in zip(extra, applying, strict=True)
                ),
            ],
        )
        for index, (column, applies) in enumerate(zip(extra, applying, strict=True)):
            cell = sheet[f"{_extra_letter(index)}{row}"]
            cell.alignment = WRAP
            if applies and column.read is not None:
                cell.protection = UNLOCKED
        cell = sheet[f"{ANSWER_COLUMN}{row}"]
        cell.alignment = WRAP
        if not kind.has_value:
            continue  # evidence is uploaded on the site
        cell.protection = UNLOCKED
        choices = kind.cell_choices(criterion)
        if choices:
            lists.setdefault(tuple(choices), []).append(cell.coordinate)
    for values, cells in lists.items():
        list_validation(sheet, list(values), cells)
    sheet.protection.sheet = True
    widths = (*_SECTION_COLUMNS, *(column.width for column in extra))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def write_about(book, rows: list[tuple[str, Any]]) -> None:
    """Add the "About" sheet: a title row, then a label and a value a row (row 2 first)."""
    about = book.create_sheet(ABOUT)
    header_row(about, [_("About this workbook"), ""])
    for label, value in rows:
        append_row(about, [label, value])
    about.protection.sheet = True
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 60


# Reading: errors by cell


def cell_error(sheet: str, coordinate: str, reason: str) -> str:
    """Return ``sheet 'X', cell D7: reason``."""
    where = _("sheet '%(sheet)s', cell %(cell)s") % {"sheet": sheet, "cell": coordinate}
    return f"{where}: {reason}"


def not_a_sheet(name: str) -> str:
    return _("sheet '%(sheet)s': not a sheet of this workbook") % {"sheet": name}


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def whole(value: Any) -> Any:
    """Return a float cell holding a whole number as an int (spreadsheets store 3 as 3.0)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def cell_value(rows: list[tuple], coordinate: str) -> Any:
    """Return the value at ``coordinate`` ("E7") of a sheet's ``rows``; None past them."""
    row, column = coordinate_to_tuple(coordinate)
    values = rows[row - 1] if row <= len(rows) else ()
    return values[column - 1] if column <= len(values) else None


def read_answer(criterion, value: Any) -> Any:
    """Return the cell's value as the answer type stores it; raise ValueError with the reason."""
    if blank(value):
        return None
    return answer_kind(criterion).read_cell(criterion, value)


@dataclass
class RowReading:
    """One question's row read without error: its answer and its extra cells, by key."""

    item: Any
    value: Any
    extra: dict[str, Any] = field(default_factory=dict)


def read_section(
    name: str,
    rows: list[tuple],
    node,
    errors: list[str],
    *,
    extra: tuple[ExtraColumn, ...] = (),
) -> list[RowReading]:
    """Return the rows of a section's sheet read without error; add the others' to ``errors``.

    A question that takes no value (evidence only) is skipped; an unknown
    code is an error on its cell.
    """
    items = {item.criterion.code: item for item in node.items}
    readings: list[RowReading] = []
    for row in range(2, len(rows) + 1):
        code = cell_value(rows, f"A{row}")
        if blank(code):
            continue
        item = items.get(str(code).strip())
        if item is None:
            errors.append(
                cell_error(name, f"A{row}", _("unknown question %(code)s") % {"code": code})
            )
            continue
        if not item.kind.has_value:
            continue
        found = len(errors)
        coordinate = f"{ANSWER_COLUMN}{row}"
        value = None
        try:
            value = read_answer(item.criterion, cell_value(rows, coordinate))
        except ValueError as error:
            errors.append(cell_error(name, coordinate, str(error)))
        reading = RowReading(item, value)
        for index, column in enumerate(extra):
            if column.read is None or not column.applies(item):
                continue
            coordinate = f"{_extra_letter(index)}{row}"
            try:
                reading.extra[column.key] = column.read(item, cell_value(rows, coordinate))
            except ValueError as error:
                errors.append(cell_error(name, coordinate, str(error)))
        if len(errors) == found:
            readings.append(reading)
    return readings


def check_about(
    reader: "SheetReader",
    *,
    identity_cell: str,
    identity: object,
    mismatch: Callable[[Any], str],
    format_cell: str,
    format_version: str,
) -> None:
    """Refuse (WorkbookErrors) a workbook without the About sheet, of another owner or format.

    ``mismatch(found)`` says whose the workbook is when ``identity_cell`` does
    not hold ``identity``.
    """
    if ABOUT not in reader.book.sheetnames:
        raise WorkbookErrors([_("The sheet '%(sheet)s' is missing.") % {"sheet": ABOUT}])
    about = reader.rows(ABOUT)
    found = cell_value(about, identity_cell)
    if str(found).strip() != str(identity):
        raise WorkbookErrors([cell_error(ABOUT, identity_cell, mismatch(found))])
    if cell_value(about, format_cell) != format_version:
        raise WorkbookErrors(
            [
                cell_error(
                    ABOUT,
                    format_cell,
                    _("unknown format %(found)s (expected %(expected)s)")
                    % {"found": cell_value(about, format_cell), "expected": format_version},
                )
            ]
        )


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


def _not_a_workbook(error: Exception) -> WorkbookErrors:
    return WorkbookErrors(
        [_("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": error}]
    )


def _grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


def _too_complex(*, whole_parts: bool) -> WorkbookErrors:
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
    return WorkbookErrors([message])


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
    """Refuse (WorkbookErrors) an archive past the limits, before openpyxl opens it.

    The unpacked sizes are those the archive's directory declares: zipfile,
    which openpyxl reads through too, never unpacks more of a member than
    declared (a member holding more fails its checksum, refused here).
    """
    too_many_parts = WorkbookErrors(
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
                raise WorkbookErrors(
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


class SheetReader:
    """Read a read-only workbook's sheets, refusing as soon as one passes a limit."""

    def __init__(self, book):
        self.book = book
        self.cells = 0

    def rows(self, name: str) -> list[tuple]:
        """Return the values of sheet ``name`` by row, row 1 first; a row not in the file is ().

        Refuses (WorkbookErrors) a sheet of more than MAX_ROWS rows or a
        workbook of more than MAX_CELLS cells, each row counted up to its last
        cell, before reading any further.
        """
        sheet = self.book[name]
        if not hasattr(sheet, "reset_dimensions"):  # a chart sheet
            raise WorkbookErrors([not_a_sheet(name)])
        # The range a file declares may be wrong (some tools write "A1" or
        # none) and openpyxl would pad or cut every row to it: read the rows
        # and cells the sheet holds instead.
        sheet.reset_dimensions()
        rows: list[tuple] = []
        try:
            for values in sheet.iter_rows(values_only=True):
                if len(rows) == MAX_ROWS:
                    raise WorkbookErrors(
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
                    raise WorkbookErrors(
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


@contextmanager
def read_upload(data: bytes) -> Iterator[SheetReader]:
    """Check the uploaded ``data`` within the limits and open it to read, sheet by sheet.

    Refuses (WorkbookErrors) an archive past a limit or a file that is not an
    .xlsx workbook. The workbook is read-only: rows stream from the archive
    instead of every cell becoming an object, and it is closed on leaving.
    """
    _check_archive(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _UNREADABLE as error:
        raise _not_a_workbook(error) from None
    try:
        yield SheetReader(book)
    finally:
        book.close()  # a read-only workbook holds its archive open until closed
