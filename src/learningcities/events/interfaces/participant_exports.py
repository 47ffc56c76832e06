"""The participants of an event as CSV: what the organisers need at the venue, no more.

Passport numbers and answers stay out; texts that a spreadsheet would read as
a formula are defused (``reviews.interfaces.exports.safe_cell``).
"""

import csv
from collections.abc import Iterable, Iterator

from learningcities.reviews.interfaces.exports import safe_cell

COLUMNS = [
    "name",
    "email",
    "job_title",
    "organisation",
    "city",
    "country",
    "category",
    "status",
    "delegation",
    "language",
    "badge_code",
    "registered_at",
    "checked_in_at",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def participant_row(registration) -> list:
    return [
        safe_cell(value)
        for value in (
            registration.name,
            registration.email,
            registration.job_title,
            registration.organisation_name,
            registration.city.name if registration.city_id else registration.city_name,
            registration.country_id,
            registration.category.kind,
            registration.status,
            str(registration.delegation) if registration.delegation_id else "",
            registration.language,
            registration.badge_code,
            registration.registered_at.isoformat(timespec="seconds"),
            registration.checked_in_at.isoformat(timespec="seconds")
            if registration.checked_in_at
            else "",
        )
    ]


def participant_lines(registrations: Iterable) -> Iterator[str]:
    """Yield the CSV lines of ``registrations``, the header first (UTF-8 with BOM for Excel)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(COLUMNS)
    for registration in registrations:
        yield writer.writerow(participant_row(registration))
