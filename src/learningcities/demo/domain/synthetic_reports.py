# ruff: noqa: RUF001 (the cycles' names have an en dash between their years, as is meant)
"""Synthetic reporting cycles and progress reports of any size, for tests and benchmarks.

Builds on a synthetic network (``demo.domain.synthetic_network.generate_network``):
``cycles`` biennial cycles on the shipped progress-report questionnaire, the
latest covering 2024-2025 and due on 30 June 2026, each earlier one two years
before. The dates are fixed, so the same seed gives the same data whenever it
runs. Only synthetic cities report; real rows are never touched.

Who reports: by default the cycle's own rule (``reports.domain.cycles.
due_memberships``: members admitted before the period began), so early
cycles are small, as the network's were. With ``every_city`` every synthetic
member city reports in every cycle whatever its admission date: the
benchmark's full size (10,000 cities x 5 cycles).

How reports stand (``STATES``, drawn per report): in the earlier cycles most
were accepted (some after a return, some late), a few are still waiting for
review or for the city's revision, and a few cities never reported and
lapsed; in the latest cycle there is a mix: accepted, waiting for review,
returned, a few extended, and the cities whose report never came on hold.

Speed: the cycles are saved directly (``create_cycle`` would list every
city due, real ones too) and their reports bulk-created (``synthetic_call``
and ``synthetic_network`` do the same with their submissions and cities),
and their answers (ratings that rise over the cycles, a narrative per area
drawn from a pool, the indicators with their year) are inserted straight
into the table with ``executemany``, as bench/practices.py inserts its
practices: 2 to 3 million answers through ``save_report_answers``, or even
``bulk_create``, would take hours or a quarter of an hour and show nothing.
No carry-over runs: the answers marked carried from the city's previous
report are drawn so. The cycles' reminders (``set_reminders``), and the
holds and lapses (``hold_report``, ``stage_lapse``, ``release_lapses``,
which reach the network's memberships) go through the reports domain.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.interfaces.yaml_files import SHIPPED_DIR, load_framework_file
from learningcities.frameworks.models import Criterion, Framework
from learningcities.network.enums import MembershipStatus
from learningcities.network.models import Membership
from learningcities.reports.domain.cycles import due_memberships, set_reminders
from learningcities.reports.domain.errors import ReportError
from learningcities.reports.domain.standing import hold_report, release_lapses, stage_lapse
from learningcities.reports.enums import DEFAULT_REMINDERS, Assessment, ReportState
from learningcities.reports.models import (
    ProgressReport,
    ReportAnswer,
    ReportingCycle,
    SectionFeedback,
)

S = ReportState
FRAMEWORK = ("progress-report", "2026")
FRAMEWORK_FILE = "progress-report-2026.yaml"
CODE_PREFIX = "synthetic-"
ZONE = "Europe/Paris"
# The latest cycle covers 2024-2025; each earlier one the two years before.
LATEST_START_YEAR = 2024
CHUNK = 500

# Outcomes drawn per report (weights). "late": submitted after the due date,
# then accepted; "lapsed": never came, the city on hold, then its membership
# lapsed; "on_hold": never came, the city on hold now; "extended": one extension,
# submitted within it, waiting for review.
OLD = "old"
LATEST = "latest"
STATES: dict[str, dict[str, int]] = {
    OLD: {"accepted": 80, "returned_accepted": 8, "late": 6, "submitted": 2, "returned": 1},
    LATEST: {
        "accepted": 45,
        "returned_accepted": 5,
        "late": 5,
        "submitted": 20,
        "returned": 6,
        "extended": 3,
        "on_hold": 10,
    },
}
LAPSE_SHARE = {OLD: 0.02, LATEST: 0.0}  # of the reports of an earlier cycle: never came, lapsed
OUTCOME_STATE = {
    "accepted": S.ACCEPTED,
    "returned_accepted": S.ACCEPTED,
    "late": S.ACCEPTED,
    "submitted": S.SUBMITTED,
    "returned": S.RETURNED,
    "extended": S.SUBMITTED,
    "on_hold": S.DRAFT,
    "lapsed": S.DRAFT,
}

_WORDS = [
    "learning",
    "centres",
    "libraries",
    "adult",
    "literacy",
    "volunteers",
    "festival",
    "community",
    "schools",
    "families",
    "digital",
    "skills",
    "training",
    "employers",
    "migrants",
    "youth",
    "elderly",
    "health",
    "wellbeing",
    "museums",
    "neighbourhoods",
    "partnerships",
    "university",
    "workshops",
    "reading",
    "apprenticeships",
    "climate",
    "gardens",
    "culture",
    "heritage",
    "sports",
    "recognition",
    "monitoring",
    "participation",
]
_VERBS = (
    "opened",
    "extended",
    "reached",
    "trained",
    "evaluated",
    "funded",
    "linked",
    "doubled",
)


@dataclass
class SyntheticReports:
    """What ``generate_reports`` created."""

    cycles: list[ReportingCycle]
    reports: int = 0
    answers: int = 0
    states: dict[str, Counter] = field(default_factory=dict)  # cycle code: {state: n}
    on_hold: int = 0
    lapsed: int = 0


def cycle_dates(index: int, count: int) -> dict:
    """Return the fixed dates of the ``index``-th of ``count`` cycles (0: the oldest)."""
    start = LATEST_START_YEAR - 2 * (count - 1 - index)
    opens = dt.datetime(start + 2, 1, 12, 8, 0, tzinfo=dt.UTC)
    due = dt.datetime(start + 2, 6, 30, 21, 59, 59, tzinfo=dt.UTC)  # end of day in Paris
    return {
        "code": f"{CODE_PREFIX}{start}-{start + 1}",
        "name": f"Synthetic progress reports {start}–{start + 1} (synthetic)",
        "period_start": dt.date(start, 1, 1),
        "period_end": dt.date(start + 1, 12, 31),
        "opens_at": opens,
        "due_at": due,
        "admitted_before": dt.date(start, 1, 1),
    }


def _framework() -> Framework:
    framework = Framework.objects.filter(code=FRAMEWORK[0], version=FRAMEWORK[1]).first()
    return framework or load_framework_file(SHIPPED_DIR / FRAMEWORK_FILE).framework


def _narratives(rng: random.Random, count: int = 240) -> list[str]:
    """Return ``count`` generic narratives to draw from (drawing words per answer is slow)."""
    texts = []
    for _ in range(count):
        sentences = [
            f"The city {rng.choice(_VERBS)} "
            + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(5, 10)))
            + "."
            for _ in range(rng.randint(3, 5))
        ]
        texts.append("Synthetic narrative. " + " ".join(sentences))
    return texts


ANSWER_COLUMNS = (
    "report",
    "criterion",
    "text_value",
    "number_value",
    "rating_value",
    "data_year",
    "source",
    "carried_from",
    "unchanged",
    "updated_at",
)


def _insert_answers(rows: list[tuple]) -> None:
    """Insert answer rows (``ANSWER_COLUMNS``) straight into the table, a batch at a time."""
    meta = ReportAnswer._meta
    columns = [meta.get_field(name).column for name in ANSWER_COLUMNS]
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} "  # noqa: S608 - names and placeholders only
        f"({', '.join(connection.ops.quote_name(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


class _Answers:
    """The answers of one city over the cycles: its ratings rise, its figures drift."""

    def __init__(self, rng: random.Random, criteria: list[Criterion]):
        self.rng = rng
        self.criteria = [(c.pk, c.answer_type) for c in criteria]
        self.levels: dict[tuple[int, int], int] = {}  # (city, criterion): rating
        self.figures: dict[tuple[int, int], float] = {}
        self.narratives = _narratives(rng)
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())

    def rows(self, report: ProgressReport, *, complete: bool, carried: bool, year: int) -> list:
        """Return the report's answer rows (``ANSWER_COLUMNS``)."""
        rng, rows, ops = self.rng, [], connection.ops
        for pk, answer_type in self.criteria:
            key = (report.city_id, pk)
            text, number, rating, data_year, source = "", None, None, None, ""
            if answer_type == AnswerType.RATING:
                rating = self.levels.get(key) or rng.choice((1, 2, 2, 3, 3))
                if key in self.levels and rng.random() < 0.35:
                    rating = min(5, rating + 1)
                self.levels[key] = rating
            elif not complete:
                continue  # a report never finished has its self-assessment only
            elif answer_type == AnswerType.NUMBER:
                value = max(
                    0.0, (self.figures.get(key) or rng.uniform(5, 80)) * rng.uniform(0.95, 1.15)
                )
                self.figures[key] = value
                number = ops.adapt_decimalfield_value(Decimal(f"{value:.1f}"), 20, 4)
                data_year, source = year, "Synthetic figure"
            else:
                text = rng.choice(self.narratives)
            unchanged = carried and rng.random() < 0.4
            rows.append(
                (
                    report.pk,
                    pk,
                    text,
                    number,
                    rating,
                    data_year,
                    source,
                    "report" if carried else "",
                    unchanged,
                    self.now,
                )
            )
        return rows


