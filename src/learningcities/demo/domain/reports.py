# ruff: noqa: RUF001 (the cycles' names have an en dash between their years, as is meant)
"""The demo's progress reports: two reporting cycles of the demo network, for ``make run``.

Built on the demo network (``learningcities load-demo``), the demo accounts and
the demo call (``load-demo-calls`` runs this after the call), so that a
newcomer sees reporting from every side: a closed cycle (period 2023-2024,
due 31 January 2025) in which most demo members submitted and were accepted,
a few were returned for changes, and some never reported and went on hold
(one of them restored by a late report); and the current cycle (period
2025-2026, opened 2 November 2026, due 15 January 2027), in which the demo
coordinator's city has a draft whose answers carried over from its accepted
report, a few cities have submitted, one was returned, one has an extension.

Every date is fixed (never "now"), so the demo is the same whenever it is
loaded; the cycles' names say "(sample data)" and every text says it is a
sample for the demo, not written by the city (the self-assessments and the
figures only show what a city writes there). Everything is written through
the reports domain (``create_cycle``, ``save_report_answers``,
``move_report``, ``extend_report``, ``apply_holds``), as people would through
the pages: the secretariat's moves by the demo secretariat account, the demo
city's by the demo coordinator, the other cities' without a person (they
have no accounts in the demo). A cycle that exists already is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.common.languages import language_codes
from learningcities.common.translated import set_translation
from learningcities.demo.domain.accounts import DEMO_DOMAIN
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.interfaces.yaml_files import SHIPPED_DIR, load_framework_file
from learningcities.frameworks.models import Criterion, Framework
from learningcities.reports.domain.answers import Figure, save_report_answers
from learningcities.reports.domain.cycles import CycleData, create_cycle
from learningcities.reports.domain.errors import ReportError
from learningcities.reports.domain.standing import apply_holds, extend_report
from learningcities.reports.domain.transitions import move_report
from learningcities.reports.enums import CITY, SECRETARIAT, Assessment, ReportState
from learningcities.reports.models import ProgressReport, ReportingCycle

S = ReportState
FRAMEWORK = ("progress-report", "2026")
FRAMEWORK_FILE = "progress-report-2026.yaml"
ZONE = "Europe/Paris"
UTC = dt.UTC

# Marked for translation; a cycle is found again by its code.
EARLIER_NAME = gettext_noop("Progress reports 2023–2025 (sample data)")
CURRENT_NAME = gettext_noop("Progress reports 2025–2027 (sample data)")
INSTRUCTIONS = gettext_noop(
    "Sample reporting cycle for the demo. Report on the two years of the period covered, "
    "area by area: what the city did, what came of it and what it plans next. Answers "
    "from your previous report are carried over: check them and update what changed."
)
EARLIER = {
    "code": "demo-2023-2025",
    "name": EARLIER_NAME,
    "period_start": dt.date(2023, 1, 1),
    "period_end": dt.date(2024, 12, 31),
    "opens_at": dt.datetime(2024, 11, 4, 8, 0, tzinfo=UTC),
    "due_at": dt.datetime(2025, 1, 31, 22, 59, 59, tzinfo=UTC),  # end of the day in Paris
    "admitted_before": dt.date(2023, 1, 1),
}
CURRENT = {
    "code": "demo-2025-2027",
    "name": CURRENT_NAME,
    "period_start": dt.date(2025, 1, 1),
    "period_end": dt.date(2026, 12, 31),
    "opens_at": dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
    "due_at": dt.datetime(2027, 1, 15, 22, 59, 59, tzinfo=UTC),
    "admitted_before": dt.date(2025, 1, 1),
}
# The earlier cycle, by each report's place among the due cities (by name):
# these were returned and never resubmitted; returned, then resubmitted and
# accepted; never reported (on hold from HELD_AT; the first of them restored by
# a late report, RESTORED_AT). The rest were accepted.
RETURNED, RESUBMITTED, NEVER = {7, 47, 87}, {3, 23, 43, 63, 103}, {11, 51, 91}
HELD_AT = dt.datetime(2025, 4, 7, 6, 0, tzinfo=UTC)
RESTORED_AT = dt.datetime(2025, 5, 20, 9, 0, tzinfo=UTC)
# The current cycle: which of the other due cities (by name) have moved so far.
CURRENT_SUBMITTED, CURRENT_RETURNED, CURRENT_EXTENDED = (0, 5, 9), (2,), (4,)
# The two indicators each sample report gives (their year: the period's last).
FIGURES = ("1.2.2.v", "2.2.1.v")


@dataclass(frozen=True)
class DemoReports:
    """What ``ensure_demo_reports`` found or made."""

    cycles: list[ReportingCycle]
    created: list[str]  # codes of the cycles made now
    coordinator_city: str
    coordinator_report: ProgressReport | None

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _framework() -> Framework:
    framework = Framework.objects.filter(code=FRAMEWORK[0], version=FRAMEWORK[1]).first()
    return framework or load_framework_file(SHIPPED_DIR / FRAMEWORK_FILE).framework


def _demo_user(code: str) -> User:
    user = User.objects.filter(email=f"{code}@{DEMO_DOMAIN}", is_demo=True).first()
    if user is None:
        raise ReportError(
            _(
                "The demo reports need the demo network and the demo accounts: run "
                "learningcities load-demo, then learningcities create-demo-accounts."
            ),
            code="demo_missing",
        )
    return user


def _coordinator_city_id(coordinator: User) -> int | None:
    affiliation = (
        coordinator.affiliations.filter(role=Role.COORDINATOR, organisation__city__isnull=False)
        .select_related("organisation")
        .first()
    )
    return affiliation.organisation.city_id if affiliation else None


def _cycle(fields: dict, framework: Framework, secretariat: User) -> ReportingCycle:
    name = fields["name"]
    cycle = create_cycle(
        CycleData(
            framework=framework,
            time_zone=ZONE,
            language="en",
            instructions=INSTRUCTIONS,
            **fields,
        ),
        actor=secretariat,
    )
    # Its name and instructions in every language, as the secretariat would translate them.
    for language in language_codes():
        if language != cycle.language:
            with translation.override(language):
                set_translation(cycle, language, "name", _(name))
                set_translation(cycle, language, "instructions", _(INSTRUCTIONS))
    cycle.save(update_fields=["translations"])
    return cycle


def _narrative(city: str) -> str:
    return _(
        "Sample text for the demo, not written by %(city)s. Here the city describes what it "
        "did in this area during the period covered, what came of it, what did not work, and "
        "what it plans next."
    ) % {"city": city}


def _values(report: ProgressReport, criteria: list[Criterion], index: int, step: int):
    """Return the answers and figures of a complete sample report (``step``: its cycle, 0, 1)."""
    values, figures = {}, {}
    year = report.cycle.period_end.year
    for criterion in criteria:
        if criterion.answer_type == AnswerType.TEXT:
            values[criterion] = _narrative(report.city.name)
        elif criterion.answer_type == AnswerType.RATING:
            # Ratings 1 to 4, rising a level on a third of the features from one cycle to the next.
            values[criterion] = min(5, 1 + (criterion.order + index) % 4 + step * (index % 3 == 0))
        elif criterion.answer_type == AnswerType.NUMBER and criterion.code in FIGURES:
            values[criterion] = 20 + (criterion.order * 7 + index * 3) % 60 + 4 * step
            figures[criterion.pk] = Figure(
                data_year=year, source=_("Sample figure for the demo, not a statistic of the city")
            )
    return values, figures


def _submit(report, criteria, index, *, step: int, actor, now) -> ProgressReport:
    values, figures = _values(report, criteria, index, step)
    save_report_answers(report, values, actor=actor, figures=figures)
    return move_report(report, S.SUBMITTED, actor=actor, role=CITY, now=now)


def _accept(report, secretariat, now) -> ProgressReport:
    return move_report(
        report,
        S.ACCEPTED,
        actor=secretariat,
        role=SECRETARIAT,
        assessment=Assessment.GOOD,
        assessment_text=_(
            "Sample assessment for the demo: here the secretariat records its reading of the "
            "city's achievements and efforts."
        ),
        now=now,
    )


def _return(report, secretariat, now) -> ProgressReport:
    section = report.cycle.framework.sections.order_by("order").first()
    return move_report(
        report,
        S.RETURNED,
        actor=secretariat,
        role=SECRETARIAT,
        feedback={
            section.pk: _(
                "Sample feedback for the demo: say what came of the activities, with figures "
                "for the period covered."
            )
        },
        now=now,
    )


def _actor(report, coordinator, city_id):
    return coordinator if report.city_id == city_id else None


def _earlier_reports(cycle, criteria, *, secretariat, coordinator, city_id) -> None:
    """Most submitted and were accepted, a few returned, two never reported (held, one restored)."""
    due = cycle.due_at
    reports = list(cycle.reports.select_related("cycle", "city").order_by("city__name", "pk"))
    never = []
    for index, report in enumerate(reports):
        if index in NEVER and report.city_id != city_id:
            never.append(report)
            continue
        submitted = due - dt.timedelta(days=30 - index % 25, hours=index % 7)
        actor = _actor(report, coordinator, city_id)
        report = _submit(report, criteria, index, step=0, actor=actor, now=submitted)
        if index in RETURNED | RESUBMITTED and report.city_id != city_id:
            report = _return(report, secretariat, submitted + dt.timedelta(days=14))
            if index in RETURNED:
                continue
            report = move_report(
                report, S.SUBMITTED, actor=actor, role=CITY, now=submitted + dt.timedelta(days=35)
            )
        _accept(report, secretariat, submitted + dt.timedelta(days=50))
    apply_holds(now=HELD_AT)
    if never:
        # A late report, accepted: the city's membership is restored.
        late = never[0]
        late = _submit(late, criteria, 0, step=0, actor=None, now=RESTORED_AT)
        _accept(late, secretariat, RESTORED_AT + dt.timedelta(days=9))


def _current_reports(cycle, criteria, *, secretariat, coordinator, city_id) -> None:
    """The demo city's draft edits one carried answer; a few others have moved."""
    reports = list(cycle.reports.select_related("cycle", "city").order_by("city__name", "pk"))
    mine = next((r for r in reports if r.city_id == city_id), None)
    if mine is not None:
        opening = next(c for c in criteria if c.answer_type == AnswerType.TEXT)
        save_report_answers(
            mine,
            {
                opening: _(
                    "Sample text for the demo, started by the demo coordinator: here the "
                    "city says what changed since its previous report; the other answers "
                    "still say what was carried over from it."
                )
            },
            actor=coordinator,
        )
    others = [r for r in reports if r.city_id != city_id]
    opened = cycle.opens_at
    for position, report in enumerate(others[: max(CURRENT_SUBMITTED) + 1]):
        if position in CURRENT_EXTENDED:
            extend_report(
                report,
                until=cycle.due_at + dt.timedelta(days=30),
                reason=_(
                    "Sample reason for the demo: here the secretariat records why the city "
                    "needs more time."
                ),
                actor=secretariat,
                now=opened + dt.timedelta(days=20),
            )
        elif position in CURRENT_SUBMITTED or position in CURRENT_RETURNED:
            submitted = opened + dt.timedelta(days=10 + position)
            report = _submit(report, criteria, position, step=1, actor=None, now=submitted)
            if position in CURRENT_RETURNED:
                _return(report, secretariat, submitted + dt.timedelta(days=7))


