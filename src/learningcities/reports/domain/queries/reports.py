"""Reads of progress reports for the city's, the Commission's and the secretariat's pages.

``reports_for_user`` lists the reports a person may read (``reports.view_report``):
every report for the secretariat, its cities' for a coordinator, its
country's for a National Commission; nobody else's. A page fetches a report
through it, so a report the person may not read answers 404 like a missing one.
The other functions describe one report (its progress per section, what is
still missing, the marks of answers carried over, the feedback) from its
questionnaire tree, read once (``completeness.report_tree``).
"""

import datetime as dt
from dataclasses import dataclass, field

import rules
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.rules import endorsed_country_ids, is_secretariat
from learningcities.questionnaires.answers import MissingItem

from ...enums import ReportState, Standing
from ...models import ProgressReport, SectionFeedback
from ...rules import coordinated_city_ids
from ..completeness import tree_problems
from ..notices import in_zone
from ..standing import report_standing


def _reports() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.select_related("cycle", "city__country", "membership")


def reports_for_user(user) -> QuerySet[ProgressReport]:
    """Return the reports ``user`` may read (cycle, city, country and membership joined)."""
    if not getattr(user, "is_authenticated", False):
        return ProgressReport.objects.none()
    if is_secretariat(user):
        return _reports()
    cities = coordinated_city_ids(user)
    countries = endorsed_country_ids(user)
    if not cities and not countries:
        return ProgressReport.objects.none()
    return _reports().filter(Q(city_id__in=cities) | Q(city__country_id__in=countries))


def own_reports_for_user(user) -> QuerySet[ProgressReport]:
    """Return the reports of the cities ``user`` coordinates, latest cycle first."""
    cities = coordinated_city_ids(user)
    if not cities:
        return ProgressReport.objects.none()
    return _reports().filter(city_id__in=cities).order_by("-cycle__due_at", "city__name", "pk")


def country_reports_for_user(user, country) -> QuerySet[ProgressReport]:
    """Return the reports of ``country``'s cities for its Commission or the secretariat.

    Empty for anyone else (``reports.view_country_reports``). Latest cycle
    first, then by city.
    """
    if country is None or not rules.has_perm("reports.view_country_reports", user, country):
        return ProgressReport.objects.none()
    return (
        _reports()
        .filter(city__country=country)
        .order_by("-cycle__due_at", "cycle_id", "city__name", "pk")
    )


def due_text(report: ProgressReport) -> str:
    """Return the report's due date in its cycle's time zone (``17 March 2027, 23:59 (…)``)."""
    return in_zone(report.due_at, report.cycle.time_zone)


def latest_extension(report: ProgressReport) -> dt.datetime:
    """Return the latest instant the cycle's one extension may reach."""
    return report.cycle.due_at + dt.timedelta(days=report.cycle.max_extension_days)


def standing_of(report: ProgressReport, now: dt.datetime | None = None) -> tuple[str, str]:
    """Return the report's standing and its label (``report_standing``)."""
    standing = report_standing(report, now or timezone.now())
    return standing, str(Standing(standing).label)


@dataclass
class ReportRow:
    """A report as the lists show it: due date, standing, state."""

    report: ProgressReport
    due: str
    standing: str
    standing_label: str
    url: str


def report_rows(reports, now: dt.datetime | None = None) -> list[ReportRow]:
    """Return a ``ReportRow`` of each of ``reports`` (no further query)."""
    now = now or timezone.now()
    rows = []
    for report in reports:
        standing, label = standing_of(report, now)
        rows.append(
            ReportRow(
                report=report,
                due=due_text(report),
                standing=standing,
                standing_label=label,
                url=reverse("reports:report", kwargs={"pk": report.pk}),
            )
        )
    return rows


@dataclass
class CycleGroup:
    """The reports of one cycle, for the Commission's page."""

    cycle: object
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def received(self) -> int:
        return sum(1 for row in self.rows if row.report.first_submitted_at is not None)

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.standing in (Standing.OVERDUE, Standing.ON_HOLD))


def by_cycle(rows: list[ReportRow]) -> list[CycleGroup]:
    """Group ``rows`` (ordered by cycle) by their cycle, in order."""
    groups: list[CycleGroup] = []
    for row in rows:
        if not groups or groups[-1].cycle.pk != row.report.cycle_id:
            groups.append(CycleGroup(row.report.cycle))
        groups[-1].rows.append(row)
    return groups


# --- one report ----------------------------------------------------------------------------


def section_url(report: ProgressReport, code: str, anchor: str = "") -> str:
    url = reverse("reports:section", kwargs={"pk": report.pk, "code": code})
    return f"{url}#{anchor}" if anchor else url


def problems_by_anchor(problems: list[MissingItem]) -> dict[str, list[str]]:
    """Return ``{anchor: [messages]}`` of ``problems``."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        found.setdefault(problem.anchor, []).append(problem.message)
    return found


@dataclass
class SectionProgress:
    """How far one section of a report is answered, and what it still needs."""

    code: str
    title: object
    url: str
    answered: int
    total: int
    problems: list[dict]
    feedback: str = ""


def section_progress(report: ProgressReport, tree, feedback: dict[int, str]) -> list:
    """Return a ``SectionProgress`` of each section of ``tree`` (no query).

    ``answered`` counts the questions answered, of ``total``; ``problems``
    are what is missing or wrong, each with the link to its place.
    """
    rows = []
    for node in tree:
        rows.append(
            SectionProgress(
                code=node.code,
                title=node.title,
                url=section_url(report, node.code),
                answered=sum(1 for item in node.items if item.complete),
                total=len(node.items),
                problems=[
                    {
                        "message": problem.message,
                        "url": section_url(report, node.code, problem.anchor),
                    }
                    for problem in tree_problems([node])
                ],
                feedback=feedback.get(node.section.pk, ""),
            )
        )
    return rows


@dataclass(frozen=True)
class CarriedCounts:
    """How many answers are still as they were carried over, by where they came from."""

    from_report: int = 0
    from_application: int = 0

    @property
    def total(self) -> int:
        return self.from_report + self.from_application


def carried_counts(tree) -> CarriedCounts:
    """Count the answers of ``tree`` still unchanged since they were carried over."""
    counts = {"report": 0, "application": 0}
    for node in tree:
        for item in node.items:
            answer = item.answer
            if answer is not None and answer.unchanged and answer.carried_from in counts:
                counts[answer.carried_from] += 1
    return CarriedCounts(counts["report"], counts["application"])


def feedback_to_address(report: ProgressReport) -> dict[int, str]:
    """Return ``{section id: text}`` of the feedback of the round that returned the report.

    Empty unless the report is returned now (one query then).
    """
    if report.state != ReportState.RETURNED or not report.returned_count:
        return {}
    return dict(
        SectionFeedback.objects.filter(report=report, round=report.returned_count).values_list(
            "section_id", "text"
        )
    )


@dataclass
class FeedbackRound:
    """The secretariat's feedback of one return of the report, by section."""

    round: int
    created_at: dt.datetime
    sections: list[SectionFeedback] = field(default_factory=list)


def feedback_history(report: ProgressReport) -> list[FeedbackRound]:
    """Return every round of feedback on ``report``, latest first (one query)."""
    rounds: list[FeedbackRound] = []
    for item in report.feedback.select_related("section").order_by("-round", "section__order"):
        if not rounds or rounds[-1].round != item.round:
            rounds.append(FeedbackRound(item.round, item.created_at))
        rounds[-1].sections.append(item)
    return rounds
