"""The offline workbook of an application: an .xlsx to fill in without a connection.

``export_workbook`` writes the profile, one sheet per framework section and an
"About" sheet; only the answer cells are unlocked. ``import_workbook`` reads
it back, checks every cell and collects every error (``WorkbookInvalid``),
saving nothing unless the whole workbook is valid.
"""

import io
import re
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.worksheet.datavalidation import DataValidation

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
    sheet.append(titles)
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
        profile.append([name, label, value, help_text])
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
                sheet.append(
                    [
                        criterion.code,
                        criterion.title,
                        str(criterion.get_answer_type_display()),
                        _limits(criterion),
                        _answer_cell(criterion, answers.get(criterion.pk)),
                        criterion.guidance,
                    ]
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
    about.append([_("Call"), submission.call.title])
    about.append([_("City"), str(submission.city)])
    about.append([_("Submission"), submission.pk])
    about.append([_("Format version"), FORMAT_VERSION])
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


def _read_profile(sheet, submission, errors: list[str]) -> tuple[dict, int]:
    changed: dict[str, Any] = {}
    unchanged = 0
    challenges: dict[str, Any] = {}
    challenge_cells: dict[str, str] = {}
    for row in range(2, sheet.max_row + 1):
        name = sheet[f"A{row}"].value
        coordinate = f"{PROFILE_VALUE_COLUMN}{row}"
        value = sheet[coordinate].value
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


def import_workbook(submission: Submission, data: bytes, *, actor) -> ImportSummary:
    """Read a workbook of ``submission`` and save its changed values, all or nothing.

    Every cell is checked first; any problem raises ``WorkbookInvalid`` listing
    them all (``sheet 'X', cell D7: reason``) and nothing is saved. A submission
    that can no longer be changed is refused (SubmissionError). Effects: see
    ``save_workbook``.
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
    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise WorkbookInvalid(
            [_("The file is not an Excel workbook (.xlsx): %(error)s") % {"error": error}]
        ) from None
    errors: list[str] = []
    if ABOUT not in book.sheetnames:
        raise WorkbookInvalid([_("The sheet '%(sheet)s' is missing.") % {"sheet": ABOUT}])
    about = book[ABOUT]
    if str(about[SUBMISSION_CELL].value).strip() != str(submission.pk):
        errors.append(
            _error(
                ABOUT,
                SUBMISSION_CELL,
                _("this workbook is for submission %(found)s, not %(expected)s")
                % {"found": about[SUBMISSION_CELL].value, "expected": submission.pk},
            )
        )
        raise WorkbookInvalid(errors)
    if about[FORMAT_CELL].value != FORMAT_VERSION:
        raise WorkbookInvalid(
            [
                _error(
                    ABOUT,
                    FORMAT_CELL,
                    _("unknown format %(found)s (expected %(expected)s)")
                    % {"found": about[FORMAT_CELL].value, "expected": FORMAT_VERSION},
                )
            ]
        )
    framework = framework_tree(submission.call.framework)
    sections = section_sheet_names(framework)
    current = {answer.criterion_id: answer for answer in submission.answers.all()}
    profile: dict[str, Any] = {}
    unchanged = 0
    answers: list[tuple[Any, Any]] = []
    for name in book.sheetnames:
        sheet = book[name]
        if name == ABOUT:
            continue
        if name == PROFILE:
            profile, unchanged_profile = _read_profile(sheet, submission, errors)
            unchanged += unchanged_profile
            continue
        section = sections.get(name)
        if section is None:
            errors.append(_("sheet '%(sheet)s': not a sheet of this workbook") % {"sheet": name})
            continue
        criteria = {c.code: c for area in section.areas.all() for c in area.criteria.all()}
        for row in range(2, sheet.max_row + 1):
            code = sheet[f"A{row}"].value
            coordinate = f"{ANSWER_COLUMN}{row}"
            value = sheet[coordinate].value
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
    return save_workbook(
        submission, actor=actor, profile=profile, answers=answers, unchanged=unchanged
    )
