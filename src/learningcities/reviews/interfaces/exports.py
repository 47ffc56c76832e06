"""The audit exports of a panel's work: assignments (with recusals) and raw scores, as rows.

The same rows serve the CSV downloads and the API. CSV cells are safe to open
in a spreadsheet: a text that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return is prefixed with ``'`` so it is never read as a formula
(OWASP "CSV injection"); numbers and dates are written as they are.
"""

import csv
import io
from collections.abc import Iterable, Iterator

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ASSIGNMENT_COLUMNS = [
    "juror_id",
    "juror",
    "juror_email",
    "submission_id",
    "city",
    "country_code",
    "assigned_at",
    "method",
    "review_state",
    "recused",
    "recused_at",
    "recusal_reason",
]
SCORE_COLUMNS = [
    "submission_id",
    "city",
    "country_code",
    "juror_id",
    "juror",
    "criterion_code",
    "criterion",
    "score",
    "comment",
    "recommendation",
    "overall_comment",
    "submitted_at",
]


def safe_cell(value) -> object:
    """Return ``value`` for a CSV cell: texts that could start a formula get a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _moment(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def assignment_row(assignment) -> dict:
    """One assignment as a row of ``ASSIGNMENT_COLUMNS`` (not recused: it still stands)."""
    submission, juror = assignment.submission, assignment.juror
    review = getattr(assignment, "review", None)
    return {
        "juror_id": juror.pk,
        "juror": juror.name,
        "juror_email": juror.email,
        "submission_id": submission.pk,
        "city": submission.city.name,
        "country_code": submission.country_id,
        "assigned_at": _moment(assignment.created_at),
        "method": assignment.method,
        "review_state": review.state if review else "not_started",
        "recused": False,
        "recused_at": "",
        "recusal_reason": "",
    }


def recusal_row(recusal) -> dict:
    """One recusal as a row of ``ASSIGNMENT_COLUMNS``: the assignment it removed is gone."""
    submission, juror = recusal.submission, recusal.juror
    return {
        "juror_id": juror.pk,
        "juror": juror.name,
        "juror_email": juror.email,
        "submission_id": submission.pk,
        "city": submission.city.name,
        "country_code": submission.country_id,
        "assigned_at": "",
        "method": "",
        "review_state": "",
        "recused": True,
        "recused_at": _moment(recusal.created_at),
        "recusal_reason": recusal.reason,
    }


def score_row(score) -> dict:
    """One score of a submitted review as a row of ``SCORE_COLUMNS``."""
    review = score.review
    assignment = review.assignment
    submission, juror = assignment.submission, assignment.juror
    return {
        "submission_id": submission.pk,
        "city": submission.city.name,
        "country_code": submission.country_id,
        "juror_id": juror.pk,
        "juror": juror.name,
        "criterion_code": score.criterion.code,
        "criterion": score.criterion.title,
        "score": score.value,
        "comment": score.comment,
        "recommendation": review.recommendation,
        "overall_comment": review.comment,
        "submitted_at": _moment(review.submitted_at),
    }


def _csv_value(value) -> object:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return safe_cell(value)


def csv_lines(columns: list[str], rows: Iterable[dict]) -> Iterator[str]:
    """Yield the CSV text of ``rows`` line by line, the header first (for a streamed response)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    yield out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([_csv_value(row[column]) for column in columns])
        yield out.getvalue()
