"""The city's and the National Commission's pages of progress reports (reports/views/city.py)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.domain import work as work_registry
from learningcities.accounts.domain.users import activate_totp
from learningcities.frameworks.models import Framework
from learningcities.reports.domain.answers import attach_report_document
from learningcities.reports.domain.queries.work_city import (
    commission_reports_work,
    coordinator_reports_work,
    register_city_work_parts,
)
from learningcities.reports.domain.standing import hold_report
from learningcities.reports.domain.transitions import move_report
from learningcities.reports.enums import CITY, SECRETARIAT, ReportState
from learningcities.reports.models import ReportAnswer, ReportDocument
from tests.accounts.factories import TOTP_SECRET
from tests.calls.factories import endorser_of
from tests.common.files import PDF

from .factories import NARRATIVE, Network, accept, criteria, fill_report, make_cycle, submit

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_X_AUTOSAVE": "1"}


@pytest.fixture(autouse=True)
def _documents_and_logins(private_root, fast_password_hashing):
    return private_root


@pytest.fixture
def net():
    network = Network()
    activate_totp(
        network.secretary, secret=TOTP_SECRET
    )  # the secretariat works with a second factor
    return network


@pytest.fixture
def report(net):
    cycle = make_cycle()
    return cycle.reports.get(city=net.city)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, report, **kwargs) -> str:
    return reverse(f"reports:{name}", kwargs={"pk": report.pk, **kwargs})


def section_data(report, **overrides) -> dict:
    """The POST of section 1 as a browser sends it, with ``overrides`` by field name."""
    data = {
        "answer-1.1.0": NARRATIVE,
        "answer-1.1.2": "",
        "answer-1.2.1.v": "",
        "year-1.2.1.v": "",
        "source-1.2.1.v": "",
    }
    data.update(overrides)
    return data


def answer(report, code: str) -> ReportAnswer | None:
    return report.answers.filter(criterion__code=code).first()


# --- the coordinator's list ----------------------------------------------------------------


def test_my_reports_lists_every_cycle_with_due_date_in_the_cycle_zone_and_standing(net):
    earlier = make_cycle(
        code="2023-2025",
        opens_at=timezone.now() - dt.timedelta(days=400),
        due_at=timezone.now() - dt.timedelta(days=300),
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    current = make_cycle()

    response = logged_in(net.coordinator).get(reverse("reports:mine"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Progress reports 2025-2027" in page
    assert "Progress reports 2023-2025" in page
    assert page.index("2025-2027") < page.index("2023-2025")  # latest cycle first
    assert "(Europe/Paris)" in page
    assert "Report due" in page
    assert "Overdue" in page
    for cycle in (earlier, current):
        assert url("report", cycle.reports.get(city=net.city)) in page


def test_my_reports_is_for_coordinators(net):
    assert logged_in(net.endorser).get(reverse("reports:mine")).status_code == 403
    response = Client().get(reverse("reports:mine"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- the overview, by role -----------------------------------------------------------------


def test_overview_shows_cycle_period_due_progress_and_what_is_missing(net, report):
    response = logged_in(net.coordinator).get(url("report", report))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Progress reports 2025-2027" in page
    assert "1 Jan 2025" in page
    assert "31 Dec 2026" in page
    assert "(Europe/Paris)" in page
    assert "0 of 3 questions answered" in page
    assert "0 of 1 questions answered" in page
    assert "1.1.0 Achievements and efforts: answer missing." in page
    assert url("section", report, code="1") + "#criterion-1.1.0" in page
    assert url("section", report, code="2") + "#criterion-2.1.0" in page
    assert url("read", report) in page
    assert url("report-pdf", report) in page
    assert url("extend", report) in page
    assert "Submit the report" not in page  # incomplete
    assert url("review", report) not in page


def test_overview_shows_the_cycles_instructions(net):
    cycle = make_cycle(instructions="Cover 2025 and 2026.\nAttach the council's plan.")
    report = cycle.reports.get(city=net.city)

    page = logged_in(net.coordinator).get(url("report", report)).content.decode()

    assert "Instructions from the secretariat" in page
    assert "Cover 2025 and 2026.<br>Attach the council" in page


def test_complete_report_offers_the_submit_button(net, report):
    fill_report(report, net.coordinator)

    page = logged_in(net.coordinator).get(url("report", report)).content.decode()

    assert "Your report is complete." in page
    assert "Submit the report" in page
    assert url("submit", report) in page


@pytest.mark.parametrize("name", ["report", "read", "extend"])
def test_pages_of_a_report_are_404_to_another_citys_coordinator(net, report, name):
    other = Network(country_code="FR")

    assert logged_in(other.coordinator).get(url(name, report)).status_code == 404


def test_section_is_404_to_another_citys_coordinator_and_commission(net, report):
    other = Network(country_code="FR")
    section = url("section", report, code="1")

    assert logged_in(other.coordinator).get(section).status_code == 404
    assert logged_in(other.endorser).get(section).status_code == 404
    response = logged_in(other.coordinator).post(section, section_data(report))
    assert response.status_code == 404
    assert answer(report, "1.1.0") is None


def test_commission_of_the_country_reads_the_report_without_changing_it(net, report):
    client = logged_in(net.endorser)

    page = client.get(url("report", report)).content.decode()
    assert "only the city" in page
    assert url("extend", report) not in page
    section = client.get(url("section", report, code="1"))
    assert section.status_code == 200
    assert "<fieldset disabled" in section.content.decode()
    assert client.get(url("read", report)).status_code == 200

    response = client.post(url("section", report, code="1"), section_data(report))
    assert response.status_code == 302
    assert answer(report, "1.1.0") is None
    assert client.post(url("submit", report)).status_code == 403
    assert client.get(url("extend", report)).status_code == 403


def test_commission_of_another_country_gets_404(report):
    stranger = endorser_of("FR")

    for name in ("report", "read"):
        assert logged_in(stranger).get(url(name, report)).status_code == 404


def test_secretariat_reads_the_report_with_a_link_to_review_it(net, report):
    page = logged_in(net.secretary).get(url("report", report)).content.decode()

    assert url("review", report) in page
    assert "Extend the due date" in page


def test_anonymous_people_are_sent_to_log_in(report):
    for name, kwargs in [("report", {}), ("read", {}), ("section", {"code": "1"})]:
        response = Client().get(url(name, report, **kwargs))
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert Client().get(url("submit", report)).status_code == 405


def test_unknown_section_is_404(net, report):
    assert logged_in(net.coordinator).get(url("section", report, code="9")).status_code == 404


# --- writing and submitting ----------------------------------------------------------------


def test_the_whole_path_from_sections_to_submission(net, report):
    client = logged_in(net.coordinator)

    response = client.post(
        url("section", report, code="1"),
        section_data(
            report,
            **{
                "answer-1.1.2": "2",
                "answer-1.2.1.v": "12,5",
                "year-1.2.1.v": "2025",
                "source-1.2.1.v": "City statistics office",
            },
        ),
    )
    assert response.status_code == 302
    figure = answer(report, "1.2.1.v")
    assert figure.number_value == 12.5
    assert figure.data_year == 2025
    assert figure.source == "City statistics office"
    assert answer(report, "1.1.2").rating_value == 2

    client.post(url("section", report, code="2"), {"answer-2.1.0": NARRATIVE})
    page = client.get(url("report", report)).content.decode()
    assert "3 of 3 questions answered" in page
    assert "1 of 1 questions answered" in page

    response = client.post(url("submit", report))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    page = client.get(url("report", report)).content.decode()
    assert "The report has been submitted" in page
    assert "it can no longer be changed" in page

    # Once submitted, the section no longer saves.
    client.post(url("section", report, code="2"), {"answer-2.1.0": "Changed"})
    assert answer(report, "2.1.0").text_value == NARRATIVE


def test_submitting_an_incomplete_report_shows_what_is_missing_on_the_overview(net, report):
    response = logged_in(net.coordinator).post(url("submit", report))

    assert response.status_code == 409
    page = response.content.decode()
    assert "The report is not complete" in page
    assert "Still to do before submitting" in page
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_a_figure_without_its_year_holds_the_submission(net, report):
    client = logged_in(net.coordinator)
    client.post(url("section", report, code="1"), section_data(report, **{"answer-1.2.1.v": "40"}))
    client.post(url("section", report, code="2"), {"answer-2.1.0": NARRATIVE})

    page = client.get(url("report", report)).content.decode()

    assert "give the year the figure describes" in page
    assert "Submit the report" not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("year-1.2.1.v", "3000", "must be a whole number from 1950 to 2100"),
        ("year-1.2.1.v", "last year", "must be a whole number from 1950 to 2100"),
        ("answer-1.1.2", "9", "Select a valid choice"),
        ("answer-1.2.1.v", "twelve", "expected a number"),
        ("answer-1.2.1.v", "-4", "a number that is not negative"),
    ],
)
def test_bad_input_is_an_error_on_its_field_and_the_rest_is_saved(
    net, report, field, value, message
):
    response = logged_in(net.coordinator).post(
        url("section", report, code="1"), section_data(report, **{field: value})
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "The others were saved" in page
    assert answer(report, "1.1.0").text_value == NARRATIVE


def test_a_source_too_long_is_refused_on_its_field(net, report):
    response = logged_in(net.coordinator).post(
        url("section", report, code="1"),
        section_data(report, **{"answer-1.2.1.v": "3", "source-1.2.1.v": "x" * 301}),
    )

    assert response.status_code == 400
    assert "at most 300 characters" in response.content.decode()
    assert answer(report, "1.2.1.v").number_value == 3


def test_a_text_over_the_word_limit_saves_but_is_flagged(net, report):
    client = logged_in(net.coordinator)
    long_text = " ".join(["word"] * 60)

    response = client.post(
        url("section", report, code="1"), section_data(report, **{"answer-1.1.0": long_text})
    )

    assert response.status_code == 302
    assert answer(report, "1.1.0").text_value == long_text
    flagged = "has 60 words; the limit is 50"
    assert flagged in client.get(response["Location"]).content.decode()
    assert flagged in client.get(url("report", report)).content.decode()


def test_autosave_answers_204_or_json_errors(net, report):
    client = logged_in(net.coordinator)
    section = url("section", report, code="1")

    response = client.post(section, {"year-1.2.1.v": "2024"}, **AUTOSAVE)
    assert response.status_code == 204
    assert answer(report, "1.2.1.v").data_year == 2024

    response = client.post(section, {"answer-1.2.1.v": "many"}, **AUTOSAVE)
    assert response.status_code == 400
    assert "answer-1.2.1.v" in response.json()["errors"]
    assert answer(report, "1.2.1.v").data_year == 2024  # the year sent alone kept


def test_autosave_of_a_report_no_longer_editable_answers_409(net, report):
    submit(report, net.coordinator)

    response = logged_in(net.coordinator).post(
        url("section", report, code="2"), {"answer-2.1.0": "Late"}, **AUTOSAVE
    )

    assert response.status_code == 409


# --- evidence ------------------------------------------------------------------------------


def test_evidence_is_attached_beside_the_narrative_and_removed(net, report):
    client = logged_in(net.coordinator)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")

    response = client.post(
        url("section", report, code="1"), {**section_data(report), "evidence-1.1.0": upload}
    )

    assert response.status_code == 302
    link = ReportDocument.objects.get(report=report)
    page = client.get(url("section", report, code="1")).content.decode()
    assert "plan.pdf" in page
    assert reverse("common:document", kwargs={"document_id": link.document_id}) in page
    assert (
        logged_in(net.endorser)
        .get(reverse("common:document", kwargs={"document_id": link.document_id}))
        .status_code
        == 200
    )

    remove = url("remove-document", report, link_id=link.pk)
    assert logged_in(net.endorser).post(remove).status_code == 302
    assert ReportDocument.objects.filter(pk=link.pk).exists()
    response = client.post(remove)
    assert response.status_code == 302
    assert not ReportDocument.objects.filter(pk=link.pk).exists()
    assert client.post(remove).status_code == 404


def test_evidence_of_the_wrong_kind_is_refused_on_its_field(net, report):
    upload = SimpleUploadedFile("notes.txt", b"plain text", content_type="text/plain")

    response = logged_in(net.coordinator).post(
        url("section", report, code="1"), {**section_data(report), "evidence-1.1.0": upload}
    )

    assert response.status_code == 400
    assert not ReportDocument.objects.filter(report=report).exists()
    assert answer(report, "1.1.0").text_value == NARRATIVE


# --- carried over --------------------------------------------------------------------------


@pytest.fixture
def carried(net):
    """An accepted report of an earlier cycle, and the current one that carries its answers."""
    now = timezone.now()
    earlier = make_cycle(
        code="2023-2025",
        opens_at=now - dt.timedelta(days=400),
        due_at=now - dt.timedelta(days=300),
    )
    old = earlier.reports.get(city=net.city)
    submit(old, net.coordinator)
    accept(old, net.secretary)
    return make_cycle().reports.get(city=net.city)


def test_carried_answers_are_marked_until_edited(net, carried):
    client = logged_in(net.coordinator)
    section = url("section", carried, code="1")

    page = client.get(url("report", carried)).content.decode()
    assert "3 answers still stand as they were carried over from your last report." in page
    page = client.get(section).content.decode()
    assert page.count("Unchanged since the last report") == 2  # the narrative and the figure

    # Sent back as stored (a browser's line endings aside), the marks stay.
    client.post(
        section,
        section_data(
            carried,
            **{
                "answer-1.1.0": NARRATIVE,
                "answer-1.2.1.v": "12",
                "year-1.2.1.v": "2025",
                "source-1.2.1.v": "City statistics office",
            },
        ),
    )
    assert answer(carried, "1.1.0").unchanged
    assert answer(carried, "1.2.1.v").unchanged

    client.post(
        section,
        section_data(
            carried,
            **{
                "answer-1.1.0": "What changed since.",
                "answer-1.2.1.v": "12",
                "year-1.2.1.v": "2026",
                "source-1.2.1.v": "City statistics office",
            },
        ),
    )
    assert not answer(carried, "1.1.0").unchanged
    assert not answer(carried, "1.2.1.v").unchanged
    page = client.get(section).content.decode()
    assert "Unchanged since the last report" not in page


def test_a_text_sent_back_with_crlf_line_endings_keeps_its_mark(net, carried):
    stored = answer(carried, "1.1.0")
    stored_text = "First line.\nSecond line."
    ReportAnswer.objects.filter(pk=stored.pk).update(text_value=stored_text)

    logged_in(net.coordinator).post(
        url("section", carried, code="1"),
        section_data(carried, **{"answer-1.1.0": "First line.\r\nSecond line."}),
    )

    stored.refresh_from_db()
    assert stored.unchanged
    assert stored.text_value == stored_text


# --- returned, read, accepted --------------------------------------------------------------


def test_returned_report_shows_the_feedback_of_the_round_on_the_overview_and_section(net, report):
    submit(report, net.coordinator)
    section = report.cycle.framework.sections.get(code="2")
    move_report(
        report,
        ReportState.RETURNED,
        actor=net.secretary,
        role=SECRETARIAT,
        feedback={section.pk: "Say what came of the learning festival."},
    )
    client = logged_in(net.coordinator)

    page = client.get(url("report", report)).content.decode()
    assert "what to change" in page
    assert "Say what came of the learning festival." in page
    assert "Feedback to address" in page
    page = client.get(url("section", report, code="2")).content.decode()
    assert "feedback on this section" in page
    assert "Say what came of the learning festival." in page
    page = client.get(url("section", report, code="1")).content.decode()
    assert "learning festival" not in page

    client.post(url("section", report, code="2"), {"answer-2.1.0": "The festival drew 4,000."})
    assert client.post(url("submit", report)).status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert "learning festival" not in client.get(url("report", report)).content.decode()
    page = client.get(url("read", report)).content.decode()
    assert "Round 1: returned on" in page
    assert "learning festival" in page


def test_read_page_shows_answers_figures_documents_and_the_assessment(net, report):
    fill_report(report, net.coordinator)
    found = criteria(report)
    link = attach_report_document(
        report, io.BytesIO(PDF), criterion=found["1.1.0"], actor=net.coordinator, name="a.pdf"
    )
    move_report(report, ReportState.SUBMITTED, actor=net.coordinator, role=CITY)
    accept(report, net.secretary)

    page = logged_in(net.endorser).get(url("read", report)).content.decode()

    assert NARRATIVE in page
    assert "12 km2" in page
    assert "Figure of 2025; source: City statistics office" in page
    assert reverse("common:document", kwargs={"document_id": link.document_id}) in page
    assert "assessment</h2>" in page
    assert "Good progress" in page
    assert "Steady progress on adult learning." in page


# --- the extension -------------------------------------------------------------------------


def test_the_extension_sets_the_cycle_due_time_on_the_day_chosen(net, report):
    client = logged_in(net.coordinator)
    cycle = report.cycle
    zone = ZoneInfo(cycle.time_zone)
    day = (cycle.due_at.astimezone(zone) + dt.timedelta(days=20)).date()

    page = client.get(url("extend", report)).content.decode()
    assert "the only extension of this cycle" in page
    response = client.post(
        url("extend", report), {"until": day.isoformat(), "reason": "Elections in May."}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    local = report.extended_until.astimezone(zone)
    assert local.date() == day
    assert local.time() == cycle.due_at.astimezone(zone).time()
    assert report.extension_reason == "Elections in May."
    page = client.get(url("report", report)).content.decode()
    assert "Extended once from" in page
    assert url("extend", report) not in page

    page = client.get(url("extend", report)).content.decode()
    assert "already extended once" in page
    response = client.post(url("extend", report), {"until": day.isoformat(), "reason": "Again"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.extension_reason == "Elections in May."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"until": "2099-01-01", "reason": "Late"}, "no later than"),
        ({"until": "not a date", "reason": "Late"}, "Enter a date such as"),
        ({"until": "", "reason": "Late"}, "This field is required"),
    ],
)
def test_the_extension_form_refuses_bad_dates(net, report, data, message):
    response = logged_in(net.coordinator).post(url("extend", report), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    report.refresh_from_db()
    assert report.extended_until is None


def test_the_extension_needs_a_reason(net, report):
    day = (report.cycle.due_at + dt.timedelta(days=3)).date().isoformat()

    response = logged_in(net.coordinator).post(url("extend", report), {"until": day})

    assert response.status_code == 400
    report.refresh_from_db()
    assert report.extended_until is None


def test_a_submitted_report_or_one_on_hold_cannot_be_extended(net, report):
    submit(report, net.coordinator)
    client = logged_in(net.coordinator)
    day = (report.cycle.due_at + dt.timedelta(days=3)).date().isoformat()

    assert url("extend", report) not in client.get(url("report", report)).content.decode()
    page = client.get(url("extend", report)).content.decode()
    assert "Only a report not yet submitted" in page
    client.post(url("extend", report), {"until": day, "reason": "Please"})
    report.refresh_from_db()
    assert report.extended_until is None


def test_on_hold_report_shows_no_extension(net):
    now = timezone.now()
    cycle = make_cycle(opens_at=now - dt.timedelta(days=200), due_in_days=-100)
    report = cycle.reports.get(city=net.city)
    hold_report(report, now=now)
    client = logged_in(net.coordinator)

    page = client.get(url("report", report)).content.decode()
    assert "On hold" in page
    assert url("extend", report) not in page


def test_the_secretariat_may_extend_and_the_commission_may_not(net, report):
    day = (report.cycle.due_at + dt.timedelta(days=3)).date().isoformat()

    assert logged_in(net.endorser).post(url("extend", report), {"until": day}).status_code == 403
    response = logged_in(net.secretary).post(
        url("extend", report), {"until": day, "reason": "Flood in the city hall."}
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.extended_until is not None


# --- the National Commission's page --------------------------------------------------------


def test_commission_page_groups_its_country_reports_by_cycle(net):
    neighbour = Network()  # another city of the same country
    other = Network(country_code="FR")
    current = make_cycle()
    make_cycle(
        code="2023-2025",
        opens_at=timezone.now() - dt.timedelta(days=400),
        due_at=timezone.now() - dt.timedelta(days=300),
    )
    submit(current.reports.get(city=neighbour.city), neighbour.coordinator)
    page_url = reverse("reports:country", kwargs={"code": "IE"})

    response = logged_in(net.endorser).get(page_url)

    assert response.status_code == 200
    page = response.content.decode()
    assert net.city.name in page
    assert neighbour.city.name in page
    assert other.city.name not in page
    assert page.index("2025-2027") < page.index("2023-2025")
    assert "1 of 2 reports received." in page
    assert "2 overdue or on hold" in page  # the earlier cycle's two reports
    assert url("report", current.reports.get(city=net.city)) in page


def test_commission_page_is_the_commissions_and_the_secretariats(net):
    page_url = reverse("reports:country", kwargs={"code": "IE"})

    assert logged_in(endorser_of("FR")).get(page_url).status_code == 404
    assert logged_in(net.coordinator).get(page_url).status_code == 404
    assert logged_in(net.secretary).get(page_url).status_code == 200
    assert (
        logged_in(net.secretary).get(reverse("reports:country", kwargs={"code": "ZZ"})).status_code
        == 404
    )
    response = Client().get(page_url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- My work -------------------------------------------------------------------------------


def test_coordinator_work_lists_open_reports_with_feedback_to_address(
    net, report, django_assert_num_queries
):
    submit(report, net.coordinator)
    sections = list(report.cycle.framework.sections.all())
    move_report(
        report,
        ReportState.RETURNED,
        actor=net.secretary,
        role=SECRETARIAT,
        feedback={section.pk: "More" for section in sections},
    )

    # The person's affiliations and cities (once per request), then the reports.
    with django_assert_num_queries(3):
        work = coordinator_reports_work(net.coordinator)

    (row,) = work["reports"]
    assert row["to_address"] == 2
    assert row["url"] == url("report", report)
    assert "(Europe/Paris)" in row["due"]
    assert str(row["standing_label"]) == "Report received"
    assert coordinator_reports_work(net.endorser) is None


def test_commission_work_counts_overdue_and_on_hold(net, django_assert_num_queries):
    now = timezone.now()
    held = Network()
    cycle = make_cycle(opens_at=now - dt.timedelta(days=200), due_in_days=-100)
    hold_report(cycle.reports.get(city=held.city), now=now)

    # The person's affiliations and countries (once per request), the counts, the countries.
    with django_assert_num_queries(4):
        work = commission_reports_work(net.endorser)

    (row,) = work["countries"]
    assert (row["overdue"], row["on_hold"]) == (1, 1)
    assert row["url"] == reverse("reports:country", kwargs={"code": "IE"})
    assert commission_reports_work(net.coordinator) is None


@pytest.fixture
def work_parts():
    """The reports' parts of "My work", registered for the test only."""
    saved = dict(work_registry._parts)
    register_city_work_parts()
    yield
    work_registry._parts.clear()
    work_registry._parts.update(saved)


