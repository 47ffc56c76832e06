"""The CSV export of a call's submissions, one row per submission."""

import csv
import io
from collections.abc import Iterable, Iterator

from ..domain.completeness import completeness

HEADER = [
    "submission_id",
    "city",
    "country_code",
    "country",
    "region",
    "state",
    "created_at",
    "submitted_at",
    "endorsement_due_at",
    "updated_at",
    "completeness",
    "missing_items",
]


def _moment(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _row(submission) -> list:
    missing = completeness(submission)
    return [
        submission.pk,
        submission.city.name,
        submission.country_id,
        submission.country.name,
        submission.country.region,
        submission.state,
        _moment(submission.created_at),
        _moment(submission.submitted_at),
        _moment(submission.endorsement_due_at),
        _moment(submission.updated_at),
        "complete" if not missing else "incomplete",
        len(missing),
    ]


def submissions_csv_lines(submissions: Iterable) -> Iterator[str]:
    """Yield the CSV text of ``submissions`` line by line, the header first.

    Columns: city, country, region, state, dates, completeness
    (``complete`` or ``incomplete``) and the number of things still missing.
    For a streaming response: nothing holds more than one row.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    yield out.getvalue()
    for submission in submissions:
        out.seek(0)
        out.truncate()
        writer.writerow(_row(submission))
        yield out.getvalue()
