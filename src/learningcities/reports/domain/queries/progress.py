"""Progress over time: a city's reports across cycles, and the network's self-assessment.

A city's progress compares the reports it has sent (submitted at least once:
a draft's answers are still being written, and a draft carried over from the
last report would only repeat it). Per area of the questionnaire it gives the
self-assessment (the mean of the ratings of the area's features) of each
cycle, and per indicator (a figure: a criterion coded ``*.v`` or answered by
a number) its value, unit, year and source in each cycle. Questions are
compared by their code across the versions of the questionnaire: a feature
counts in the area the newest version puts it in.

Every function reads a constant number of queries whatever the number of
cycles, reports or answers.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import rules
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext

from learningcities.common.translated import localise
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Criterion
from learningcities.network.enums import Region
from learningcities.network.models import City

from ...models import ProgressReport, ReportAnswer, ReportingCycle
from ...rules import can_view_report
from .rates import expected_reports

# A report whose answers count: it reached the secretariat at least once.
RECEIVED = Q(first_submitted_at__isnull=False)


def is_indicator(criterion) -> bool:
    """Tell whether ``criterion`` is a figure of the report (``*.v`` or a number)."""
    return criterion.code.endswith(".v") or criterion.answer_type == AnswerType.NUMBER


def is_self_assessment(criterion) -> bool:
    return criterion.answer_type == AnswerType.RATING


# --- who may read ---------------------------------------------------------------------


def progress_city_for_user(user, city_id) -> City | None:
    """Return the city (with its country) when ``user`` may follow its progress, else None.

    The city's coordinators, its country's National Commission and the
    secretariat: whoever may read a report of the city (``reports.view_report``).
    One query (and the person's memoised roles).
    """
    try:
        city = City.objects.select_related("country").filter(pk=int(city_id)).first()
    except (TypeError, ValueError):
        return None
    if city is None or not can_view_report.test(user, ProgressReport(city=city)):
        return None
    return city


def report_for_user(user, pk) -> ProgressReport | None:
    """Return report ``pk`` with its cycle, framework, city and country if ``user`` may read it.

    ``reports.view_report``; None when it is missing or not the person's to read
    (one query).
    """
    try:
        report = (
            ProgressReport.objects.select_related("cycle__framework", "city__country")
            .filter(pk=int(pk))
            .first()
        )
    except (TypeError, ValueError):
        return None
    if report is None or not rules.has_perm("reports.view_report", user, report):
        return None
    return report


# --- a city's progress ----------------------------------------------------------------


@dataclass
class CycleEntry:
    """One cycle of the city: its report, and whether its answers count in the comparison."""

    cycle: ReportingCycle
    report: ProgressReport

    @property
    def counted(self) -> bool:
        return self.report.first_submitted_at is not None


@dataclass
class AreaProgress:
    """The self-assessment of one area in each counted cycle (None: no feature rated)."""

    code: str
    title: str
    section_code: str
    section_title: str
    means: list[Decimal | None] = field(default_factory=list)
    rated: list[int] = field(default_factory=list)

    @property
    def has_ratings(self) -> bool:
        return any(mean is not None for mean in self.means)

    @property
    def cells(self) -> list[tuple[Decimal | None, int]]:
        """``(mean, features rated)`` per counted cycle, in order."""
        return list(zip(self.means, self.rated, strict=True))


@dataclass(frozen=True)
class IndicatorPoint:
    """An indicator's figure in one cycle (``value`` None: not given that cycle)."""

    cycle: ReportingCycle
    value: Decimal | None
    unit: str
    data_year: int | None
    source: str


@dataclass
class IndicatorSeries:
    """An indicator (by criterion code) across the counted cycles, oldest first."""

    code: str
    title: str
    unit: str
    points: list[IndicatorPoint] = field(default_factory=list)

    @property
    def given(self) -> list[IndicatorPoint]:
        return [point for point in self.points if point.value is not None]


@dataclass
class SectionProgress:
    code: str
    title: str
    areas: list[AreaProgress] = field(default_factory=list)


@dataclass
class CityProgress:
    """A city's reports over its cycles (oldest first) and what they say of its progress."""

    city: City
    entries: list[CycleEntry]
    sections: list[SectionProgress]
    indicators: list[IndicatorSeries]
    scale_max: int

    @property
    def counted(self) -> list[CycleEntry]:
        return [entry for entry in self.entries if entry.counted]

    @property
    def areas(self) -> list[AreaProgress]:
        return [area for section in self.sections for area in section.areas]

    @property
    def has_ratings(self) -> bool:
        return any(area.has_ratings for area in self.areas)


def _criteria_of(framework_ids) -> list[Criterion]:
    """Return the criteria of the frameworks, newest framework last, localised (one query)."""
    criteria = list(
        Criterion.objects.filter(framework_id__in=set(framework_ids))
        .select_related("area__section", "framework")
        .order_by("framework__loaded_at", "framework_id", "order")
    )
    rows = []
    for criterion in criteria:
        for row in (criterion, criterion.area, criterion.area.section):
            row._original_language = criterion.framework.language
            rows.append(row)
    localise(rows)
    return criteria


def _newest_by_code(criteria: list[Criterion], newest_framework_id: int) -> dict[str, Criterion]:
    """Return ``{code: criterion}``: the newest version's, else the latest that has the code."""
    found: dict[str, Criterion] = {}
    for criterion in criteria:  # oldest framework first: later ones overwrite
        found[criterion.code] = criterion
    for criterion in criteria:
        if criterion.framework_id == newest_framework_id:
            found[criterion.code] = criterion
    return found


def _sections(by_code: dict[str, Criterion], newest_framework_id: int) -> list[SectionProgress]:
    """The sections and areas holding a self-assessment, in the newest version's order."""
    ordered = sorted(
        (c for c in by_code.values() if is_self_assessment(c)),
        key=lambda c: (c.framework_id != newest_framework_id, c.area.section.order, c.area.order),
    )
    sections: dict[str, SectionProgress] = {}
    areas: dict[str, AreaProgress] = {}
    for criterion in ordered:
        area, section = criterion.area, criterion.area.section
        if area.code in areas:
            continue
        if section.code not in sections:
            sections[section.code] = SectionProgress(section.code, section.title)
        areas[area.code] = AreaProgress(area.code, area.title, section.code, section.title)
        sections[section.code].areas.append(areas[area.code])
    return list(sections.values())


def readable_entries(user, city: City) -> list[CycleEntry]:
    """The city's reports ``user`` may read, oldest cycle first (one query)."""
    reports = (
        ProgressReport.objects.filter(city=city)
        .select_related("cycle__framework", "city__country")
        .order_by("cycle__period_end", "cycle__due_at", "pk")
    )
    return [
        CycleEntry(report.cycle, report)
        for report in reports
        if rules.has_perm("reports.view_report", user, report)
    ]


@dataclass
class _Answers:
    """The ratings per (report, area code) and the figures per (report, criterion code)."""

    ratings: dict = field(default_factory=lambda: defaultdict(list))
    figures: dict = field(default_factory=dict)


def _read_answers(counted: list[CycleEntry], criteria, by_code) -> _Answers:
    """Read the ratings and figures of the counted reports (one query)."""
    by_id = {criterion.pk: criterion for criterion in criteria}
    cycle_of = {entry.report.pk: entry.cycle for entry in counted}
    rows = ReportAnswer.objects.filter(
        report_id__in=list(cycle_of),
        criterion_id__in=[c.pk for c in criteria if is_self_assessment(c) or is_indicator(c)],
    ).values_list(
        "report_id", "criterion_id", "rating_value", "number_value", "data_year", "source"
    )
    found = _Answers()
    for report_id, criterion_id, rating, number, year, source in rows:
        criterion = by_id[criterion_id]
        if is_self_assessment(criterion) and rating is not None:
            found.ratings[(report_id, by_code[criterion.code].area.code)].append(rating)
        elif is_indicator(criterion) and number is not None:
            found.figures[(report_id, criterion.code)] = IndicatorPoint(
                cycle_of[report_id], number, criterion.unit, year, source
            )
    return found


def _fill_means(sections: list[SectionProgress], counted, answers: _Answers) -> None:
    for area in (area for section in sections for area in section.areas):
        for entry in counted:
            given = answers.ratings.get((entry.report.pk, area.code), [])
            area.rated.append(len(given))
            area.means.append(_mean(sum(given), len(given)))


def _indicators(by_code, counted, answers: _Answers, newest_id: int) -> list[IndicatorSeries]:
    """A series per indicator code, the newest version's first, in its order."""
    indicators = []
    for code, criterion in by_code.items():
        if not is_indicator(criterion):
            continue
        series = IndicatorSeries(code, criterion.title, criterion.unit)
        series.points = [
            answers.figures.get((entry.report.pk, code))
            or IndicatorPoint(entry.cycle, None, criterion.unit, None, "")
            for entry in counted
        ]
        indicators.append(series)
    return sorted(
        indicators, key=lambda s: (by_code[s.code].framework_id != newest_id, by_code[s.code].order)
    )


def city_progress(user, city: City, *, entries: list[CycleEntry] | None = None) -> CityProgress:
    """Return ``city``'s progress over the cycles of the reports ``user`` may read.

    Three queries whatever the number of cycles: the reports (none when
    ``entries``, from ``readable_entries``, are given), the criteria of their
    questionnaires, the answers that count (ratings and figures of the reports
    submitted at least once).
    """
    entries = readable_entries(user, city) if entries is None else entries
    counted = [entry for entry in entries if entry.counted]
    if not counted:
        return CityProgress(city, entries, [], [], scale_max=0)
    newest_id = counted[-1].cycle.framework_id
    criteria = _criteria_of(entry.cycle.framework_id for entry in counted)
    by_code = _newest_by_code(criteria, newest_id)
    answers = _read_answers(counted, criteria, by_code)
    sections = _sections(by_code, newest_id)
    _fill_means(sections, counted, answers)
    indicators = _indicators(by_code, counted, answers, newest_id)
    return CityProgress(city, entries, sections, indicators, scale_max=_scale_max(by_code.values()))


def _scale_max(criteria) -> int:
    """The top of the rating scales of ``criteria`` (0 without a rating)."""
    return max((c.rating_max or 0 for c in criteria if is_self_assessment(c)), default=0)


# --- the network's self-assessment in one cycle ------------------------------------------


@dataclass
class AreaAssessment:
    """An area across the network in one cycle: mean rating, per region, and who reported."""

    code: str
    title: str
    section_title: str
    mean: Decimal | None = None
    ratings: int = 0
    rated_by: int = 0
    reported_by: int = 0
    rateable: bool = False
    by_region: dict[str, Decimal | None] = field(default_factory=dict)


@dataclass
class NetworkAssessment:
    """The self-assessment of the reports received in a cycle, per area and per region."""

    received: int
    areas: list[AreaAssessment]
    regions: list[tuple[str, str]]  # (code, label) of the regions with a rating, in order
    scale_max: int


def _mean(total, count) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / count).quantize(Decimal("0.01"))