def _memberships(cycle: ReportingCycle, *, every_city: bool, gone: set[int]) -> list[Membership]:
    if every_city:
        rows = Membership.objects.filter(
            city__is_synthetic=True, status=MembershipStatus.ACTIVE
        ).order_by("city_id", "pk")
    else:
        rows = due_memberships(cycle).filter(city__is_synthetic=True).order_by("city_id", "pk")
    chosen: dict[int, Membership] = {}
    for membership in rows:
        if membership.city_id not in gone:
            chosen.setdefault(membership.city_id, membership)
    return list(chosen.values())


def _outcome(rng: random.Random, age: str, membership: Membership, cycle) -> str:
    # A lapse ends the membership, which must have begun before the end.
    if rng.random() < LAPSE_SHARE[age] and membership.member_from < cycle.period_end:
        return "lapsed"
    weights = STATES[age]
    return rng.choices(list(weights), list(weights.values()))[0]


def _moment(day: dt.datetime, rng: random.Random, low: int, high: int) -> dt.datetime:
    return day + dt.timedelta(days=rng.randint(low, high), minutes=rng.randint(0, 1439))


def _stamp(report: ProgressReport, outcome: str, rng: random.Random) -> None:
    """Set the report's state and the moments it records for ``outcome``."""
    cycle = report.cycle
    report.state = OUTCOME_STATE[outcome]
    if outcome in {"on_hold", "lapsed"}:
        return
    if outcome == "late":
        submitted = _moment(cycle.due_at, rng, 5, 50)
    elif outcome == "extended":
        report.extended_until = cycle.due_at + dt.timedelta(days=30)
        report.extension_reason = "Synthetic extension: municipal elections."
        submitted = _moment(cycle.due_at, rng, 1, 28)
    else:
        submitted = _moment(cycle.opens_at, rng, 20, (cycle.due_at - cycle.opens_at).days - 1)
    report.first_submitted_at = report.submitted_at = submitted
    if outcome in {"returned", "returned_accepted"}:
        report.returned_count = 1
    if outcome == "returned_accepted":
        report.submitted_at = submitted + dt.timedelta(days=rng.randint(20, 40))
    if report.state == S.ACCEPTED:
        report.accepted_at = report.submitted_at + dt.timedelta(days=rng.randint(10, 60))
        report.assessment = rng.choices(list(Assessment.values), (10, 50, 30, 10))[0]
        report.assessment_text = "Synthetic assessment of the city's achievements and efforts."


