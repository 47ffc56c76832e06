"""Reminders and their escalation, the one extension, on hold, lapse, restoration, statistics."""

import datetime as dt

import pytest
from django.utils import timezone

from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.network.dates import PartialDate
from learningcities.network.domain.memberships import admit_city
from learningcities.network.domain.queries.directory import (
    STATUS_CURRENT,
    STATUS_ON_HOLD,
    DirectoryFilters,
    cities_for_directory,
)
from learningcities.network.domain.queries.stats import compute_network_stats
from learningcities.network.models import Membership
from learningcities.reports.domain.errors import ReportError
from learningcities.reports.domain.reminders import send_reminders
from learningcities.reports.domain.standing import (
    apply_holds,
    extend_report,
    release_lapses,
    report_standing,
    stage_lapse,
    unstage_lapse,
)
from learningcities.reports.enums import Audience, Standing
from learningcities.reports.models import ReminderSent

from .factories import Network, accept, make_cycle, submit

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def network():
    return Network()


def _report(network, **cycle):
    return make_cycle(**cycle).reports.select_related("cycle", "membership").get(city=network.city)


def _mails(code):
    return list(OutboxMessage.objects.filter(template_code=code).order_by("pk"))


# --- reminders and escalation -------------------------------------------------------------


def test_reminders_escalate_from_the_coordinators_to_the_commission_to_the_secretariat(network):
    report = _report(network)
    due = report.due_at

    assert send_reminders(now=due - 31 * DAY) == 0  # before the first reminder (-30)
    assert send_reminders(now=due - 29 * DAY) == 1
    assert send_reminders(now=due - 29 * DAY) == 0  # nothing twice
    [before] = _mails("reports.report.reminder")
    assert before.recipients == [network.coordinator.email]
    assert "is due on" in before.body

    send_reminders(now=due + 8 * DAY)  # -7 and +7 have passed: only +7 is sent
    reminders = _mails("reports.report.reminder")
    assert len(reminders) == 2
    assert "has not been received" in reminders[-1].body
    assert "overdue" in reminders[-1].subject
    skipped = ReminderSent.objects.get(report=report, rule__days=-7)
    assert skipped.skipped

    send_reminders(now=due + 31 * DAY)
    [commission] = _mails("reports.report.overdue_commission")
    assert commission.recipients == [network.endorser.email]
    assert f"/workspace/reports/country/{network.city.country_id}/" in commission.body
    assert not _mails("reports.report.overdue_secretariat")

    send_reminders(now=due + 61 * DAY)
    [secretariat] = _mails("reports.report.overdue_secretariat")
    assert network.secretary.email in secretariat.recipients
    assert ReminderSent.objects.filter(report=report, skipped=False).count() == 4


def test_a_submitted_report_gets_no_more_reminders(network):
    report = _report(network)
    submit(report, network.coordinator)
    assert send_reminders(now=report.due_at + 61 * DAY) == 0
    assert (
        not OutboxMessage.objects.filter(template_code__startswith="reports.report.")
        .exclude(template_code="reports.report.accepted")
        .exists()
    )


def test_reminders_follow_the_extension(network):
    report = _report(network)
    report = extend_report(
        report, until=report.due_at + 30 * DAY, reason="Elections in May", actor=network.coordinator
    )
    # Eight days after the cycle's due date: the report is not overdue, its reminder says so.
    assert send_reminders(now=report.cycle.due_at + 8 * DAY) == 1
    reminder = _mails("reports.report.reminder")[-1]
    assert "is due on" in reminder.body
    assert "overdue" not in reminder.subject
    assert send_reminders(now=report.due_at + 8 * DAY) == 1
    assert "has not been received" in _mails("reports.report.reminder")[-1].body
    assert "already an extension" in _mails("reports.report.reminder")[-1].body


# --- the one extension --------------------------------------------------------------------


