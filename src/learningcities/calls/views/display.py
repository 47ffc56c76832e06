"""Submission rows of the calls lists, ready to show.

A list page shows dozens of rows; formatting their labels, dates and links
here, once per row, costs a fraction of the same work done by template
filters and tags, which resolve and look up their arguments on every use.
"""

from django.urls import reverse
from django.utils import timezone

from learningcities.network.models.countries import localised_country_name

from ..enums import SubmissionState

# The format of the templates' ``date:"Y-m-d H:i"``, which is the same in every language.
MOMENT_FORMAT = "%Y-%m-%d %H:%M"
# A pk no URL prefix contains: each page reverses a row's URL once, then swaps the pk in.
_SENTINEL_PK = 987_654_321_987


def moment(value) -> str:
    """Return an aware datetime as ``YYYY-MM-DD HH:MM`` in the current time zone ("" for None)."""
    return timezone.localtime(value).strftime(MOMENT_FORMAT) if value else ""


def url_for_pk(url_name: str):
    """Return a function giving ``url_name``'s URL for a pk, reversing it once.

    ``url_name`` takes one ``pk`` argument (an ``int`` converter).
    """
    pattern = reverse(url_name, kwargs={"pk": _SENTINEL_PK})
    sentinel = str(_SENTINEL_PK)
    return lambda pk: pattern.replace(sentinel, str(int(pk)))


def rows_for_display(rows, url_name: str) -> list[dict]:
    """Return submission ``rows`` (dicts from ``domain.queries.dashboard``) ready to show.

    Adds ``url`` (``url_name`` with the row's pk), ``state_label`` and
    ``country_name`` in the active language, and ``submitted`` and ``due``
    (the submission and endorsement-deadline moments, "" when unset).
    """
    labels = {value: str(label) for value, label in SubmissionState.choices}
    url = url_for_pk(url_name)
    shown = []
    for row in rows:
        row["url"] = url(row["pk"])
        row["state_label"] = labels.get(row["state"], row["state"])
        row["country_name"] = localised_country_name(row["country_id"])
        row["submitted"] = moment(row["submitted_at"])
        row["due"] = moment(row["endorsement_due_at"])
        shown.append(row)
    return shown