def _cycle(index: int, count: int, framework: Framework) -> ReportingCycle:
    cycle = ReportingCycle.objects.create(
        framework=framework,
        time_zone=ZONE,
        instructions="Synthetic cycle for tests and benchmarks.",
        is_synthetic=True,
        **cycle_dates(index, count),
    )
    set_reminders(cycle, DEFAULT_REMINDERS, actor=None)
    return cycle


def _fill(cycle, memberships, *, age, rng, answers: _Answers, reported: set, result) -> dict:
    """Bulk-create the cycle's reports and answers; return ``{report id: outcome}``."""
    outcomes: dict[int, str] = {}
    feedback_section = cycle.framework.sections.order_by("order").first()
    for start in range(0, len(memberships), CHUNK):
        chunk, drawn = memberships[start : start + CHUNK], []
        reports = []
        for membership in chunk:
            report = ProgressReport(
                cycle=cycle, city_id=membership.city_id, membership=membership, is_synthetic=True
            )
            outcome = _outcome(rng, age, membership, cycle)
            _stamp(report, outcome, rng)
            reports.append(report)
            drawn.append(outcome)
        reports = ProgressReport.objects.bulk_create(reports)
        rows, feedback = [], []
        for report, outcome in zip(reports, drawn, strict=True):
            outcomes[report.pk] = outcome
            complete = outcome not in {"on_hold", "lapsed"}
            carried = report.city_id in reported
            rows += answers.rows(
                report, complete=complete, carried=carried, year=cycle.period_end.year
            )
            if complete:
                reported.add(report.city_id)
            if outcome == "returned":
                feedback.append(
                    SectionFeedback(
                        report=report,
                        section=feedback_section,
                        round=1,
                        text="Synthetic feedback: give the figures for the period covered.",
                    )
                )
        _insert_answers(rows)
        SectionFeedback.objects.bulk_create(feedback)
        result.reports += len(reports)
        result.answers += len(rows)
    return outcomes


