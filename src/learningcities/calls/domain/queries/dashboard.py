"""Reads behind the secretariat's call dashboard and the endorser's queue.

Both pages list a page of rows and a few counts over a call that may hold
thousands of submissions with 42 answers each. Every function here runs a
fixed number of queries whatever the number of submissions (one, except the
three counts), grouping in the database; the rows read only the columns a
list shows (never the profile texts or the answers), so a page costs the
same on a call of 10 submissions and one of 10,000.
"""

import hashlib
from dataclasses import dataclass

from django.db.models import Count, F, QuerySet

from learningcities.common.collation import sorted_by
from learningcities.common.translated import shown
from learningcities.network.enums import Region
from learningcities.network.models.countries import localised_country_name

from ...enums import SubmissionState
from ...models import Call, EndorsementQuota, Submission
from ...rules import endorsed_country_ids
from .submissions import in_endorsed_calls

# The columns of a submission row in a list.
ROW_FIELDS = ("pk", "state", "submitted_at", "endorsement_due_at", "country_id")
_STATE_LABELS = dict(SubmissionState.choices)
_REGION_LABELS = dict(Region.choices)


@dataclass(frozen=True)
class CallCounts:
    """A call's submissions counted by state, region and country (codes to numbers).

    The labelled lists (``by_state``, ``by_region``, ``by_country``) are
    drawn in the active language when read. ``digest`` changes whenever a
    count does: what is drawn from the counts may be cached under it (with
    the language) and is never stale, in any process.
    """

    total: int
    states: dict[str, int]
    regions: dict[str, int]
    countries: dict[str, int]

    @property
    def digest(self) -> str:
        """Return a short digest of every count."""
        content = repr(
            (
                sorted(self.states.items()),
                sorted(self.regions.items()),
                sorted(self.countries.items()),
            )
        )
        return hashlib.blake2b(content.encode(), digest_size=12).hexdigest()

    @property
    def by_state(self) -> list[tuple[str, int]]:
        """Return (label, count) for every state, in the order of the lifecycle."""
        return [(label, self.states.get(value, 0)) for value, label in _STATE_LABELS.items()]

    @property
    def by_region(self) -> list[tuple[str, int]]:
        """Return (label, count) for each region with submissions."""
        return [
            (_REGION_LABELS.get(region, region or "—"), n)
            for region, n in sorted(self.regions.items())
        ]

    @property
    def by_country(self) -> list[tuple[str, int]]:
        """Return (localised name, count) for each country with submissions, by name."""
        return sorted_by(
            ((localised_country_name(code), n) for code, n in self.countries.items()),
            lambda row: row[0],
        )


def count_call_submissions(call: Call) -> CallCounts:
    """Count ``call``'s submissions by state, region and country: one aggregate query each.

    State and country are counted from the index on (call, country, state)
    alone; the region needs the country's row. Each query returns one row per
    group (at most the states, regions or countries), not per submission.
    """
    submissions = Submission.objects.filter(call=call).order_by()  # no Meta.ordering joins
    states = dict(submissions.values_list("state").annotate(n=Count("pk")))
    regions = dict(submissions.values_list("country__region").annotate(n=Count("pk")))
    countries = dict(submissions.values_list("country_id").annotate(n=Count("pk")))
    return CallCounts(
        total=sum(states.values()), states=states, regions=regions, countries=countries
    )


def call_submission_rows(
    call: Call, *, state: str = "", region: str = "", country: str = ""
) -> QuerySet:
    """Return the rows of ``call``'s submissions by city name, filtered when a filter is given.

    Each row is a dict of ``ROW_FIELDS`` and ``city_name``; slice it (a page)
    before reading.
    """
    rows = Submission.objects.filter(call=call)
    if state:
        rows = rows.filter(state=state)
    if region:
        rows = rows.filter(country__region=region)
    if country:
        rows = rows.filter(country_id=country)
    return rows.order_by("city__name", "pk").values(*ROW_FIELDS, city_name=F("city__name"))


