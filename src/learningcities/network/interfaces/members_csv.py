"""The member list file: reading and checking it, and writing it (CSV or JSON).

The format is a stable interface (DESIGN.md): UTF-8 CSV with a header; columns
``city``, ``country`` (ISO 3166-1 alpha-2) and ``joined`` (``YYYY``,
``YYYY-MM`` or ``YYYY-MM-DD``) required; ``population``, ``latitude``,
``longitude``, ``local_name``, ``admin_area``, ``cohort`` and ``source``
optional. Any other column is refused by name, so a misspelt one is caught.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from django.utils.translation import gettext as _

from learningcities.common.text import fold

from ..dates import PartialDate, PartialDateError
from ..domain.imports import MemberRow, MembersImportError, RowError, duplicate_error
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
)

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
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise MembersImportError(
                [
                    RowError(
                        None,
                        _("This is %(kind)s, not a CSV file; save the list as CSV (UTF-8).")
                        % {"kind": kind},
                    )
                ]
            )
    nul = data.find(b"\x00")
    if nul >= 0:
        raise MembersImportError(
            [
                RowError(
                    _line_of(data, nul),
                    _("This is a binary file, not CSV text (a NUL byte at byte offset %(offset)d).")
                    % {"offset": nul},
                )
            ]
        )
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


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_members(data: bytes, *, undated: list | None = None) -> list[MemberRow]:
    """Return the checked rows of a member list (bytes); raise MembersImportError otherwise.

    Every row is checked and every problem reported with its line (the
    physical line in the file; the header is line 1).
    """
    text = decode_members(data)
    errors: list[RowError] = []
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
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise MembersImportError([RowError(1, _csv_problem(error))]) from None
    columns = _check_header(header, errors)
    if errors:
        raise MembersImportError(errors)
    country_codes = set(Country.objects.values_list("code", flat=True))
    rows: list[MemberRow] = []
    # Duplicates are found on the raw names, so a city listed twice is reported
    # even when one of its rows has other problems too.
    first_line_of: dict[tuple[str, str], int] = {}
    previous_line = reader.line_num
    count = 0
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            errors.append(RowError(reader.line_num, _csv_problem(error)))
            break
        if cells is None:
            break
        line, previous_line = previous_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a row of empty cells left by a spreadsheet
        count += 1
        if count > MAX_ROWS:
            raise MembersImportError(
                [
                    RowError(
                        line,
                        _("The file has more than %(limit)d rows; split it and import the parts.")
                        % {"limit": MAX_ROWS},
                    )
                ]
            )
        row_errors: list[RowError] = []
        row = _check_row(line, cells, columns, country_codes, row_errors)
        values = dict(zip(columns, cells, strict=False))
        key = (values.get("country", "").strip().upper(), fold(values.get("city", "")))
        if all(key):
            if key in first_line_of:
                row_errors.append(
                    duplicate_error(
                        values.get("city", "").strip(), key[0], first_line_of[key], line
                    )
                )
            else:
                first_line_of[key] = line
        empty_joined = _("the %(column)s cell is empty.") % {"column": "joined"}
        if undated is not None and [e.message for e in row_errors] == [empty_joined]:
            values = dict(zip(columns, cells, strict=False))
            undated.append((line, values.get("city", ""), values.get("country", "")))
            continue
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
        if len(errors) >= MAX_ERRORS:
            errors.append(
                RowError(
                    None,
                    _("Stopped after %(count)d problems; correct these first.")
                    % {"count": MAX_ERRORS},
                )
            )
            raise MembersImportError(errors)
    if count == 0 or (undated and not rows and not errors):
        errors.append(RowError(None, _("The file has a header but no data rows.")))
    if errors:
        raise MembersImportError(sorted(errors, key=lambda e: (e.line or 0, e.message)))
    return rows


def _csv_problem(error: csv.Error) -> str:
    return _("the line cannot be read as CSV (%(reason)s).") % {"reason": error}


def _check_header(header: list[str] | None, errors: list[RowError]) -> list[str]:
    if header is None:
        errors.append(RowError(None, _("The file is empty.")))
        return []
    columns = [cell.strip().lower() for cell in header]
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    if len(columns) == 1 and ";" in columns[0] and "," not in columns[0]:
        errors.append(
            RowError(
                1,
                _("The columns are separated by semicolons; a member list uses commas."),
            )
        )
        return columns
    empty = [str(i) for i, name in enumerate(columns, start=1) if not name]
    if empty:
        errors.append(
            RowError(
                1,
                _("The header has columns without a name (column %(columns)s).")
                % {"columns": ", ".join(empty)},
            )
        )
    unknown = [name for name in columns if name and name not in known]
    if unknown:
        errors.append(
            RowError(
                1,
                _("Unknown columns: %(unknown)s. The columns are %(known)s.")
                % {
                    "unknown": ", ".join(unknown),
                    "known": ", ".join((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)),
                },
            )
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        errors.append(
            RowError(
                1,
                _("Columns named more than once: %(columns)s.") % {"columns": ", ".join(repeated)},
            )
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        errors.append(
            RowError(
                1,
                _("Required columns are missing: %(missing)s.") % {"missing": ", ".join(missing)},
            )
        )
    return columns


def _check_row(
    line: int,
    cells: list[str],
    columns: list[str],
    country_codes: set[str],
    errors: list[RowError],
) -> MemberRow | None:
    problems: list[str] = []
    if len(cells) > len(columns):
        problems.append(
            _("the row has %(cells)d cells but the header names %(columns)d columns.")
            % {"cells": len(cells), "columns": len(columns)}
        )
    values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(columns)}
    for name in REQUIRED_COLUMNS:
        if not values.get(name):
            problems.append(_("the %(column)s cell is empty.") % {"column": name})
    for name, limit in MAX_LENGTHS.items():
        if len(values.get(name, "")) > limit:
            problems.append(
                _("the %(column)s is longer than %(limit)d characters.")
                % {"column": name, "limit": limit}
            )
    code = values.get("country", "")
    if code and code.upper() not in country_codes:
        hint = _COMMON_CODE_MISTAKES.get(code.upper())
        message = _("%(code)s is not an ISO 3166-1 alpha-2 code.") % {"code": code}
        if hint:
            message += " " + _("Did you mean %(hint)s?") % {"hint": hint}
        problems.append(message)
    joined = None
    if values.get("joined"):
        try:
            joined = PartialDate.parse(values["joined"])
        except PartialDateError as error:
            problems.append(_("joined: %(reason)s") % {"reason": error})
    population = _population(values.get("population", ""), problems)
    latitude = _coordinate(values.get("latitude", ""), "latitude", 90, problems)
    longitude = _coordinate(values.get("longitude", ""), "longitude", 180, problems)
    if (values.get("latitude", "") == "") != (values.get("longitude", "") == ""):
        problems.append(_("give both latitude and longitude, or neither."))
    if problems:
        errors.extend(RowError(line, problem) for problem in problems)
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
    )


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
    """Write member rows as a JSON list of objects (unknown numbers as null); return the count."""
    items = [{column: row.get(column) for column in EXPORT_COLUMNS} for row in rows]
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(items)