def _standing(cycle, outcomes: dict[int, str], gone: set[int], result) -> None:
    """Hold the cities whose report never came; lapse those drawn to lapse, through the domain."""
    held_at = cycle.due_at + dt.timedelta(days=cycle.hold_after_days + 1)
    waiting = [pk for pk, outcome in outcomes.items() if outcome in {"on_hold", "lapsed"}]
    lapsing = []
    for report in ProgressReport.objects.filter(pk__in=waiting).select_related(
        "cycle", "city", "membership"
    ):
        result.on_hold += hold_report(report, now=held_at)
        if outcomes[report.pk] == "lapsed":
            lapsing.append(report)
    if not lapsing:
        return
    staged_at = held_at + dt.timedelta(days=cycle.grace_days + 1)
    for report in lapsing:
        report.refresh_from_db()
        stage_lapse(
            report,
            reason="Synthetic lapse: no progress report.",
            actor=None,
            now=staged_at,
        )
        gone.add(report.city_id)
    release = release_lapses(cycle, actor=None, now=staged_at + dt.timedelta(days=7))
    result.lapsed += release.count
    result.on_hold -= release.count


@transaction.atomic
def generate_reports(*, cycles: int = 5, seed: int = 1, every_city: bool = False):
    """Create reproducible synthetic reporting cycles and reports: the same seed, the same data.

    Needs a synthetic network (``generate_network``) and the shipped
    progress-report questionnaire (loaded from its file if missing). Refused
    (ReportError) when synthetic cycles exist already or ``cycles`` is below 1.
    Effects, in one transaction, oldest cycle first: each cycle (``is_synthetic``,
    fixed dates, ``cycle_dates``) with its default reminders; a report per
    synthetic city due (or every synthetic member with ``every_city``), its
    state drawn from ``STATES``, each report finished with 42 self-assessments,
    12 narratives and 8 indicators (a report that never came: its
    self-assessments only), carried over from the city's previous report where
    it had one; the holds, staged and released lapses through the reports
    domain (each with its activity entries; the memberships that lapse end).
    """
    if cycles < 1:
        raise ReportError("The number of cycles must be 1 or more.")
    if ReportingCycle.objects.filter(is_synthetic=True).exists():
        raise ReportError(
            "Synthetic reporting cycles exist already; generate them on a fresh network."
        )
    rng = random.Random(seed)
    framework = _framework()
    criteria = list(framework.criteria.order_by("order", "pk"))
    answers = _Answers(rng, criteria)
    result = SyntheticReports(cycles=[])
    gone: set[int] = set()  # cities whose membership lapsed here
    reported: set[int] = set()  # cities with an earlier report to carry from
    for index in range(cycles):
        cycle = _cycle(index, cycles, framework)
        result.cycles.append(cycle)
        age = LATEST if index == cycles - 1 else OLD
        memberships = _memberships(cycle, every_city=every_city, gone=gone)
        outcomes = _fill(
            cycle, memberships, age=age, rng=rng, answers=answers, reported=reported, result=result
        )
        _standing(cycle, outcomes, gone, result)
        result.states[cycle.code] = Counter(outcomes.values())
    return result
