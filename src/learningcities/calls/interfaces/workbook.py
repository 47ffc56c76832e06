"""The offline workbook of an application: an .xlsx to fill in without a connection.

``export_workbook`` writes the profile, one sheet per framework section and an
"About" sheet; only the answer cells are unlocked, and every text is written as
text, never as a formula. ``import_workbook`` reads it back, checks every cell
and collects every error (``WorkbookInvalid``), saving nothing unless the whole
workbook is valid. The sections, the About sheet and the safe reading of an
upload within its limits are the questionnaire engine's
(``questionnaires.workbook``); the profile sheet is the application's own.
"""

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from learningcities.common.languages import language_codes
from learningcities.questionnaires.profile import (
    ProfileField,
    ProfileKind,
)
from learningcities.questionnaires.tree import by_criterion, questionnaire_tree
from learningcities.questionnaires.workbook import (
    ABOUT,
    UNLOCKED,
    WRAP,
    SheetReader,
    WorkbookErrors,
    append_row,
    blank,
    cell_error,
    cell_value,
    check_about,
    header_row,
    list_validation,
    not_a_sheet,
    read_section,
    read_upload,
    whole,
    write_about,
    write_section,
)
from learningcities.questionnaires.workbook import sheet_names as section_sheet_names

from ..domain.errors import SubmissionError
from ..domain.profile import profile_fields_for, profile_names_for
from ..domain.submissions import DECIMAL_FIELDS, INTEGER_FIELDS, clean_profile_value
from ..domain.workbook import ImportSummary, save_workbook
from ..enums import CHALLENGE_MAX, CHALLENGE_MIN, Challenge
from ..models import Submission
from ..rules import can_change_submission, is_coordinator_of_submission

FORMAT_VERSION = "lc-workbook-1"
PROFILE = "Profile"
CHALLENGE_PREFIX = "challenges."
PROFILE_VALUE_COLUMN = "C"
SUBMISSION_CELL = "B4"
FORMAT_CELL = "B5"


class WorkbookInvalid(SubmissionError):
    """The workbook cannot be imported; ``errors`` lists every problem found, by cell."""

    def __init__(self, errors: list[str]):
        super().__init__(_("The workbook has errors; nothing was saved."), code="workbook_invalid")
        self.errors = errors


def sheet_names(sections) -> dict[str, Any]:
    """Return ``{sheet name: section}`` of ``sections`` (anything with a code and a title).

    A name is ``code title`` cut to Excel's 31 characters, made unique and
    unlike the About and Profile sheets.
    """
    return section_sheet_names(sections, reserved=(ABOUT, PROFILE))


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


def _write_profile(book, submission: Submission) -> None:
    profile = book.active
    profile.title = PROFILE
    header_row(profile, [_("Field"), _("Label"), _("Value"), _("Help and limits")])
    challenge_cells = []
    for index, (name, label, value, help_text) in enumerate(_profile_rows(submission), start=2):
        append_row(profile, [name, label, value, help_text])
        cell = profile[f"{PROFILE_VALUE_COLUMN}{index}"]
        cell.protection = UNLOCKED
        cell.alignment = WRAP
        if name.startswith(CHALLENGE_PREFIX):
            challenge_cells.append(cell.coordinate)
        if name == "communication_language":
            list_validation(profile, language_codes(), [cell.coordinate])
    list_validation(
        profile, [str(n) for n in range(CHALLENGE_MIN, CHALLENGE_MAX + 1)], challenge_cells
    )
    profile.protection.sheet = True
    for column, width in zip("ABCD", (24, 40, 60, 30), strict=True):
        profile.column_dimensions[column].width = width


def _write_about(book, submission: Submission) -> None:
    write_about(
        book,
        [
            (_("Call"), submission.call.title),
            (_("City"), str(submission.city)),
            (_("Submission"), submission.pk),
            (_("Format version"), FORMAT_VERSION),
        ],
    )


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
        write_section(book, name, node)
    _write_about(book, submission)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


# Reading


def _unknown_field(row: int, name: str) -> str:
    return cell_error(PROFILE, f"A{row}", _("unknown field %(name)s") % {"name": name})


def _profile_cell(name: str, value: Any) -> Any:
    """Return a profile cell's value as ``clean_profile_value`` takes it."""
    if name in INTEGER_FIELDS:
        return whole(value)
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
            points = clean_profile_value("challenges", {key: whole(value)}).get(key)
        except SubmissionError as error:
            self.errors.append(cell_error(PROFILE, coordinate, str(error)))
            return
        self.challenges[key] = points

    def read_field(self, name: str, value: Any, coordinate: str) -> None:
        try:
            cleaned = clean_profile_value(name, _profile_cell(name, value))
        except SubmissionError as error:
            self.errors.append(cell_error(PROFILE, coordinate, str(error)))
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
        name = cell_value(rows, f"A{row}")
        if not blank(name):
            value = cell_value(rows, f"{PROFILE_VALUE_COLUMN}{row}")
            reading.read_row(row, str(name).strip(), value)
    reading.merge_challenges()
    return reading.changed, reading.unchanged


def _read_section(
    name: str, rows: list[tuple], node, errors: list[str]
) -> tuple[list[tuple[Any, Any]], int]:
    """Return the changed answers of a section's sheet and how many were unchanged."""
    answers: list[tuple[Any, Any]] = []
    unchanged = 0
    for reading in read_section(name, rows, node, errors):
        if reading.item.value != reading.value:
            answers.append((reading.item.criterion, reading.value))
        else:
            unchanged += 1
    return answers, unchanged


def _check_about(reader: SheetReader, submission: Submission) -> None:
    """Refuse (WorkbookErrors) a workbook of another submission or format."""
    check_about(
        reader,
        identity_cell=SUBMISSION_CELL,
        identity=submission.pk,
        mismatch=lambda found: (
            _("this workbook is for submission %(found)s, not %(expected)s")
            % {"found": found, "expected": submission.pk}
        ),
        format_cell=FORMAT_CELL,
        format_version=FORMAT_VERSION,
    )


def _read_workbook(reader: SheetReader, submission: Submission) -> tuple[dict, list, int]:
    """Return the changed profile fields, the changed answers and the count of unchanged ones.

    Raises WorkbookErrors listing every problem found, or only the limit passed.
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
            errors.append(not_a_sheet(name))
            continue
        changed, unchanged_answers = _read_section(name, reader.rows(name), node, errors)
        answers.extend(changed)
        unchanged += unchanged_answers
    if errors:
        raise WorkbookErrors(errors)
    return profile, answers, unchanged


def import_workbook(submission: Submission, data: bytes, *, actor) -> ImportSummary:
    """Read a workbook of ``submission`` and save its changed values, all or nothing.

    Every cell is checked first; any problem raises ``WorkbookInvalid`` listing
    them all (``sheet 'X', cell D7: reason``) and nothing is saved. A file past
    a limit (MAX_UNPACKED_BYTES, MAX_ROWS, MAX_CELLS... of the questionnaire
    engine's workbook) is refused as soon as it is found, with the limit named.
    A submission that can no longer be changed is refused (SubmissionError).
    Effects: see ``save_workbook``.
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
        with read_upload(data) as reader:
            profile, answers, unchanged = _read_workbook(reader, submission)
    except WorkbookErrors as error:
        raise WorkbookInvalid(error.errors) from None
    return save_workbook(
        submission, actor=actor, profile=profile, answers=answers, unchanged=unchanged
    )
