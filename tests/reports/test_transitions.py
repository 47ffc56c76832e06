"""The one gate of a report's state: the table, the actors, the guards, what each move records."""

import datetime as dt

import pytest
from django.utils import timezone

from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.network.domain.memberships import end_membership
from learningcities.reports.domain.errors import ReportError
from learningcities.reports.domain.transitions import move_report, report_machine
from learningcities.reports.enums import (
    CITY,
    REPORT_TRANSITIONS,
    SECRETARIAT,
    Assessment,
    ReportState,
)
from learningcities.reports.models import SectionFeedback

from .factories import Network, accept, fill_report, make_cycle, submit

pytestmark = pytest.mark.django_db

S = ReportState


@pytest.fixture
def network():
    return Network()


@pytest.fixture
def report(network):
    return make_cycle().reports.get(city=network.city)


def _reach(report, network, state):
    if state == S.DRAFT:
        fill_report(report, network.coordinator)
        return report
    report = submit(report, network.coordinator)
    if state == S.SUBMITTED:
        return report
    if state == S.RETURNED:
        section = report.cycle.framework.sections.first()
        return move_report(
            report,
            S.RETURNED,
            actor=network.secretary,
            role=SECRETARIAT,
            feedback={section.pk: "Add figures."},
        )
    return accept(report, network.secretary)


@pytest.mark.parametrize("from_state", list(S))
@pytest.mark.parametrize("to_state", list(S))
def test_every_pair_of_states_follows_the_table(network, report, from_state, to_state):
    report = _reach(report, network, from_state)
    role = CITY if to_state == S.SUBMITTED else SECRETARIAT
    actor = network.coordinator if role == CITY else network.secretary
    extra = {
        S.RETURNED: {"comment": "Please add the figures."},
        S.ACCEPTED: {"assessment": Assessment.SOME},
    }.get(to_state, {})
    if to_state in REPORT_TRANSITIONS[from_state]:
        moved = move_report(report, to_state, actor=actor, role=role, **extra)
        assert moved.state == to_state
    else:
        with pytest.raises(ReportError) as refused:
            move_report(report, to_state, actor=actor, role=role, **extra)
        assert refused.value.code in ("not_allowed", "not_permitted")


def test_the_city_cannot_accept_and_the_secretariat_cannot_submit(network, report):
    fill_report(report, network.coordinator)
    with pytest.raises(ReportError) as refused:
        move_report(report, S.SUBMITTED, actor=network.secretary, role=SECRETARIAT)
    assert refused.value.code == "not_permitted"
    report = submit(report, network.coordinator)
    with pytest.raises(ReportError) as refused:
        move_report(report, S.ACCEPTED, actor=network.coordinator, role=CITY, assessment="good")
    assert refused.value.code == "not_permitted"


def test_an_incomplete_report_is_refused_naming_what_is_missing(network, report):
    with pytest.raises(ReportError, match="not complete") as refused:
        move_report(report, S.SUBMITTED, actor=network.coordinator, role=CITY)
    assert refused.value.code == "incomplete"
    assert "1.1.0" in refused.value.message


def test_a_figure_without_its_year_is_incomplete(network, report):
    from learningcities.reports.domain.answers import Figure, save_report_answers

    fill_report(report, network.coordinator)
    figure = report.cycle.framework.criteria.get(code="1.2.1.v")
    save_report_answers(
        report, {figure: 7}, actor=network.coordinator, figures={figure.pk: Figure(None, "")}
    )
    with pytest.raises(ReportError, match="year the figure describes"):
        move_report(report, S.SUBMITTED, actor=network.coordinator, role=CITY)


def test_a_cycle_not_yet_open_refuses_submission(network):
    cycle = make_cycle(opens_at=timezone.now() + dt.timedelta(days=1), due_in_days=60)
    report = cycle.reports.get(city=network.city)
    with pytest.raises(ReportError) as refused:
        submit(report, network.coordinator)
    assert refused.value.code == "not_open"


def test_a_city_whose_membership_ended_cannot_submit(network, report):
    fill_report(report, network.coordinator)
    end_membership(network.membership, status="withdrawn", ended_on=timezone.localdate())
    with pytest.raises(ReportError) as refused:
        move_report(report, S.SUBMITTED, actor=network.coordinator, role=CITY)
    assert refused.value.code == "membership_ended"


def test_returned_with_feedback_per_section_then_resubmitted_then_accepted(network, report):
    report = submit(report, network.coordinator)
    first, second = report.cycle.framework.sections.order_by("order")
    with pytest.raises(ReportError) as refused:
        move_report(report, S.RETURNED, actor=network.secretary, role=SECRETARIAT)
    assert refused.value.code == "reason_required"

    report = move_report(
        report,
        S.RETURNED,
        actor=network.secretary,
        role=SECRETARIAT,
        feedback={second.pk: "Say what the council decided.", first.pk: "  "},
    )
    assert report.returned_count == 1
    assert list(SectionFeedback.objects.values_list("section_id", "round", "text")) == [
        (second.pk, 1, "Say what the council decided.")
    ]
    mail = OutboxMessage.objects.get(template_code="reports.report.returned")
    assert network.coordinator.email in mail.recipients
    assert "Say what the council decided." in mail.body
    assert second.title in mail.body

    report = move_report(report, S.SUBMITTED, actor=network.coordinator, role=CITY)
    first_submitted = report.first_submitted_at
    assert report.submitted_at >= first_submitted

    with pytest.raises(ReportError, match="assessment"):
        move_report(report, S.ACCEPTED, actor=network.secretary, role=SECRETARIAT)
    report = accept(report, network.secretary, assessment=Assessment.EXEMPLARY)
    assert report.state == S.ACCEPTED
    assert report.assessment == "exemplary"
    assert report.first_submitted_at == first_submitted
    actions = list(
        ActivityLogEntry.objects.filter(action__startswith="reports.report.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reports.report.submitted",
        "reports.report.returned",
        "reports.report.submitted",
        "reports.report.accepted",
    ]


def test_a_report_cannot_be_edited_once_submitted(network, report):
    from learningcities.reports.domain.answers import save_report_answers

    report = submit(report, network.coordinator)
    narrative = report.cycle.framework.criteria.get(code="1.1.0")
    with pytest.raises(ReportError) as refused:
        save_report_answers(report, {narrative: "Late change"}, actor=network.coordinator)
    assert refused.value.code == "frozen"


def test_a_wrong_value_saves_nothing_and_names_the_question(network, report):
    from learningcities.reports.domain.answers import save_report_answers

    found = {c.code: c for c in report.cycle.framework.criteria.all()}
    with pytest.raises(ReportError) as refused:
        save_report_answers(
            report,
            {found["1.1.0"]: "Fine text", found["1.1.2"]: 9},
            actor=network.coordinator,
        )
    assert refused.value.code == "wrong_type"
    assert not report.answers.filter(criterion=found["1.1.0"]).exists()


def test_the_machine_lists_the_guards_of_the_reports_app():
    assert report_machine.guards_for(S.SUBMITTED)
    assert report_machine.effects_for(S.ACCEPTED)
