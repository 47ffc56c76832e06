# ruff: noqa: RUF001 (the cycles' names have an en dash between their years, as is meant)
"""The demo's reporting cycles (load-demo-calls) and the synthetic reports of the benchmark."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from learningcities.common.models import ActivityLogEntry
from learningcities.demo.domain.reports import CURRENT, EARLIER, ensure_demo_reports
from learningcities.demo.domain.synthetic_network import generate_network
from learningcities.demo.domain.synthetic_reports import generate_reports
from learningcities.network.models import Membership
from learningcities.reports.domain.completeness import report_problems
from learningcities.reports.domain.standing import report_standing
from learningcities.reports.enums import ReportState, Standing
from learningcities.reports.models import (
    ProgressReport,
    ReminderRule,
    ReportAnswer,
    ReportingCycle,
    SectionFeedback,
)
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db
S = ReportState


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_network():
    """Cork (the demo coordinator's city) and 13 more members due in both cycles, one later."""
    make_member(CityFactory(name="Cork", country=country("IE")), joined="2016")
    for number in range(13):
        make_member(CityFactory(name=f"Member {number:02d}", country=country("DE")), joined="2018")
    make_member(CityFactory(name="Newcomer", country=country("PT")), joined="2024-02-14")
    _run("create-demo-accounts")


def _report(code: str, name: str) -> ProgressReport:
    return ProgressReport.objects.select_related("cycle", "membership").get(
        cycle__code=code, city__name=name
    )


def _by_name(code: str) -> list[str]:
    return list(
        ProgressReport.objects.filter(cycle__code=code)
        .order_by("city__name", "pk")
        .values_list("city__name", flat=True)
    )


def test_demo_reports_make_a_closed_cycle_and_a_current_one(demo_network):
    result = ensure_demo_reports()

    earlier = ReportingCycle.objects.get(code=EARLIER["code"])
    current = ReportingCycle.objects.get(code=CURRENT["code"])
    assert result.created == [earlier.code, current.code]
    assert (earlier.name, current.name) == (
        "Progress reports 2023–2025 (sample data)",
        "Progress reports 2025–2027 (sample data)",
    )
    assert earlier.framework.code == "progress-report"
    assert current.instructions.startswith("Sample reporting cycle for the demo.")
    assert "fr" in current.translations
    assert ReminderRule.objects.filter(cycle=current).count() == 5
    # The newcomer (admitted in 2024) reports only in the current cycle.
    assert "Newcomer" not in _by_name(earlier.code)
    assert "Newcomer" in _by_name(current.code)
    assert len(_by_name(earlier.code)) == 14
    assert len(_by_name(current.code)) == 15


def test_demo_reports_earlier_cycle_accepted_returned_and_restored(demo_network):
    ensure_demo_reports()
    code = EARLIER["code"]
    names = _by_name(code)

    states = Counter(
        ProgressReport.objects.filter(cycle__code=code).values_list("state", flat=True)
    )
    assert states == {S.ACCEPTED: 13, S.RETURNED: 1}
    cork = _report(code, "Cork")
    assert (cork.state, cork.assessment) == (S.ACCEPTED, "good")
    assert report_problems(cork) == []
    assert cork.answers.filter(text_value__startswith="Sample text for the demo").count() == 12
    resubmitted = _report(code, names[3])
    assert (resubmitted.state, resubmitted.returned_count) == (S.ACCEPTED, 1)
    returned = _report(code, names[7])
    assert returned.state == S.RETURNED
    assert SectionFeedback.objects.filter(report=returned).count() == 1
    # Never reported by the due date: on hold, then restored by a late report.
    late = _report(code, names[11])
    assert late.state == S.ACCEPTED
    assert late.first_submitted_at > late.cycle.due_at
    assert late.on_hold_since is None
    assert late.membership.on_hold_since is None
    assert ActivityLogEntry.objects.filter(action="reports.report.on_hold").count() == 1
    assert ActivityLogEntry.objects.filter(action="reports.report.restored").count() == 1


def test_demo_coordinators_city_has_a_draft_with_carried_over_answers(demo_network):
    result = ensure_demo_reports()

    draft = result.coordinator_report
    assert result.coordinator_city == "Cork"
    assert draft.state == S.DRAFT
    assert draft.cycle.code == CURRENT["code"]
    answers = draft.answers.all()
    assert answers.count() == 56  # 12 narratives, 42 self-assessments, 2 figures
    assert {a.carried_from for a in answers} == {"report"}
    edited = answers.filter(unchanged=False)
    assert edited.count() == 1
    assert edited.get().text_value.startswith("Sample text for the demo, started by the demo")
    # The other cities of the current cycle: three submitted, one returned, one extended.
    reports = ProgressReport.objects.filter(cycle__code=CURRENT["code"])
    assert Counter(reports.values_list("state", flat=True)) == {
        S.DRAFT: 11,
        S.SUBMITTED: 3,
        S.RETURNED: 1,
    }
    assert reports.filter(extended_until__isnull=False).count() == 1


def test_demo_reports_twice_change_nothing(demo_network):
    ensure_demo_reports()
    models = (ReportingCycle, ProgressReport, ReportAnswer, SectionFeedback, ActivityLogEntry)
    before = [model.objects.count() for model in models]

    again = ensure_demo_reports()

    assert not again.changed
    assert [model.objects.count() for model in models] == before


def test_demo_reports_need_the_demo_accounts():
    make_member(CityFactory(name="Cork", country=country("IE")), joined="2016")

    with pytest.raises(Exception, match="create-demo-accounts"):
        ensure_demo_reports()


# --- the synthetic generator ---------------------------------------------------------------


def _signature(result) -> list[tuple]:
    return [
        (row.cycle.code, row.city.name, row.state, row.answers.count(), row.on_hold_since)
        for row in ProgressReport.objects.filter(cycle__in=result.cycles)
        .select_related("cycle", "city")
        .order_by("cycle__code", "city__name")
    ]


def _generated(seed: int) -> list[tuple]:
    with transaction.atomic():
        generate_network(cities=40, seed=1, cohorts=3)
        signature = _signature(generate_reports(cycles=3, seed=seed, every_city=True))
        transaction.set_rollback(True)
    return signature


def test_generate_reports_same_seed_same_reports():
    first = _generated(1)

    assert first == _generated(1)
    assert first != _generated(2)


def test_generate_reports_states_and_answers():
    generate_network(cities=60, seed=1, cohorts=3)

    result = generate_reports(cycles=3, seed=1, every_city=True)

    assert [c.code for c in result.cycles] == [
        "synthetic-2020-2021",
        "synthetic-2022-2023",
        "synthetic-2024-2025",
    ]
    assert all(c.is_synthetic for c in result.cycles)
    reports = ProgressReport.objects.filter(cycle__in=result.cycles)
    assert reports.count() == result.reports
    assert not reports.filter(is_synthetic=False).exists()
    assert ReportAnswer.objects.filter(report__in=reports).count() == result.answers
    old, latest = result.cycles[0], result.cycles[-1]
    old_states = Counter(old.reports.values_list("state", flat=True))
    assert old_states[S.ACCEPTED] > 0.8 * old.reports.count()
    assert not old.reports.filter(on_hold_since__isnull=False, lapsed_at__isnull=True).exists()
    latest_states = Counter(latest.reports.values_list("state", flat=True))
    assert {S.ACCEPTED, S.SUBMITTED, S.DRAFT} <= set(latest_states)
    assert latest_states[S.ACCEPTED] < 0.8 * latest.reports.count()
    # The latest cycle's missing reports are on hold, in the register too.
    held = latest.reports.filter(on_hold_since__isnull=False).select_related("cycle", "membership")
    assert held.count() == result.on_hold > 0
    assert all(report_standing(r) == Standing.ON_HOLD for r in held)
    assert all(r.membership.on_hold_since is not None for r in held)
    # A finished report answers the 42 self-assessments, 12 narratives and 8 indicators.
    accepted = latest.reports.filter(state=S.ACCEPTED).first()
    assert accepted.answers.count() == 62
    assert accepted.answers.filter(rating_value__isnull=False).count() == 42
    assert report_problems(accepted) == []
    lapsed = ProgressReport.objects.filter(lapsed_at__isnull=False)
    assert lapsed.count() == result.lapsed
    assert Membership.objects.filter(status="lapsed", reports__in=lapsed).count() == result.lapsed


def test_generate_reports_follows_the_due_rule_by_default():
    generate_network(cities=40, seed=1, cohorts=3)

    result = generate_reports(cycles=2, seed=1)

    for cycle in result.cycles:
        assert not cycle.reports.filter(membership__member_from__gte=cycle.admitted_before).exists()


def test_generate_reports_command_refuses_a_second_run():
    generate_network(cities=20, seed=1, cohorts=3)

    output = _run("generate-reports", "--cycles", "2", "--seed", "3")

    assert "Generated 2 synthetic cycles" in output
    with pytest.raises(CommandError, match="exist already"):
        _run("generate-reports", "--cycles", "2")
