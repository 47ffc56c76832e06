"""A progress report in Chromium: carried over, returned for one section, resubmitted, accepted;
and an overdue city put on hold, then restored when its late report is accepted.

After the login page, people only click what they see and fill in forms. The
earlier cycles, the answers of the earlier reports and the daily run that puts
overdue members on hold are made through the domain, as the scheduled job
would.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.frameworks.models import Framework
from learningcities.network.models import Membership
from learningcities.questionnaires.forms import answer_field_name
from learningcities.reports.domain.answers import save_report_answers
from learningcities.reports.domain.cycles import CycleData, create_cycle
from learningcities.reports.domain.standing import apply_holds
from learningcities.reports.domain.transitions import move_report
from learningcities.reports.enums import CITY, SECRETARIAT, ReportState
from learningcities.reports.models import ProgressReport
from tests.accounts.factories import person_with_role
from tests.browser.conftest import save_form
from tests.browser.test_role_journeys_work import WAIT, click
from tests.reports.factories import Network

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

DAY = dt.timedelta(days=1)
EARLIER = "What the city did in this area in 2023 and 2024: learning festivals in every district."
UPDATED = "In 2025 the city opened four community learning centres and trained 120 volunteers."
RESUBMITTED = "The council adopted the lifelong learning strategy in March 2026, with a budget."


def _framework():
    return Framework.objects.get(code="progress-report", version="2026")


def _cycle(code, *, opens, due, **extra):
    data = CycleData(
        code=code,
        name=f"Progress reports {code}",
        framework=_framework(),
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
        opens_at=opens,
        due_at=due,
        time_zone="Europe/Paris",
        admitted_before=dt.date(2023, 1, 1),
        **extra,
    )
    return create_cycle(data, actor=None)


def _accepted_earlier_report(network, cycle, secretary):
    """The city's report of an earlier cycle, every narrative written, submitted and accepted."""
    report = cycle.reports.get(city=network.city)
    narratives = dict.fromkeys(cycle.framework.criteria.filter(code__endswith=".0"), EARLIER)
    save_report_answers(report, narratives, actor=network.coordinator)
    move_report(
        report, ReportState.SUBMITTED, actor=network.coordinator, role=CITY, now=cycle.due_at - DAY
    )
    move_report(report, ReportState.ACCEPTED, actor=secretary, role=SECRETARIAT, assessment="good")


def _watch(page):
    page.set_default_timeout(WAIT)
    page.languages = set()
    return page


def _my_work(page):
    click(page, page.get_by_role("navigation", name="Account").get_by_role("link", name="My work"))


def _open_report(page, cycle_name):
    _my_work(page)
    part = page.get_by_role("region", name="Progress reports")
    click(page, part.get_by_role("link", name=cycle_name))


def _edit_narrative(page, criterion, text):
    field = page.locator(f"[name='{answer_field_name(criterion)}']")
    field.fill(text)
    save_form(page, "Save")
    page.get_by_text("Your answers have been saved.").wait_for()


def _review(desk, city_name):
    _my_work(desk)
    part = desk.get_by_role("region", name="Progress reports")
    click(desk, part.get_by_role("link", name=city_name))


