"""The secretariat's pages of progress reports: cycles, a cycle, its lapses, the review."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.network.enums import MembershipStatus
from learningcities.reports.domain.cycles import local_date
from learningcities.reports.domain.queries.work_secretariat import secretariat_reports_work
from learningcities.reports.domain.standing import hold_report
from learningcities.reports.enums import Assessment, Audience, ReportState
from learningcities.reports.models import ProgressReport, ReportingCycle, SectionFeedback
from tests.accounts.factories import person_with_role

from .factories import Network, make_cycle, report_framework, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
S = ReportState


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


@pytest.fixture
def network():
    return Network()


@pytest.fixture
def cycle(network):
    return make_cycle()


@pytest.fixture
def report(cycle, network):
    return cycle.reports.get(city=network.city)


def _pages(cycle, report) -> dict[str, str]:
    code = {"code": cycle.code}
    return {
        "cycles": reverse("reports:cycles"),
        "create": reverse("reports:cycle-create"),
        "cycle": reverse("reports:cycle", kwargs=code),
        "edit": reverse("reports:cycle-edit", kwargs=code),
        "lapses": reverse("reports:lapses", kwargs=code),
        "review": reverse("reports:review", kwargs={"pk": report.pk}),
    }


# --- who may open them -------------------------------------------------------------------------


def test_every_page_opens_for_the_secretariat(client, staff, cycle, report):
    for name, url in _pages(cycle, report).items():
        response = client.get(url)
        assert response.status_code == 200, name


def test_the_workspace_navigation_links_the_reporting_cycles(client, staff, cycle):
    response = client.get(reverse("reports:cycles"))

    assert f'href="{reverse("reports:cycles")}"' in response.text
    assert f'href="{reverse("reports:cycle", kwargs={"code": cycle.code})}"' in response.text
    assert "New reporting cycle" in response.text


@pytest.mark.parametrize("who", ["coordinator", "endorser", "juror"])
def test_other_roles_are_refused(client, network, cycle, report, who):
    person = {
        "coordinator": network.coordinator,
        "endorser": network.endorser,
        "juror": person_with_role(Role.JUROR, totp=True),
    }[who]
    client.force_login(person)

    for name, url in _pages(cycle, report).items():
        assert client.get(url).status_code == 403, name
        if name not in ("cycles", "cycle"):  # shown only: a POST is 405 before anything
            assert client.post(url, {"action": "accept"}).status_code == 403, name
    due = reverse("reports:cycle-due", kwargs={"code": cycle.code})
    assert client.post(due).status_code == 403
    assert ReportingCycle.objects.count() == 1
    report.refresh_from_db()
    assert report.state == S.DRAFT


def test_visitors_are_sent_to_log_in(client, cycle, report):
    for name, url in _pages(cycle, report).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert reverse("account_login") in response.url


def test_missing_cycle_or_report_is_404_and_adding_due_takes_a_post(client, staff, cycle):
    for name in ("reports:cycle", "reports:cycle-edit", "reports:lapses"):
        assert client.get(reverse(name, kwargs={"code": "no-such-cycle"})).status_code == 404
    assert client.get(reverse("reports:review", kwargs={"pk": 999_999})).status_code == 404
    due = reverse("reports:cycle-due", kwargs={"code": cycle.code})
    assert client.get(due).status_code == 405
    assert client.post(reverse("reports:cycle-due", kwargs={"code": "nope"})).status_code == 404


# --- creating and editing a cycle --------------------------------------------------------------


def _cycle_post(**overrides) -> dict:
    data = {
        "code": "2027-2029",
        "name": "Progress reports 2027-2029",
        "language": "en",
        "instructions": "Report on the two years past.",
        "framework": report_framework().pk,
        "period_start": "2025-01-01",
        "period_end": "2026-12-31",
        "opens": (timezone.now() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "due": (timezone.now() + dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M"),
        "time_zone": "Asia/Tokyo",
        "admitted_before": "",
        "hold_after_days": "60",
        "grace_days": "180",
        "max_extension_days": "60",
        "reminders_coordinators": "-30, -7, 7",
        "reminders_commission": "30",
        "reminders_secretariat": "60",
    }
    data.update(overrides)
    return data


def test_the_new_cycle_form_starts_from_the_default_reminders(client, staff):
    response = client.get(reverse("reports:cycle-create"))

    form = response.context["form"]
    assert form["reminders_coordinators"].value() == "-30, -7, 7"
    assert form["reminders_commission"].value() == "30"
    assert form["reminders_secretariat"].value() == "60"


def test_creating_a_cycle_makes_the_reports_of_the_members_due(client, staff, network):
    late = Network(joined="2025-09-08")

    response = client.post(reverse("reports:cycle-create"), _cycle_post())

    cycle = ReportingCycle.objects.get(code="2027-2029")
    assert response.status_code == 302
    assert response.url == reverse("reports:cycle", kwargs={"code": cycle.code})
    assert set(cycle.reports.values_list("city_id", flat=True)) == {network.city.pk}
    assert not cycle.reports.filter(city=late.city).exists()
    # Empty cut-off: the first day of the period covered.
    assert cycle.admitted_before == dt.date(2025, 1, 1)
    assert cycle.time_zone == "Asia/Tokyo"
    assert cycle.due_at.astimezone(dt.UTC).utcoffset() == dt.timedelta(0)
    rules = set(cycle.reminder_rules.values_list("days", "audience"))
    assert rules == {
        (-30, Audience.COORDINATORS),
        (-7, Audience.COORDINATORS),
        (7, Audience.COORDINATORS),
        (30, Audience.COMMISSION),
        (60, Audience.SECRETARIAT),
    }
    page = client.get(response.url)
    assert "1 city is due to report" in page.text
    assert network.city.name in page.text


def test_the_dates_are_read_in_the_cycle_time_zone(client, staff):
    client.post(
        reverse("reports:cycle-create"),
        _cycle_post(opens="2026-01-10T09:00", due="2026-06-30T17:00", time_zone="Asia/Tokyo"),
    )

    cycle = ReportingCycle.objects.get(code="2027-2029")
    assert cycle.due_at == dt.datetime(2026, 6, 30, 8, 0, tzinfo=dt.UTC)
    edit = client.get(reverse("reports:cycle-edit", kwargs={"code": cycle.code}))
    assert 'value="2026-06-30T17:00"' in edit.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminders_coordinators", "-30, -7o, 7", "“-7o” is not a whole number of days"),
        ("reminders_commission", "30, 1000", "“1000” is out of range"),
        ("reminders_secretariat", "sixty", "“sixty” is not a whole number of days"),
    ],
)
def test_a_bad_reminder_is_named_and_nothing_is_created(client, staff, field, value, message):
    response = client.post(reverse("reports:cycle-create"), _cycle_post(**{field: value}))

    assert response.status_code == 400
    assert message in response.text
    assert response.context["form"].errors[field]
    assert not ReportingCycle.objects.exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"due": "2020-01-01T00:00"},
        {"period_end": "2024-01-01"},
        {"time_zone": "Mars/Olympus"},
        {"framework": "999999"},
        {"framework": "abc"},
        {"hold_after_days": "99999999999"},
        {"code": "not a slug!"},
        {"opens": "yesterday"},
        {"reminders_coordinators": "9" * 300},
    ],
)
def test_bad_input_is_a_form_error_never_a_500(client, staff, overrides):
    response = client.post(reverse("reports:cycle-create"), _cycle_post(**overrides))

    assert response.status_code == 400
    assert response.context["form"].errors
    assert not ReportingCycle.objects.exists()


def test_a_code_in_use_is_refused_on_the_form(client, staff, cycle):
    response = client.post(reverse("reports:cycle-create"), _cycle_post(code=cycle.code))

    assert response.status_code == 400
    assert f"The code {cycle.code} is already used" in response.text


def test_editing_a_cycle_saves_settings_and_reminders(client, staff, cycle):
    url = reverse("reports:cycle-edit", kwargs={"code": cycle.code})
    form = client.get(url).context["form"]
    assert form.fields["framework"].disabled  # the cycle has a report
    data = _cycle_post(
        code="changed",
        name="Renamed cycle",
        framework=cycle.framework_id,
        reminders_coordinators="-14",
        reminders_commission="",
        reminders_secretariat="90",
        grace_days="200",
    )

    response = client.post(url, data)

    assert response.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.code, cycle.name, cycle.grace_days) == ("2025-2027", "Renamed cycle", 200)
    assert set(cycle.reminder_rules.values_list("days", "audience")) == {
        (-14, Audience.COORDINATORS),
        (90, Audience.SECRETARIAT),
    }


# --- a cycle's page ----------------------------------------------------------------------------


def test_the_cycle_page_counts_filters_and_adds_cities_now_due(client, staff, cycle, network):
    submit(cycle.reports.get(city=network.city), network.coordinator)
    other = Network(country_code="KE")
    newcomer = Network(joined="2025-03-01")
    url = reverse("reports:cycle", kwargs={"code": cycle.code})

    page = client.get(url)
    assert page.context["counts"].expected == 1
    assert page.context["counts"].received == 1
    # The rule names the member added since; the one admitted after the cut-off waits.
    assert (page.context["preview"].due, page.context["preview"].missing) == (2, 1)
    assert "Add cities now due" in page.text

    response = client.post(reverse("reports:cycle-due", kwargs={"code": cycle.code}))
    assert response.status_code == 302
    assert set(cycle.reports.values_list("city_id", flat=True)) == {
        network.city.pk,
        other.city.pk,
    }
    assert not cycle.reports.filter(city=newcomer.city).exists()
    page = client.get(response.url)
    assert "1 city now due was added to the cycle." in page.text
    assert "Add cities now due" not in page.text

    waiting = client.get(url, {"standing": "due"})
    assert [r.city_id for r in waiting.context["page"].object_list] == [other.city.pk]
    kenya = client.get(url, {"country": "KE"})
    assert [r.city_id for r in kenya.context["page"].object_list] == [other.city.pk]
    submitted = client.get(url, {"state": "submitted"})
    assert [r.city_id for r in submitted.context["page"].object_list] == [network.city.pk]
    assert reverse("reports:review", kwargs={"pk": cycle.reports.get(city=network.city).pk}) in (
        submitted.text
    )


@pytest.mark.parametrize(
    "query",
    [{"state": "nonsense"}, {"standing": "x"}, {"region": "mars"}, {"country": "ZZ"}],
)
def test_bad_filters_are_shown_as_errors(client, staff, cycle, query):
    response = client.get(reverse("reports:cycle", kwargs={"code": cycle.code}), query)

    assert response.status_code == 400
    assert response.context["filters"].errors


def test_an_odd_page_number_shows_the_first_page(client, staff, cycle):
    url = reverse("reports:cycle", kwargs={"code": cycle.code})

    assert client.get(url, {"page": "abc"}).status_code == 200
    assert client.get(url, {"page": "99999999999999"}).status_code == 200


def test_the_cycle_page_reads_a_fixed_number_of_queries(
    client, staff, cycle, django_assert_max_num_queries
):
    url = reverse("reports:cycle", kwargs={"code": cycle.code})
    client.get(url)
    for _ in range(5):
        Network()
    client.post(reverse("reports:cycle-due", kwargs={"code": cycle.code}))

    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 6


# --- the review --------------------------------------------------------------------------------


def _review(client, report, **data):
    return client.post(reverse("reports:review", kwargs={"pk": report.pk}), data)


def test_the_review_reads_the_whole_report(client, staff, report, network):
    report = submit(report, network.coordinator)

    response = client.get(reverse("reports:review", kwargs={"pk": report.pk}))

    assert "The city opened learning centres" in response.text
    assert "City statistics office" in response.text
    assert "Year: 2025" in response.text
    assert response.context["can_return"]
    assert response.context["can_accept"]
    assert "Return the report" in response.text


def test_return_with_feedback_per_section(client, staff, report, network):
    report = submit(report, network.coordinator)
    section = report.cycle.framework.sections.order_by("order").last()

    response = _review(
        client,
        report,
        action="return",
        **{f"return-section_{section.pk}": "Give the year of each figure.", "return-comment": ""},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == S.RETURNED
    feedback = SectionFeedback.objects.get(report=report)
    assert (feedback.section, feedback.round, feedback.text) == (
        section,
        1,
        "Give the year of each figure.",
    )
    page = client.get(reverse("reports:review", kwargs={"pk": report.pk}))
    assert "Give the year of each figure." in page.text
    assert not page.context["can_return"]
    assert not page.context["can_accept"]


def test_a_return_without_feedback_is_refused(client, staff, report, network):
    report = submit(report, network.coordinator)

    response = _review(client, report, action="return", **{"return-comment": "Please fix."})

    assert response.status_code == 400
    assert "Give feedback on at least one section" in response.text
    report.refresh_from_db()
    assert report.state == S.SUBMITTED


def test_accept_with_an_assessment(client, staff, report, network):
    report = submit(report, network.coordinator)

    response = _review(
        client,
        report,
        action="accept",
        **{"accept-assessment": Assessment.EXEMPLARY, "accept-assessment_text": "Bold work."},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.assessment, report.assessment_text) == (
        S.ACCEPTED,
        Assessment.EXEMPLARY,
        "Bold work.",
    )


@pytest.mark.parametrize(
    "data",
    [
        {"action": "accept", "accept-assessment": "", "accept-assessment_text": "Good."},
        {"action": "accept", "accept-assessment": "great", "accept-assessment_text": "Good."},
        {"action": "accept", "accept-assessment": "good", "accept-assessment_text": "   "},
        {"action": "fly"},
        {},
    ],
)
def test_bad_review_input_is_refused_not_a_500(client, staff, report, network, data):
    report = submit(report, network.coordinator)

    response = _review(client, report, **data)

    assert response.status_code == 400
    report.refresh_from_db()
    assert report.state == S.SUBMITTED


def test_a_draft_can_be_neither_returned_nor_accepted(client, staff, report):
    page = client.get(reverse("reports:review", kwargs={"pk": report.pk}))
    assert not page.context["can_accept"]
    assert "Accept the report" not in page.text

    response = _review(
        client,
        report,
        action="accept",
        **{"accept-assessment": "good", "accept-assessment_text": "Good."},
    )

    assert response.status_code == 409
    report.refresh_from_db()
    assert report.state == S.DRAFT


# --- lapses ------------------------------------------------------------------------------------


@pytest.fixture
def held(network):
    """A report of a cycle long past due, its city on hold since before its grace period."""
    now = timezone.now()
    cycle = make_cycle(
        code="2023-2025",
        opens_at=now - dt.timedelta(days=600),
        due_at=now - dt.timedelta(days=400),
        grace_days=100,
    )
    report = cycle.reports.get(city=network.city)
    hold_report(report, now=now - dt.timedelta(days=150))
    report.refresh_from_db()
    return report


def _lapses(client, target, **data):
    return client.post(reverse("reports:lapses", kwargs={"code": target.cycle.code}), data)


def test_stage_unstage_and_release_a_lapse(client, staff, held, network):
    page = client.get(reverse("reports:lapses", kwargs={"code": held.cycle.code}))
    assert [line.report.pk for line in page.context["page"].lines] == [held.pk]
    assert page.context["page"].lines[0].may_stage

    stage = {"action": "stage", "report": held.pk, f"stage-{held.pk}-reason": "No report."}
    assert _lapses(client, held, **stage).status_code == 302
    held.refresh_from_db()
    assert held.lapse_staged_at is not None
    assert held.lapse_reason == "No report."

    assert _lapses(client, held, action="unstage", report=held.pk).status_code == 302
    held.refresh_from_db()
    assert held.lapse_staged_at is None

    _lapses(client, held, **stage)
    page = client.get(reverse("reports:lapses", kwargs={"code": held.cycle.code}))
    today = local_date(timezone.now(), held.cycle)
    assert "Releasing now ends 1 membership on" in page.text
    assert page.context["page"].ends_on == today

    response = _lapses(client, held, action="release", confirm="yes", expected="1")

    assert response.status_code == 302
    network.membership.refresh_from_db()
    assert network.membership.status == MembershipStatus.LAPSED
    assert network.membership.ended_on == today
    held.refresh_from_db()
    assert held.lapsed_at is not None
    page = client.get(response.url)
    assert "1 membership ended on" in page.text


def test_a_release_needs_the_box_and_the_count_shown(client, staff, held, network):
    _lapses(client, held, action="stage", report=held.pk, **{f"stage-{held.pk}-reason": "None."})

    unconfirmed = _lapses(client, held, action="release", expected="1")
    stale = _lapses(client, held, action="release", confirm="yes", expected="2")

    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm the release." in unconfirmed.text
    assert stale.status_code == 400
    assert "The staged lapses changed since the page was shown" in stale.text
    network.membership.refresh_from_db()
    assert network.membership.status == MembershipStatus.ACTIVE


def test_a_lapse_within_the_grace_period_is_refused(client, staff, network):
    now = timezone.now()
    cycle = make_cycle(
        code="2024-2026", opens_at=now - dt.timedelta(days=300), due_at=now - dt.timedelta(days=90)
    )
    report = cycle.reports.get(city=network.city)
    hold_report(report, now=now - dt.timedelta(days=10))

    response = _lapses(
        client, report, action="stage", report=report.pk, **{f"stage-{report.pk}-reason": "Late."}
    )

    assert response.status_code == 409
    assert "may lapse from" in response.text
    report.refresh_from_db()
    assert report.lapse_staged_at is None


@pytest.mark.parametrize(
    "data",
    [
        {"action": "stage", "report": "abc"},
        {"action": "stage", "report": "99999999999999999999999"},
        {"action": "unstage", "report": "1"},
        {"action": "explode"},
        {"action": "release", "expected": "many"},
        {},
    ],
)
def test_bad_lapse_input_never_a_500(client, staff, held, data):
    if data.get("report") == "1":
        data["report"] = str(held.pk)  # nothing staged: the domain refuses

    response = _lapses(client, held, **data)

    assert response.status_code in (400, 409)
    held.refresh_from_db()
    assert held.lapse_staged_at is None
    assert held.lapsed_at is None


def test_a_stage_without_a_reason_is_a_form_error(client, staff, held):
    response = _lapses(client, held, action="stage", report=held.pk)

    assert response.status_code == 400
    assert "This field is required." in response.text or "required" in response.text


def test_a_report_of_another_cycle_cannot_be_staged_here(client, staff, held, cycle):
    response = client.post(
        reverse("reports:lapses", kwargs={"code": cycle.code}),
        {"action": "stage", "report": held.pk, f"stage-{held.pk}-reason": "Gone."},
    )

    assert response.status_code == 400
    held.refresh_from_db()
    assert held.lapse_staged_at is None


# --- My work -----------------------------------------------------------------------------------


def test_my_work_part_lists_reports_to_review_and_lapses(staff, network, held):
    other = Network(country_code="KE")
    cycle = make_cycle()
    report = submit(cycle.reports.get(city=other.city), other.coordinator)

    work = secretariat_reports_work(staff)

    assert [r.pk for r in work["submitted"]] == [report.pk]
    assert work["submitted_count"] == 1
    lines = {line.cycle.code: line for line in work["cycles"]}
    assert lines[held.cycle.code].may_lapse == 1
    html = render_to_string("reports/manage/work.html", {"work": work})
    assert reverse("reports:review", kwargs={"pk": report.pk}) in html
    assert reverse("reports:lapses", kwargs={"code": held.cycle.code}) in html
    assert "1 lapse may be staged" in html
    assert secretariat_reports_work(network.coordinator) is None


def test_my_work_part_counts_cities_due_to_go_on_hold(staff, network):
    now = timezone.now()
    cycle = make_cycle(
        code="2022-2024", opens_at=now - dt.timedelta(days=300), due_at=now - dt.timedelta(days=90)
    )

    work = secretariat_reports_work(staff)

    assert [(line.cycle, line.to_hold) for line in work["cycles"]] == [(cycle, 1)]
    assert ProgressReport.objects.get(cycle=cycle).on_hold_since is None


def test_my_work_part_reads_a_fixed_number_of_queries(staff, network, django_assert_num_queries):
    now = timezone.now()
    secretariat_reports_work(staff)  # the person's roles are read once, then kept
    with django_assert_num_queries(3):  # no cycle past due: nothing to count per cycle
        secretariat_reports_work(staff)
    make_cycle(
        code="2022-2024", opens_at=now - dt.timedelta(days=300), due_at=now - dt.timedelta(days=90)
    )
    with django_assert_num_queries(4):
        secretariat_reports_work(staff)
    for number in range(3):
        make_cycle(
            code=f"2018-202{number}",
            opens_at=now - dt.timedelta(days=500),
            due_at=now - dt.timedelta(days=200 + number),
        )
        Network()
    with django_assert_num_queries(4):
        secretariat_reports_work(staff)
