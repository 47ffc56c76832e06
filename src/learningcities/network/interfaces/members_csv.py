"""The member list file: reading and checking it, and writing it (CSV or JSON).

The format is a stable interface (DESIGN.md, docs/import-export.md): UTF-8 CSV
with a header, or a JSON list of objects with the same keys; columns ``city``,
``country`` (ISO 3166-1 alpha-2) and ``joined`` (``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``) required; ``population``, ``latitude``, ``longitude``,
``local_name``, ``admin_area``, ``cohort``, ``source``, ``status`` (active,
lapsed or withdrawn) and ``ended`` (``YYYY-MM-DD``) optional. Any other column
is refused by name, so a misspelt one is caught. Each row is one membership
period: a city that rejoined has a row per period, in order.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.common.text import fold

from ..dates import PartialDate, PartialDateError
from ..domain.imports import MemberRow, MembersImportError, RowError, duplicate_error, follows
from ..enums import MembershipStatus
from ..models import Country

REQUIRED_COLUMNS = ("city", "country", "joined")
OPTIONAL_COLUMNS = (
    "population",
    "latitude",
    "longitude",
    "local_name",
    "admin_area",
    "cohort",
    "source",
    "status",
    "ended",
)
EXPORT_COLUMNS = (
    "city",
    "country",
    "joined",
    "population",
    "latitude",
    "longitude",
    "local_name",
    "admin_area",
    "cohort",
    "source",
    "status",
    "ended",
)
STATUSES = (MembershipStatus.ACTIVE, MembershipStatus.LAPSED, MembershipStatus.WITHDRAWN)
EARLIEST_YEAR = 1900

# Limits that let a wrong file fail at once rather than fill memory. A list of
# every learning city in the world is a few hundred kilobytes.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_LINE_CHARS = 10_000
MAX_ERRORS = 1_000
MAX_LENGTHS = {
    "city": 200,
    "local_name": 200,
    "admin_area": 200,
    "cohort": 100,
    "source": 500,
}
MAX_POPULATION = 2_000_000_000

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_POPULATION = re.compile(r"^\d{1,3}(?:([,  _'])\d{3})?(?:\1\d{3})*$|^\d+$")
_COMMON_CODE_MISTAKES = {"UK": "GB", "EL": "GR", "KO": "KR", "SP": "ES", "RSA": "ZA"}
_MAGIC = (
    (b"PK\x03\x04", "an Excel workbook or a ZIP archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel or Word document"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def read_members_file(path: str | Path, *, undated: list | None = None) -> list[MemberRow]:
    """Read and check a member list; raise MembersImportError naming every problem.

    With ``undated`` (a list), rows whose only problem is an empty ``joined``
    cell are left out and listed there as (line, city, country) instead.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise MembersImportError([_too_large(size)])
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise MembersImportError(
            [
                RowError(
                    None,
                    _("Cannot read %(path)s: %(reason)s.")
                    % {"path": path, "reason": error.strerror or error},
                )
            ]
        ) from None
    return parse_members(data, undated=undated)


def _too_large(size: int) -> RowError:
    return RowError(
        None,
        _(
            "The file is %(size)s MB; a member list may be at most %(limit)s MB. "
            "Is this the right file?"
        )
        % {"size": _megabytes(size), "limit": _megabytes(MAX_FILE_BYTES)},
    )


def decode_members(data: bytes) -> str:
    """Return the text of a member list, or raise MembersImportError if it is not UTF-8 text."""
    if len(data) > MAX_FILE_BYTES:
        raise MembersImportError([_too_large(len(data))])
    if not data.strip():
        raise MembersImportError([RowError(None, _("The file is empty."))])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise MembersImportError(
            [RowError(None, _("The file is in UTF-16; save it as CSV in UTF-8 and try again."))]
        )
    if problem := _binary_problem(data):
        raise MembersImportError([problem])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1].hex()
        raise MembersImportError(
            [
                RowError(
                    _line_of(data, error.start),
                    _(
                        "The file is not UTF-8: byte 0x%(byte)s at byte offset %(offset)d "
                        "cannot be read. Save it as CSV in UTF-8 and try again."
                    )
                    % {"byte": bad, "offset": error.start},
                )
            ]
        ) from None