def overdue_endorsement_rows(call: Call, *, now, limit: int) -> list[dict]:
    """Return up to ``limit`` submitted rows of ``call`` past their endorsement deadline.

    The most overdue first (the index on call, state and deadline serves it).
    """
    return list(
        Submission.objects.filter(
            call=call, state=SubmissionState.SUBMITTED, endorsement_due_at__lt=now
        )
        .order_by("endorsement_due_at", "pk")
        .values(*ROW_FIELDS, city_name=F("city__name"))[:limit]
    )


def next_endorsement_deadline(call: Call, *, now):
    """Return the earliest endorsement deadline of ``call``'s submitted rows still to come.

    None when none is: the moment the overdue list next changes by itself.
    """
    return (
        Submission.objects.filter(
            call=call, state=SubmissionState.SUBMITTED, endorsement_due_at__gte=now
        )
        .order_by("endorsement_due_at")
        .values_list("endorsement_due_at", flat=True)
        .first()
    )


def endorsement_queue_rows_for_user(user) -> QuerySet[Submission]:
    """Return the submissions waiting for ``user``'s endorsement, the most urgent first.

    Those of the calls a National Commission endorses (``in_endorsed_calls``).

    Only the columns the queue shows are loaded (``ROW_FIELDS``, the city's
    name and the call's title); slice it (a page) before reading.
    """
    countries = endorsed_country_ids(user)
    if not countries:
        return Submission.objects.none()
    return (
        Submission.objects.filter(
            in_endorsed_calls(), country_id__in=countries, state=SubmissionState.SUBMITTED
        )
        .select_related("city", "call")
        .only(*ROW_FIELDS, "city__name", "call__title", "call__language", "call__translations")
        .order_by("endorsement_due_at", "pk")
    )


@dataclass(frozen=True)
class QueueQuota:
    """Endorsements a country used and has left in one call, and its applications waiting.

    ``left`` is None when the call has no quota.
    """

    call_title: str
    country_name: str
    waiting: int
    used: int
    left: int | None


def endorsement_quotas_for_user(user) -> list[QueueQuota]:
    """Return the quota of each (call, country) with applications waiting for ``user``.

    Two queries (one when nothing waits): the waiting applications counted
    by call and country, then the quota rows of those calls and countries (a
    row appears with the first endorsement). Two plain queries cost less to
    build than one with a correlated subquery. The lines cover the whole
    queue, not one page of it; their ``waiting`` add up to its length.
    """
    countries = endorsed_country_ids(user)
    if not countries:
        return []
    groups = list(
        Submission.objects.filter(
            in_endorsed_calls(), country_id__in=countries, state=SubmissionState.SUBMITTED
        )
        .order_by()
        .values_list(
            "call_id",
            "call__title",
            "call__language",
            "call__translations",
            "call__quota_per_country",
            "country_id",
        )
        .annotate(waiting=Count("pk"))
    )
    if not groups:
        return []
    used = _quota_used([(g[0], g[5]) for g in groups])
    lines = [
        _quota_line(
            shown(Call(title=title, language=language, translations=translations), "title"),
            quota,
            country_id,
            waiting,
            used.get((call_id, country_id), 0),
        )
        for call_id, title, language, translations, quota, country_id, waiting in groups
    ]
    return sorted(lines, key=lambda line: (line.call_title, line.country_name))


def _quota_used(groups: list[tuple]) -> dict[tuple[int, str], int]:
    """The endorsements used per ``(call id, country id)`` of ``groups`` (no row: none used)."""
    rows = EndorsementQuota.objects.filter(
        call_id__in={call_id for call_id, _country_id in groups},
        country_id__in={country_id for _call_id, country_id in groups},
    ).values_list("call_id", "country_id", "used")
    return {(call_id, country_id): count for call_id, country_id, count in rows}


def _quota_line(
    title: str, quota: int | None, country_id: str, waiting: int, used: int
) -> QueueQuota:
    return QueueQuota(
        call_title=title,
        country_name=localised_country_name(country_id),
        waiting=waiting,
        used=used,
        left=None if quota is None else max(quota - used, 0),
    )
