"""Who is due in a cycle, and what a new report carries over."""

import datetime as dt

import pytest
from django.utils import timezone

from learningcities.calls.enums import SubmissionState
from learningcities.network.dates import PartialDate
from learningcities.network.domain.memberships import admit_city, end_membership
from learningcities.reports.domain.answers import save_report_answers
from learningcities.reports.domain.cycles import add_due_reports, update_cycle
from learningcities.reports.domain.errors import ReportError
from learningcities.reports.enums import Audience
from learningcities.reports.models import ProgressReport, ReportAnswer
from tests.calls.factories import Cast, submission_in
from tests.factories import make_member

from .factories import Network, accept, criteria, make_cycle, submit

pytestmark = pytest.mark.django_db


def test_members_admitted_before_the_cut_off_are_due_and_later_joiners_are_not():
    early = Network(joined="2019-10-02")
    Network(joined="2025-09-08")
    ended = Network(joined="2017-09-18")
    end_membership(ended.membership, status="withdrawn", ended_on=dt.date(2024, 5, 1))

    cycle = make_cycle(admitted_before=dt.date(2025, 1, 1))

    due = set(cycle.reports.values_list("city_id", flat=True))
    assert due == {early.city.pk}
    report = cycle.reports.get()
    assert report.membership == early.membership
    assert report.state == "draft"


def test_moving_the_cut_off_adds_the_new_joiners_once():
    Network(joined="2019-10-02")
    late = Network(joined="2025-09-08")
    cycle = make_cycle(admitted_before=dt.date(2025, 1, 1))
    assert cycle.reports.count() == 1

    data = _data_of(cycle, admitted_before=dt.date(2026, 1, 1))
    cycle = update_cycle(cycle, data, actor=None)
    assert add_due_reports(cycle) == 1
    assert add_due_reports(cycle) == 0
    assert cycle.reports.filter(city=late.city).exists()


def test_a_city_that_joined_after_the_cycle_opened_is_not_due():
    network = Network(joined="2019-10-02")
    cycle = make_cycle(opens_at=timezone.now() - dt.timedelta(days=1))
    newcomer = make_member(joined=timezone.localdate().isoformat())
    assert add_due_reports(cycle) == 0
    assert set(cycle.reports.values_list("city_id", flat=True)) == {network.city.pk}
    assert not cycle.reports.filter(city=newcomer.city).exists()


def test_a_new_cycle_has_the_default_reminders_escalating_to_the_secretariat():
    cycle = make_cycle()
    rules = list(cycle.reminder_rules.values_list("days", "audience"))
    assert rules == [
        (-30, Audience.COORDINATORS),
        (-7, Audience.COORDINATORS),
        (7, Audience.COORDINATORS),
        (30, Audience.COMMISSION),
        (60, Audience.SECRETARIAT),
    ]


def test_dates_out_of_order_are_refused_naming_the_rule():
    now = timezone.now()
    with pytest.raises(ReportError, match="due date must come after the opening"):
        make_cycle(opens_at=now, due_at=now - dt.timedelta(days=1))
    with pytest.raises(ReportError, match="period covered must end after it starts"):
        make_cycle(period_start=dt.date(2026, 1, 1), period_end=dt.date(2025, 1, 1))


def _data_of(cycle, **changes):
    from learningcities.reports.domain.cycles import CYCLE_FIELDS, CycleData

    values = {name: getattr(cycle, name) for name in CYCLE_FIELDS}
    values.update(changes)
    return CycleData(**values)


# --- carry-over ---------------------------------------------------------------------------


def _member_with_application():
    """A city whose membership application (rating 2, number 42) was submitted, then admitted."""
    cast = Cast()
    submission_in(cast, SubmissionState.SUBMITTED)
    admit_city(cast.city, joined=PartialDate.parse("2020-09-22"))
    return cast


def test_a_first_report_carries_the_applications_answers_marked_unchanged():
    cast = _member_with_application()
    cycle = make_cycle()
    report = cycle.reports.get(city=cast.city)

    answers = {a.criterion.code: a for a in report.answers.select_related("criterion")}
    assert set(answers) == {"1.1.2", "1.2.1.v"}
    assert answers["1.1.2"].rating_value == 2
    assert answers["1.2.1.v"].number_value == 42
    assert all(a.unchanged and a.carried_from == "application" for a in answers.values())


def test_a_second_report_carries_the_previous_report_and_an_edit_clears_the_mark():
    cast = _member_with_application()
    first = make_cycle(
        code="2023-2025", due_in_days=-400, opens_at=timezone.now() - dt.timedelta(days=500)
    )
    report = first.reports.get(city=cast.city)
    submit(report, cast.coordinator, now=first.due_at - dt.timedelta(days=1))
    accept(report, cast.secretary)

    second = make_cycle(code="2025-2027")
    new = second.reports.get(city=cast.city)
    answers = {a.criterion.code: a for a in new.answers.select_related("criterion")}
    assert answers["1.1.0"].text_value.startswith("The city opened learning centres")
    assert answers["1.1.0"].carried_from == "report"
    assert answers["1.2.1.v"].number_value == 12  # the report's figure, not the application's
    assert answers["1.2.1.v"].data_year == 2025
    assert answers["1.2.1.v"].source == "City statistics office"
    assert all(a.unchanged for a in answers.values())

    found = criteria(new)
    save_report_answers(
        new,
        {
            found["1.1.0"]: "A new account of the period.",
            found["2.1.0"]: answers["2.1.0"].text_value,
        },
        actor=cast.coordinator,
    )
    edited = {
        a.criterion.code: a
        for a in ReportAnswer.objects.filter(report=new).select_related("criterion")
    }
    assert not edited["1.1.0"].unchanged
    assert edited["2.1.0"].unchanged  # saved as it was: still unchanged


def test_a_report_never_submitted_is_not_carried_over():
    network = Network()
    first = make_cycle(
        code="2023-2025", due_in_days=-400, opens_at=timezone.now() - dt.timedelta(days=500)
    )
    report = first.reports.get(city=network.city)
    from .factories import fill_report

    fill_report(report, network.coordinator)  # written, never submitted
    second = make_cycle(code="2025-2027")
    assert not ProgressReport.objects.get(cycle=second, city=network.city).answers.exists()
