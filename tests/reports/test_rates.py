"""Reporting rates: what is expected, received, on time and accepted; by dimension; the timeline."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from learningcities.network.domain.memberships import end_membership
from learningcities.reports.domain.queries.rates import (
    Rates,
    cycle_rates,
    rates_by,
    rates_for_cycles,
    submission_timeline,
)
from learningcities.reports.enums import ReportState
from learningcities.reports.models import ProgressReport
from tests.factories import CityFactory, CohortFactory, country, make_member

from .factories import make_cycle

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def members(spec):
    """Member cities, one per ``(country code, cohort or None)``, admitted in 2020."""
    return [
        make_member(CityFactory(country=country(code)), joined="2020-09-22", cohort=cohort)
        for code, cohort in spec
    ]


def mark(report, *, submitted=None, state=None, extended=None):
    fields = {}
    if submitted is not None:
        fields |= {"first_submitted_at": submitted, "submitted_at": submitted}
        fields["state"] = state or ReportState.SUBMITTED
    if state == ReportState.ACCEPTED:
        fields["accepted_at"] = submitted
    if extended is not None:
        fields["extended_until"] = extended
    ProgressReport.objects.filter(pk=report.pk).update(**fields)


@pytest.fixture
def scene():
    """Five members (Germany x2, France, Kenya, one left early), a cycle due on 2026-03-31."""
    spring = CohortFactory(name="Spring 2020")
    made = members([("DE", spring), ("DE", None), ("FR", spring), ("KE", None), ("DE", None)])
    due = dt.datetime(2026, 3, 31, 23, 59, tzinfo=PARIS)
    cycle = make_cycle(
        code="2024-2026",
        opens_at=dt.datetime(2026, 1, 1, 9, tzinfo=PARIS),
        due_at=due,
    )
    reports = {r.city_id: r for r in cycle.reports.all()}
    de1, de2, fr, ke, gone = (reports[m.city_id] for m in made)
    # Left the network before the due date: not expected.
    end_membership(made[4], status="withdrawn", ended_on=dt.date(2026, 2, 1))
    mark(gone, submitted=due - dt.timedelta(days=40))
    # On time, accepted.
    mark(de1, submitted=dt.datetime(2026, 3, 1, 0, 30, tzinfo=PARIS), state=ReportState.ACCEPTED)
    # Late, without extension.
    mark(de2, submitted=due + dt.timedelta(days=3))
    # Late against the cycle's date, on time against its extension.
    mark(fr, submitted=due + dt.timedelta(days=10), extended=due + dt.timedelta(days=20))
    # Kenya: nothing.
    return {"cycle": cycle, "spring": spring, "due": due, "reports": (de1, de2, fr, ke, gone)}


def test_rates_count_only_what_was_expected(scene):
    rates = cycle_rates(scene["cycle"])
    assert rates == Rates(expected=4, received=3, on_time=2, accepted=1)
    assert rates.received_rate == 0.75
    assert rates.on_time_rate == 0.5
    assert rates.accepted_rate == 0.25


def test_a_membership_ended_after_the_due_date_is_still_expected(scene):
    ke = scene["reports"][3]
    end_membership(ke.membership, status="lapsed", ended_on=dt.date(2026, 10, 1))
    assert cycle_rates(scene["cycle"]).expected == 4


def test_a_membership_ended_on_the_due_day_is_not_expected(scene):
    ke = scene["reports"][3]
    end_membership(ke.membership, status="withdrawn", ended_on=dt.date(2026, 3, 31))
    assert cycle_rates(scene["cycle"]).expected == 3


def test_the_due_day_is_the_cycle_s_local_day():
    # Due 00:30 in Tokyo on 1 April is 31 March in UTC: a membership ended on 31 March
    # ended before the due day.
    made = members([("JP", None)])
    cycle = make_cycle(
        code="tokyo",
        opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        due_at=dt.datetime(2026, 4, 1, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
        time_zone="Asia/Tokyo",
    )
    end_membership(made[0], status="withdrawn", ended_on=dt.date(2026, 3, 31))
    assert cycle_rates(cycle).expected == 0


def test_rates_as_of_a_moment(scene):
    before_any = dt.datetime(2026, 2, 1, tzinfo=PARIS)
    assert cycle_rates(scene["cycle"], now=before_any) == Rates(4, 0, 0, 0)
    at_due = scene["due"]
    assert cycle_rates(scene["cycle"], now=at_due) == Rates(4, 1, 1, 1)


def test_no_expected_report_gives_no_rate():
    cycle = make_cycle(code="empty")
    rates = cycle_rates(cycle)
    assert rates == Rates(0, 0, 0, 0)
    assert rates.received_rate is None
    assert rates.on_time_rate is None
    assert rates.accepted_rate is None


def test_rates_by_region(scene):
    rows = rates_by(scene["cycle"], "region")
    assert [(r.key, r.label) for r in rows] == [
        ("africa", "Africa"),
        ("europe_north_america", "Europe and North America"),
    ]
    assert rows[0].rates == Rates(1, 0, 0, 0)
    assert rows[1].rates == Rates(3, 3, 2, 1)


def test_rates_by_country_in_the_active_language(scene):
    with translation.override("fr"):
        rows = rates_by(scene["cycle"], "country")
    assert [(r.key, r.label) for r in rows] == [
        ("DE", "Allemagne"),
        ("FR", "France"),
        ("KE", "Kenya"),
    ]
    assert rows[0].rates == Rates(2, 2, 1, 1)


def test_rates_by_cohort(scene):
    rows = rates_by(scene["cycle"], "cohort")
    assert [(r.key, r.label) for r in rows] == [
        ("", "No cohort"),
        (str(scene["spring"].pk), "Spring 2020"),
    ]
    assert rows[0].rates == Rates(2, 1, 0, 0)
    assert rows[1].rates == Rates(2, 2, 2, 1)


def test_an_unknown_dimension_is_refused(scene):
    with pytest.raises(ValueError, match="city"):
        rates_by(scene["cycle"], "city")


def test_timeline_counts_first_submissions_per_local_day(scene):
    due = scene["due"]
    assert submission_timeline(scene["cycle"]) == [
        (dt.date(2026, 3, 1), 1, 1),  # 00:30 in Paris, still 28 February in UTC
        ((due + dt.timedelta(days=3)).date(), 1, 2),
        ((due + dt.timedelta(days=10)).date(), 1, 3),
    ]


def test_rates_for_cycles(scene):
    other = make_cycle(code="2026-2028", opens_at=timezone.now() - dt.timedelta(days=1))
    found = rates_for_cycles([scene["cycle"], other])
    assert found[scene["cycle"].pk] == cycle_rates(scene["cycle"])
    assert found[other.pk] == cycle_rates(other)
    assert rates_for_cycles([]) == {}


def _grow(cycle, size):
    made = members([(code, None) for code in ("DE", "FR", "KE", "BR")[:size] * 3])
    from learningcities.reports.domain.cycles import add_due_reports

    add_due_reports(cycle)
    for membership in made[::2]:
        report = cycle.reports.get(city_id=membership.city_id)
        mark(report, submitted=cycle.due_at - dt.timedelta(days=1))
    return made


@pytest.mark.parametrize("size", [1, 4])
def test_queries_do_not_grow_with_the_reports(scene, size, django_assert_num_queries):
    cycle = scene["cycle"]
    _grow(cycle, size)
    other = make_cycle(code="2026-2028", opens_at=timezone.now() - dt.timedelta(days=1))
    with django_assert_num_queries(1):
        cycle_rates(cycle)
    with django_assert_num_queries(1):
        rates_for_cycles([cycle, other])
    with django_assert_num_queries(1):
        rates_by(cycle, "region")
    with django_assert_num_queries(1):
        rates_by(cycle, "country")
    with django_assert_num_queries(2):
        rates_by(cycle, "cohort")
    with django_assert_num_queries(1):
        submission_timeline(cycle)


def test_labels_sort_without_their_accents():
    members([("EG", None), ("FR", None), ("DE", None)])
    cycle = make_cycle(code="accents")
    with translation.override("fr"):
        labels = [row.label for row in rates_by(cycle, "country")]
    assert labels == ["Allemagne", "Égypte", "France"]