def test_one_extension_per_city_per_cycle_with_its_reason_in_the_log(network):
    report = _report(network)
    due = report.cycle.due_at
    with pytest.raises(ReportError, match="reason"):
        extend_report(report, until=due + 10 * DAY, reason=" ", actor=network.coordinator)
    with pytest.raises(ReportError, match="no later than"):
        extend_report(report, until=due + 61 * DAY, reason="Floods", actor=network.coordinator)
    with pytest.raises(ReportError, match="must be after"):
        extend_report(report, until=due - DAY, reason="Floods", actor=network.coordinator)

    report = extend_report(report, until=due + 20 * DAY, reason="Floods", actor=network.coordinator)
    assert report.due_at == due + 20 * DAY
    entry = ActivityLogEntry.objects.get(action="reports.report.extended")
    assert entry.changes["reason"] == ["", "Floods"]
    [mail] = _mails("reports.report.extended")
    assert "Floods" in mail.body

    with pytest.raises(ReportError) as refused:
        extend_report(report, until=due + 30 * DAY, reason="Again", actor=network.secretary)
    assert refused.value.code == "already_extended"


# --- on hold, lapse, restoration ----------------------------------------------------------


def _directory(status):
    return {c.pk for c in cities_for_directory(DirectoryFilters(status=status, sort="newest"))}


def test_an_overdue_city_goes_on_hold_after_the_grace_and_leaves_the_active_list(network):
    report = _report(network, hold_after_days=60)
    due = report.due_at
    assert report_standing(report, now=due - DAY) == Standing.DUE
    assert report_standing(report, now=due + DAY) == Standing.OVERDUE
    assert apply_holds(now=due + 59 * DAY) == 0

    assert apply_holds(now=due + 61 * DAY) == 1
    assert apply_holds(now=due + 62 * DAY) == 0  # held once
    report.refresh_from_db()
    membership = Membership.objects.get(pk=network.membership.pk)
    assert membership.on_hold_since is not None
    assert membership.status == "active"
    assert report_standing(report) == Standing.ON_HOLD
    assert network.city.pk not in _directory(STATUS_CURRENT)
    assert network.city.pk in _directory(STATUS_ON_HOLD)
    told = {address for mail in _mails("reports.membership.on_hold") for address in mail.recipients}
    assert told == {network.coordinator.email, network.endorser.email}


def test_a_late_report_accepted_within_the_grace_period_restores_the_member(network):
    report = _report(network)
    apply_holds(now=report.due_at + 61 * DAY)
    report.refresh_from_db()
    stage = report.on_hold_since + dt.timedelta(days=report.cycle.grace_days)
    with pytest.raises(ReportError) as refused:
        stage_lapse(report, reason="No report", actor=network.secretary, now=timezone.now())
    assert refused.value.code == "grace_period"

    report = submit(report, network.coordinator)
    assert report_standing(report) == Standing.ON_HOLD  # until accepted
    report = accept(report, network.secretary)
    assert report.on_hold_since is None
    assert Membership.objects.get(pk=network.membership.pk).on_hold_since is None
    assert report_standing(report) == Standing.RECEIVED
    assert network.city.pk in _directory(STATUS_CURRENT)
    assert _mails("reports.membership.restored")
    assert ActivityLogEntry.objects.filter(action="network.membership.restore").exists()
    assert stage  # the day a lapse would have been possible


def test_a_staged_lapse_is_withdrawn_when_the_report_is_accepted(network):
    report = _report(network)
    apply_holds(now=report.due_at + 61 * DAY)
    report.refresh_from_db()
    after = report.due_at + dt.timedelta(days=61 + report.cycle.grace_days + 2)
    stage_lapse(report, reason="No report", actor=network.secretary, now=after)
    report = submit(report, network.coordinator)
    report = accept(report, network.secretary)
    assert report.lapse_staged_at is None
    with pytest.raises(ReportError):
        release_lapses(report.cycle, actor=network.secretary, now=after)