def _network_areas(criteria) -> dict[int, AreaAssessment]:
    """An empty assessment per area of the criteria, in order."""
    areas: dict[int, AreaAssessment] = {}
    for criterion in criteria:
        area = criterion.area
        if area.pk not in areas:
            areas[area.pk] = AreaAssessment(area.code, area.title, area.section.title)
        if is_self_assessment(criterion):
            areas[area.pk].rateable = True
    return areas


def _add_ratings(areas: dict[int, AreaAssessment], answers) -> set[str]:
    """Put the mean ratings per area and region in ``areas``; return the regions met (one query)."""
    rows = (
        answers.filter(criterion__answer_type=AnswerType.RATING, rating_value__isnull=False)
        .order_by()
        .values("criterion__area_id", "report__city__country__region")
        .annotate(total=Sum("rating_value"), count=Count("pk"))
    )
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    regions = set()
    for row in rows:
        area_id, region = row["criterion__area_id"], row["report__city__country__region"] or ""
        if area_id in areas:
            areas[area_id].by_region[region] = _mean(row["total"], row["count"])
            totals[area_id][0] += row["total"]
            totals[area_id][1] += row["count"]
            regions.add(region)
    for area_id, (total, count) in totals.items():
        areas[area_id].mean, areas[area_id].ratings = _mean(total, count), count
    return regions