@transaction.atomic
def ensure_demo_reports() -> DemoReports:
    """Make the demo's two reporting cycles and their reports where missing; change nothing else.

    Needs the demo network and the demo accounts (ReportError, code
    ``demo_missing``); refused in production (code ``production``). Effects,
    in one transaction, for each cycle only when its code is not in use: the
    cycle on the shipped progress-report questionnaire (its reports, default
    reminders and activity entries made by ``create_cycle``), its name and
    instructions in every language, then the reports moved as the module
    says, each move with its activity entries and notices.
    """
    if getattr(settings, "PRODUCTION", False):
        raise ReportError(
            _("The demo reports are never made in production (LC_PRODUCTION is set)."),
            code="production",
        )
    secretariat, coordinator = _demo_user("secretariat"), _demo_user("coordinator")
    city_id = _coordinator_city_id(coordinator)
    framework = _framework()
    criteria = list(framework.criteria.order_by("order", "pk"))
    created = []
    people = {"secretariat": secretariat, "coordinator": coordinator, "city_id": city_id}
    for fields, fill in ((EARLIER, _earlier_reports), (CURRENT, _current_reports)):
        cycle = ReportingCycle.objects.filter(code=fields["code"]).first()
        if cycle is None:
            cycle = _cycle(fields, framework, secretariat)
            fill(cycle, criteria, **people)
            created.append(cycle.code)
    cycles = list(ReportingCycle.objects.filter(code__in=[EARLIER["code"], CURRENT["code"]]))
    report = (
        ProgressReport.objects.filter(cycle__code=CURRENT["code"], city_id=city_id)
        .select_related("city")
        .first()
    )
    city_name = report.city.name if report else ""
    return DemoReports(
        cycles=cycles, created=created, coordinator_city=city_name, coordinator_report=report
    )