def _binary_problem(data: bytes) -> RowError | None:
    """Return why ``data`` is a known binary format or holds a NUL byte (None: neither)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return RowError(
                None,
                _("This is %(kind)s, not a CSV file; save the list as CSV (UTF-8).")
                % {"kind": kind},
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        return RowError(
            _line_of(data, nul),
            _("This is a binary file, not CSV text (a NUL byte at byte offset %(offset)d).")
            % {"offset": nul},
        )
    return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_members(data: bytes, *, undated: list | None = None) -> list[MemberRow]:
    """Return the checked rows of a member list (bytes); raise MembersImportError otherwise.

    The list is CSV, or JSON when its text starts with ``[`` or ``{`` (what
    export-members writes with --format json). Every row is checked and every
    problem reported with its line (the physical line in a CSV file; the header
    is line 1) or, in JSON, its item (the first is item 1).
    """
    text = decode_members(data)
    if text.lstrip()[:1] in ("[", "{"):
        return _parse_json(text, undated=undated)
    _check_line_lengths(text)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise MembersImportError([RowError(1, _csv_problem(error))]) from None
    errors: list[RowError] = []
    columns, unnamed = _check_header(header, errors)
    if errors:
        raise MembersImportError(errors)
    checker = _RowChecker(columns, undated)
    for line, cells in _data_rows(reader, checker):
        extra = _extra_cells(cells, len(columns), unnamed)
        checker.check(line, cells[: len(columns)], extra=extra)
    return checker.finish()


def _check_line_lengths(text: str) -> None:
    """Raise MembersImportError at the first line too long for a member list."""
    for number, line in enumerate(io.StringIO(text, newline=None), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise MembersImportError(
                [
                    RowError(
                        number,
                        _(
                            "The line is %(length)d characters long; a line may have at most "
                            "%(limit)d. Is this a CSV member list?"
                        )
                        % {"length": len(line), "limit": MAX_LINE_CHARS},
                    )
                ]
            )


def _data_rows(reader, checker: _RowChecker) -> Iterator[tuple[int, list[str]]]:
    """Yield the physical line and the cells of each data row that is not blank.

    A row the CSV reader cannot read is reported to ``checker`` and ends the rows.
    """
    previous_line = reader.line_num
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            checker.errors.append(RowError(reader.line_num, _csv_problem(error)))
            return
        if cells is None:
            return
        line, previous_line = previous_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of empty cells left by a spreadsheet
        yield line, cells


def _extra_cells(cells: list[str], named: int, unnamed: int) -> list[str]:
    """Return the problems of the cells past the named columns (empty ones are padding)."""
    if len(cells) <= named or not any(cell.strip() for cell in cells[named:]):
        return []
    for position, cell in enumerate(cells[named:], start=named + 1):
        if cell.strip() and position <= named + unnamed:
            return [
                _("the row has “%(value)s” in column %(column)d, which has no name in the header.")
                % {"value": cell.strip()[:50], "column": position}
            ]
    return [
        _("the row has %(cells)d cells but the header names %(columns)d columns.")
        % {"cells": len(cells), "columns": named}
    ]


class _RowChecker:
    """Checks the data rows of one file, one by one, and gathers every problem."""

    def __init__(self, columns: list[str], undated: list | None, unit: str = "line") -> None:
        self.columns = columns
        self.undated = undated
        self.unit = unit
        self.country_codes = set(Country.objects.values_list("code", flat=True))
        self.rows: list[MemberRow] = []
        self.errors: list[RowError] = []
        self.count = 0
        # Every row of a city, checked or not: a city listed twice is reported
        # even when one of its rows has other problems too.
        self.seen: dict[tuple[str, str], tuple[int, MemberRow | None, str]] = {}

    def check(
        self,
        line: int,
        cells: list[str],
        *,
        extra: Sequence[str] = (),
        columns: list[str] | None = None,
    ) -> None:
        columns = columns if columns is not None else self.columns
        self._count_row(line)
        row_errors: list[RowError] = [RowError(line, problem, self.unit) for problem in extra]
        row = _check_row(line, cells, columns, self.country_codes, row_errors, self.unit)
        values = {name: cells[i].strip() for i, name in enumerate(columns) if i < len(cells)}
        row_errors += self._repeat_errors(line, values, row)
        if self._only_undated(row_errors):
            self.undated.append((line, values.get("city", ""), values.get("country", "")))
            self.count -= 1
            return
        self.errors.extend(row_errors)
        if row is not None:
            self.rows.append(row)
        self._stop_if_too_many()

    def _count_row(self, line: int) -> None:
        """Count a row; raise MembersImportError when there are more than a file may hold."""
        self.count += 1
        if self.count > MAX_ROWS:
            raise MembersImportError(
                [
                    RowError(
                        line,
                        _("The file has more than %(limit)d rows; split it and import the parts.")
                        % {"limit": MAX_ROWS},
                        self.unit,
                    )
                ]
            )

    def _repeat_errors(
        self, line: int, values: dict[str, str], row: MemberRow | None
    ) -> list[RowError]:
        """Remember the row of its city; return the error if it repeats the city's last row."""
        key = (values.get("country", "").upper(), fold(values.get("city", "")))
        if not all(key):
            return []
        earlier = self.seen.get(key)
        period = "|".join(values.get(c, "").lower() for c in ("joined", "status", "ended"))
        self.seen[key] = (line, row, period)
        if earlier is None or not _repeats(earlier, row, period):
            return []
        return [duplicate_error(values.get("city", ""), key[0], earlier[0], line, unit=self.unit)]

    def _only_undated(self, row_errors: list[RowError]) -> bool:
        """Return whether undated rows are set aside and the row's one problem is its date."""
        empty_joined = _("the %(column)s cell is empty.") % {"column": "joined"}
        return self.undated is not None and [e.message for e in row_errors] == [empty_joined]

    def _stop_if_too_many(self) -> None:
        if len(self.errors) >= MAX_ERRORS:
            self.errors.append(
                RowError(
                    None,
                    _("Stopped after %(count)d problems; correct these first.")
                    % {"count": MAX_ERRORS},
                )
            )
            raise MembersImportError(self.errors)

    def finish(self) -> list[MemberRow]:
        """Return the checked rows, or raise MembersImportError with every problem found."""
        if not self.rows and not self.errors:
            self.errors.append(RowError(None, _("The file has a header but no data rows.")))
        if self.errors:
            raise MembersImportError(sorted(self.errors, key=lambda e: (e.line or 0, e.message)))
        return self.rows


def _repeats(
    earlier: tuple[int, MemberRow | None, str], row: MemberRow | None, period: str
) -> bool:
    """Return whether a row of a city repeats its earlier row rather than following it."""
    _line, earlier_row, earlier_period = earlier
    if earlier_row is not None and row is not None:
        return not follows(earlier_row, row)
    # One of the rows has other problems: only the very same period is sure to repeat.
    return period == earlier_period


def _parse_json(text: str, *, undated: list | None = None) -> list[MemberRow]:
    """Return the checked rows of a JSON member list: a list of objects keyed by the columns."""
    items = _json_items(text)
    checker = _RowChecker([], undated, unit="item")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            checker.count += 1
            checker.errors.append(
                RowError(
                    number,
                    _("the item is %(kind)s, not an object with the keys %(keys)s.")
                    % {"kind": _json_kind(item), "keys": ", ".join(REQUIRED_COLUMNS)},
                    "item",
                )
            )
            continue
        columns, cells, problems = _json_cells(item)
        checker.check(number, cells, extra=problems, columns=columns)
    return checker.finish()


def _json_items(text: str) -> list:
    """Return the items of a JSON member list; MembersImportError unless it is a JSON list."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise MembersImportError(
            [
                RowError(
                    None,
                    _(
                        "The file looks like JSON but cannot be read: %(reason)s at line "
                        "%(line)d, column %(column)d."
                    )
                    % {"reason": error.msg, "line": error.lineno, "column": error.colno},
                )
            ]
        ) from None
    if not isinstance(items, list):
        raise MembersImportError(
            [
                RowError(
                    None,
                    _(
                        "A JSON member list is a list of objects, one per membership "
                        '([{"city": …, "country": …, "joined": …}, …]); this file holds '
                        "%(kind)s."
                    )
                    % {"kind": _json_kind(items)},
                )
            ]
        )
    return items


def _json_cells(item: dict) -> tuple[list[str], list[str], list[str]]:
    """Return the columns, the cells (as a CSV file would hold them) and the problems of an item."""
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    columns = [str(key).strip().lower() for key in item]
    problems = []
    unknown = [name for name in columns if name not in known]
    if unknown:
        problems.append(
            _("unknown keys: %(unknown)s. The keys are %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(known)}
        )
    cells = []
    for name, value in zip(columns, item.values(), strict=True):
        cell, problem = _json_cell(name, value)
        cells.append(cell)
        if problem:
            problems.append(problem)
    return columns, cells, problems


def _json_cell(name: str, value) -> tuple[str, str]:
    """Return the text of a JSON value as a cell (null: empty) and its problem ("" if none)."""
    if value is None:
        return "", ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problem = _("the %(column)s value is %(kind)s, not text or a number.") % {
            "column": name,
            "kind": _json_kind(value),
        }
        return "", problem
    return (repr(value) if isinstance(value, float) else str(value)), ""


def _json_kind(value) -> str:
    if isinstance(value, dict):
        return _("an object")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, bool):
        return _("true or false")
    if value is None:
        return _("null")
    return _("a number")


def _csv_problem(error: csv.Error) -> str:
    return _("the line cannot be read as CSV (%(reason)s).") % {"reason": error}


def _named_columns(header: list[str]) -> tuple[list[str], int]:
    """Return the header's column names (lower case) and how many unnamed ones end it."""
    columns = [cell.strip().lower() for cell in header]
    unnamed = 0
    while columns and not columns[-1]:
        columns.pop()
        unnamed += 1
    return columns, unnamed


def _separated_by_semicolons(columns: list[str]) -> bool:
    return len(columns) == 1 and ";" in columns[0] and "," not in columns[0]


def _unnamed_columns_problem(columns: list[str]) -> str:
    empty = [str(i) for i, name in enumerate(columns, start=1) if not name]
    if not empty:
        return ""
    return _("The header has columns without a name (column %(columns)s).") % {
        "columns": ", ".join(empty)
    }


def _unknown_columns_problem(columns: list[str]) -> str:
    known = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
    unknown = [name for name in columns if name and name not in known]
    if not unknown:
        return ""
    return _("Unknown columns: %(unknown)s. The columns are %(known)s.") % {
        "unknown": ", ".join(unknown),
        "known": ", ".join(known),
    }


def _repeated_columns_problem(columns: list[str]) -> str:
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if not repeated:
        return ""
    return _("Columns named more than once: %(columns)s.") % {"columns": ", ".join(repeated)}


def _missing_columns_problem(columns: list[str]) -> str:
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if not missing:
        return ""
    return _("Required columns are missing: %(missing)s.") % {"missing": ", ".join(missing)}


# Each returns the problem of a header's columns ("" if none), in the order reported.
_HEADER_RULES = (
    _unnamed_columns_problem,
    _unknown_columns_problem,
    _repeated_columns_problem,
    _missing_columns_problem,
)


def _check_header(header: list[str] | None, errors: list[RowError]) -> tuple[list[str], int]:
    """Return the named columns and the number of unnamed ones after them.

    Spreadsheets often save a few empty columns after the last named one:
    they are ignored, as long as their cells are empty too. Adds the header's
    problems to ``errors``.
    """
    if header is None:
        errors.append(RowError(None, _("The file is empty.")))
        return [], 0
    columns, unnamed = _named_columns(header)
    if _separated_by_semicolons(columns):
        # Every other check would only repeat this one.
        errors.append(
            RowError(1, _("The columns are separated by semicolons; a member list uses commas."))
        )
        return columns, unnamed
    for rule in _HEADER_RULES:
        if problem := rule(columns):
            errors.append(RowError(1, problem))
    return columns, unnamed


def _check_row(
    line: int,
    cells: list[str],
    columns: list[str],
    country_codes: set[str],
    errors: list[RowError],
    unit: str = "line",
) -> MemberRow | None:
    """Return the row the cells describe, or None after adding its problems to ``errors``.

    Cells missing at the end of a short row count as empty.
    """
    values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(columns)}
    problems = _cell_problems(values)
    code = values.get("country", "")
    if problem := _country_problem(code, country_codes):
        problems.append(problem)
    today = timezone.localdate()
    joined = _joined(values.get("joined", ""), today, problems)
    status, ended = _status_and_end(values, joined, today, problems)
    population = _population(values.get("population", ""), problems)
    latitude, longitude = _coordinates(values, problems)
    if problems:
        errors.extend(RowError(line, problem, unit) for problem in problems)
        return None
    return MemberRow(
        line=line,
        city=values["city"],
        country=code.upper(),
        joined=joined,
        population=population,
        latitude=latitude,
        longitude=longitude,
        local_name=values.get("local_name", ""),
        admin_area=values.get("admin_area", ""),
        cohort=values.get("cohort", ""),
        source=values.get("source", ""),
        status=status,
        ended=ended,
        unit=unit,
    )


def _cell_problems(values: dict[str, str]) -> list[str]:
    """Return the problems of required cells left empty and of cells too long."""
    problems = [
        _("the %(column)s cell is empty.") % {"column": name}
        for name in REQUIRED_COLUMNS
        if not values.get(name)
    ]
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            problems.append(
                _("the %(column)s is longer than %(limit)d characters.")
                % {"column": name, "limit": limit}
            )
    return problems


def _country_problem(code: str, country_codes: set[str]) -> str:
    """Return why ``code`` is no country code ("" if it is one or is empty)."""
    if not code or code.upper() in country_codes:
        return ""
    message = _("%(code)s is not an ISO 3166-1 alpha-2 code.") % {"code": code}
    if hint := _COMMON_CODE_MISTAKES.get(code.upper()):
        message += " " + _("Did you mean %(hint)s?") % {"hint": hint}
    return message


def _joined(text: str, today: dt.date, problems: list[str]) -> PartialDate | None:
    """Return the joining date of the cell ``text``, or None (empty, or after naming a problem)."""
    if not text:
        return None
    try:
        joined = PartialDate.parse(text)
    except PartialDateError as error:
        problems.append(_("joined: %(reason)s") % {"reason": error})
        return None
    return _check_joined(joined, text, today, problems)


def _coordinates(values: dict[str, str], problems: list[str]) -> tuple[float | None, float | None]:
    """Return the latitude and longitude of a row (None when empty), naming any problem."""
    latitude_text, longitude_text = values.get("latitude", ""), values.get("longitude", "")
    latitude = _coordinate(latitude_text, "latitude", 90, problems)
    longitude = _coordinate(longitude_text, "longitude", 180, problems)
    if (latitude_text == "") != (longitude_text == ""):
        problems.append(_("give both latitude and longitude, or neither."))
    return latitude, longitude


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _check_joined(
    joined: PartialDate, text: str, today: dt.date, problems: list[str]
) -> PartialDate | None:
    """Return the joining date if it is plausible, else None after naming the problem."""
    if joined.start.year < EARLIEST_YEAR:
        problems.append(
            _("joined %(value)s is before %(year)d.") % {"value": text, "year": EARLIEST_YEAR}
        )
        return None
    if joined.start > _one_year_after(today):
        problems.append(_("joined %(value)s is more than a year in the future.") % {"value": text})
        return None
    return joined


def _status_and_end(
    values: dict[str, str], joined: PartialDate | None, today: dt.date, problems: list[str]
) -> tuple[str, dt.date | None]:
    """Return the status ("" when not given) and end date of a row, naming any problem."""
    status = values.get("status", "").lower()
    if status and status not in STATUSES:
        problems.append(
            _("status “%(value)s” is not one of %(statuses)s.")
            % {"value": values["status"], "statuses": ", ".join(STATUSES)}
        )
        return "", None
    text = values.get("ended", "")
    try:
        ended = _end_date(text)
    except ValueError:
        problems.append(
            _("ended “%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": text}
        )
        return status, None
    if problem := _end_problem(status, ended, joined=joined, today=today, text=text):
        problems.append(problem)
        return status, None
    return status, ended


def _end_date(text: str) -> dt.date | None:
    """Return the date of an ``ended`` cell (None if empty); ValueError unless YYYY-MM-DD."""
    if not text:
        return None
    if not _DAY.match(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _end_problem(
    status: str, ended: dt.date | None, *, joined: PartialDate | None, today: dt.date, text: str
) -> str:
    """Return what is wrong with the end date of a membership of ``status`` ("" if nothing)."""
    if status in ("", MembershipStatus.ACTIVE):
        if ended is None:
            return ""
        return _(
            "ended is given but the status is active; give the status lapsed or "
            "withdrawn, or leave ended empty."
        )
    if ended is None:
        return _("a %(status)s membership needs its ended date (YYYY-MM-DD).") % {"status": status}
    if ended > today:
        return _("ended %(value)s is after today; record an end once it has happened.") % {
            "value": text
        }
    if joined is not None and ended <= joined.end:
        return _("ended %(value)s is not after the membership began (%(start)s).") % {
            "value": text,
            "start": joined.end.isoformat(),
        }
    return ""


def _population(text: str, problems: list[str]) -> int | None:
    if not text:
        return None
    if not _POPULATION.match(text):
        problems.append(
            _("population “%(value)s” is not a whole number of 0 or more.") % {"value": text}
        )
        return None
    value = int(re.sub(r"\D", "", text))
    if value > MAX_POPULATION:
        problems.append(
            _("population %(value)s is more than any city has.") % {"value": f"{value:,}"}
        )
        return None
    return value


def _coordinate(text: str, name: str, limit: int, problems: list[str]) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(
            _("%(name)s “%(value)s” is not a number (use a dot as the decimal mark).")
            % {"name": name, "value": text}
        )
        return None
    if not math.isfinite(value) or not -limit <= value <= limit:
        problems.append(
            _("%(name)s %(value)s is out of range (-%(limit)d to %(limit)d).")
            % {"name": name, "value": text, "limit": limit}
        )
        return None
    return value


# --- writing ----------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_members_csv(rows: Iterable[dict], out: TextIO) -> int:
    """Write member rows (dicts keyed by EXPORT_COLUMNS) as CSV with a header; return the count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in EXPORT_COLUMNS])
        count += 1
    return count


def write_members_json(rows: Iterable[dict], out: TextIO) -> int:
    """Write member rows as a JSON list of objects (unknown numbers and dates as null).

    Returns the count. import-members reads the file back.
    """
    items = [{column: row.get(column) for column in EXPORT_COLUMNS} for row in rows]
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(items)