def _add_reporting(areas: dict[int, AreaAssessment], answers) -> None:
    """Count the reports answering a question, and rating a feature, of each area (one query)."""
    answered = Q(rating_value__isnull=False) | Q(number_value__isnull=False)
    answered |= Q(boolean_value__isnull=False) | ~Q(text_value="")
    rating = Q(criterion__answer_type=AnswerType.RATING, rating_value__isnull=False)
    rows = (
        answers.filter(answered)
        .order_by()
        .values("criterion__area_id")
        .annotate(
            cities=Count("report_id", distinct=True),
            rated=Count("report_id", distinct=True, filter=rating),
        )
    )
    for row in rows:
        if row["criterion__area_id"] in areas:
            area = areas[row["criterion__area_id"]]
            area.reported_by, area.rated_by = row["cities"], row["rated"]


def network_assessment(cycle: ReportingCycle) -> NetworkAssessment:
    """Return the cycle's self-assessment across the reports received (aggregates only).

    Per area of the cycle's questionnaire: the mean of every rating of its
    features, the same per UNESCO region, how many cities rated a feature of
    it and how many answered any of its questions. Four queries whatever the
    number of reports.
    """
    received = expected_reports([cycle]).filter(RECEIVED)
    criteria = _criteria_of([cycle.framework_id])
    areas = _network_areas(criteria)
    answers = ReportAnswer.objects.filter(report__in=received.values("pk"))
    found = _add_ratings(areas, answers)
    _add_reporting(areas, answers)
    regions = [(region.value, str(region.label)) for region in Region if region.value in found]
    if "" in found:
        regions.append(("", gettext("No region")))
    return NetworkAssessment(received.count(), list(areas.values()), regions, _scale_max(criteria))