def test_a_carried_over_report_is_returned_for_one_section_resubmitted_and_accepted(open_as):
    now = timezone.now()
    network = Network(joined="2019-10-02")
    secretary = person_with_role(Role.SECRETARIAT, totp=True)
    earlier = _cycle("2023-2025", opens=now - 800 * DAY, due=now - 700 * DAY)
    _accepted_earlier_report(network, earlier, secretary)
    current = _cycle("2025-2027", opens=now - 10 * DAY, due=now + 60 * DAY)
    criteria = {c.code: c for c in current.framework.criteria.all()}
    sections = {s.code: s for s in current.framework.sections.all()}

    # The coordinator finds the report carried over, updates one narrative and submits.
    city = _watch(open_as(network.coordinator))
    _open_report(city, current.name)
    city.get_by_text("still stand as they were carried over from your last report").wait_for()
    nav = city.get_by_role("navigation", name="Sections of the report")
    click(city, nav.get_by_role("link", name=f"1 {sections['1'].title}"))
    assert city.get_by_text("Unchanged since the last report").count() >= 3
    _edit_narrative(city, criteria["1.1.0"], UPDATED)
    click(city, city.get_by_role("link", name="Back to the report"))
    click(city, city.get_by_role("button", name="Submit the report"))
    city.get_by_text("The report has been submitted").wait_for()

    # The secretariat returns it with feedback on one section.
    desk = _watch(open_as(secretary, totp=True))
    _review(desk, network.city.name)
    desk.get_by_text(UPDATED).wait_for()
    desk.get_by_label(f"Feedback on 3 {sections['3'].title}").fill(
        "Say what the council decided about the strategy."
    )
    click(desk, desk.get_by_role("button", name="Return the report"))
    desk.get_by_text("is returned to the city with your feedback").wait_for()

    # The city reads the feedback beside that section, revises it and resubmits.
    _open_report(city, current.name)
    city.get_by_text("The secretariat returned the report: what to change").wait_for()
    nav = city.get_by_role("navigation", name="Sections of the report")
    click(city, nav.get_by_role("link", name=f"3 {sections['3'].title}"))
    city.get_by_text("Say what the council decided about the strategy.").wait_for()
    _edit_narrative(city, criteria["3.1.0"], RESUBMITTED)
    click(city, city.get_by_role("link", name="Back to the report"))
    click(city, city.get_by_role("button", name="Submit the report"))
    city.get_by_text("The report has been submitted").wait_for()

    # The secretariat accepts it with its assessment.
    _review(desk, network.city.name)
    desk.get_by_text(RESUBMITTED).wait_for()
    desk.get_by_label("Good progress").check()
    desk.get_by_label("Achievements and efforts").fill("A strategy adopted and four new centres.")
    click(desk, desk.get_by_role("button", name="Accept the report"))
    desk.get_by_text("is accepted").wait_for()

    report = ProgressReport.objects.get(cycle=current, city=network.city)
    assert report.state == ReportState.ACCEPTED
    assert report.returned_count == 1
    answers = {a.criterion.code: a for a in report.answers.select_related("criterion")}
    assert answers["1.1.0"].text_value == UPDATED
    assert not answers["1.1.0"].unchanged
    assert answers["2.1.0"].unchanged
    assert (city.js_errors, desk.js_errors) == ([], [])


def test_an_overdue_city_goes_on_hold_and_is_restored_when_its_late_report_is_accepted(
    open_as, browser, live_server
):
    now = timezone.now()
    network = Network(joined="2019-10-02")
    secretary = person_with_role(Role.SECRETARIAT, totp=True)
    earlier = _cycle("2021-2023", opens=now - 900 * DAY, due=now - 800 * DAY)
    _accepted_earlier_report(network, earlier, secretary)
    late = _cycle("2023-2025", opens=now - 200 * DAY, due=now - 100 * DAY, hold_after_days=60)
    assert apply_holds() == 1  # the daily run
    assert Membership.objects.get(pk=network.membership.pk).on_hold_since is not None

    # A visitor finds the city among the members on hold; its page says so.
    visitor = _watch(browser.new_context(locale="en-GB").new_page())
    visitor.goto(live_server.url + reverse("network:directory"))
    visitor.get_by_label("Members").select_option(label="Members on hold")
    click(visitor, visitor.get_by_role("button", name="Show cities"))
    click(visitor, visitor.get_by_role("main").get_by_role("link", name=network.city.name))
    visitor.get_by_text("This membership is on hold since").wait_for()

    # The city submits its late report (carried over, complete); the secretariat accepts it.
    city = _watch(open_as(network.coordinator))
    _open_report(city, late.name)
    city.get_by_text("On hold").first.wait_for()
    click(city, city.get_by_role("button", name="Submit the report"))
    city.get_by_text("The report has been submitted").wait_for()
    desk = _watch(open_as(secretary, totp=True))
    _review(desk, network.city.name)
    desk.get_by_label("Some progress").check()
    desk.get_by_label("Achievements and efforts").fill("Late, but complete.")
    click(desk, desk.get_by_role("button", name="Accept the report"))
    desk.get_by_text("is accepted").wait_for()

    # The hold is lifted at once: the city's page no longer says it.
    visitor.reload()
    visitor.get_by_role("heading", name=network.city.name, level=1).wait_for()
    assert visitor.get_by_text("This membership is on hold since").count() == 0
    assert Membership.objects.get(pk=network.membership.pk).on_hold_since is None
    assert (city.js_errors, desk.js_errors) == ([], [])
    visitor.context.close()