def test_my_work_shows_the_coordinators_reports_and_the_commissions_counts(net, report, work_parts):
    page = logged_in(net.coordinator).get(reverse("accounts:my-work")).content.decode()

    assert "Progress reports 2025-2027" in page
    assert url("report", report) in page
    assert reverse("reports:mine") in page
    assert "Report due" in page

    page = logged_in(net.endorser).get(reverse("accounts:my-work")).content.decode()
    assert "Reports of your country" in page
    assert reverse("reports:country", kwargs={"code": "IE"}) in page
    assert "no report overdue, no city on hold" in page


# --- the shipped questionnaire -------------------------------------------------------------


def test_a_section_of_the_shipped_report_form_saves_narrative_ratings_and_indicators(net):
    framework = Framework.objects.get(code="progress-report", version="2026")
    report = make_cycle(framework=framework).reports.get(city=net.city)
    client = logged_in(net.coordinator)
    section = url("section", report, code="1")

    page = client.get(section).content.decode()
    assert "Early steps: a few separate initiatives" in page
    assert "Year of the figure" in page
    data = {
        "answer-1.1.0": NARRATIVE,
        "answer-1.1.1": "3",
        "answer-1.2.2.v": "1200",
        "year-1.2.2.v": "2025",
        "source-1.2.2.v": "Census",
    }

    response = client.post(section, data)

    assert response.status_code == 302
    assert answer(report, "1.1.0").text_value == NARRATIVE
    assert answer(report, "1.1.1").rating_value == 3
    assert answer(report, "1.2.2.v").data_year == 2025
    page = client.get(url("report", report)).content.decode()
    assert "questions answered" in page