def test_lapse_after_release_ends_the_membership_and_statistics_follow(network):
    other = Network(country_code="FR")
    report = _report(network)
    apply_holds(now=report.due_at + 61 * DAY)
    report.refresh_from_db()
    later = report.due_at + dt.timedelta(days=61 + report.cycle.grace_days + 2)

    staged = stage_lapse(
        report, reason="No report for two cycles", actor=network.secretary, now=later
    )
    unstage_lapse(staged, actor=network.secretary)
    with pytest.raises(ReportError) as refused:
        release_lapses(report.cycle, actor=network.secretary, now=later)
    assert refused.value.code == "not_staged"
    stage_lapse(report, reason="No report for two cycles", actor=network.secretary, now=later)
    # Nothing ends before the release.
    assert Membership.objects.get(pk=network.membership.pk).status == "active"

    release = release_lapses(report.cycle, actor=network.secretary, now=later)
    membership = Membership.objects.get(pk=network.membership.pk)
    ended_on = later.astimezone(dt.UTC).date()
    assert release.count == 1
    assert membership.status == "lapsed"
    assert abs((membership.ended_on - ended_on).days) <= 1
    assert membership.end_reason == "No report for two cycles"
    report.refresh_from_db()
    assert report_standing(report) == Standing.LAPSED
    assert {m.template_code for m in OutboxMessage.objects.all()} >= {"reports.membership.lapsed"}
    assert other.membership.status == "active"

    before = membership.ended_on - DAY
    assert compute_network_stats(before).member_cities == 2
    assert compute_network_stats(membership.ended_on).member_cities == 1


def test_statistics_as_of_any_date_count_across_a_lapse_and_a_readmission(network):
    report = _report(network)
    apply_holds(now=report.due_at + 61 * DAY)
    report.refresh_from_db()
    later = report.due_at + dt.timedelta(days=61 + report.cycle.grace_days + 2)
    stage_lapse(report, reason="", actor=network.secretary, now=later)
    release_lapses(report.cycle, actor=network.secretary, now=later)
    ended_on = Membership.objects.get(pk=network.membership.pk).ended_on

    rejoined = ended_on + dt.timedelta(days=400)
    admit_city(network.city, joined=PartialDate.parse(rejoined.isoformat()))

    joined = network.membership.member_from
    assert compute_network_stats(joined - DAY).member_cities == 0
    assert compute_network_stats(joined).member_cities == 1
    assert compute_network_stats(ended_on - DAY).member_cities == 1
    assert compute_network_stats(ended_on).member_cities == 0
    assert compute_network_stats(rejoined - DAY).member_cities == 0
    assert compute_network_stats(rejoined).member_cities == 1
    assert network.city.memberships.count() == 2


def test_a_held_or_lapsed_report_cannot_be_extended(network):
    report = _report(network)
    apply_holds(now=report.due_at + 61 * DAY)
    report.refresh_from_db()
    with pytest.raises(ReportError) as refused:
        extend_report(
            report, until=report.cycle.due_at + 5 * DAY, reason="Late", actor=network.secretary
        )
    assert refused.value.code == "not_extendable"


def test_reminder_audiences_are_data(network):
    report = _report(network, reminders=[(-1, Audience.COMMISSION)])
    assert send_reminders(now=report.due_at) == 1
    assert _mails("reports.report.overdue_commission")
    assert not _mails("reports.report.reminder")


def test_the_public_page_of_a_city_on_hold_says_so_until_it_is_restored(client, network):
    from django.urls import reverse

    report = _report(network)
    url = reverse("network:city", kwargs={"pk": network.city.pk})
    assert "is on hold since" not in client.get(url).text
    apply_holds(now=report.due_at + 61 * DAY)
    page = client.get(url).text
    assert "This membership is on hold since" in page
    directory = client.get(reverse("network:directory"), {"status": "on_hold"}).text
    assert "Member, on hold" in directory
    report.refresh_from_db()
    accept(submit(report, network.coordinator), network.secretary)
    assert "is on hold since" not in client.get(url).text
