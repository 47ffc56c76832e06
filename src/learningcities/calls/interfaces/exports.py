"""The CSV export of a call's submissions, one row per submission."""

import csv
import io

from ..domain.completeness import completeness


def _moment(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def submissions_csv(submissions) -> str:
    """Return the CSV text of ``submissions``: city, country, region, state, dates, completeness.

    ``completeness`` is ``complete`` or the number of things still missing.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
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
    )
    for submission in submissions:
        missing = completeness(submission)
        writer.writerow(
            [
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
        )
    return out.getvalue()
