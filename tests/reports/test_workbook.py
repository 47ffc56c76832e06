"""The offline workbook of a progress report: export, import (all or nothing) and its pages."""

import datetime as dt
import io
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from learningcities.common.models import ActivityLogEntry
from learningcities.reports.domain.errors import ReportError
from learningcities.reports.interfaces.workbook import (
    WorkbookInvalid,
    export_report_workbook,
    import_report_workbook,
)
from learningcities.reports.models import ReportAnswer

from .factories import Network, accept, make_cycle, submit

pytestmark = pytest.mark.django_db

RESULTS, CONDITIONS = "1 Results", "2 Conditions"


@pytest.fixture(autouse=True)
def _fast_logins(fast_password_hashing):
    return None


@pytest.fixture
def net():
    return Network()


@pytest.fixture
def report(net):
    return make_cycle().reports.get(city=net.city)


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


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def save(book) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def row_of(sheet, code: str) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet[f"A{row}"].value == code:
            return row
    raise AssertionError(code)


def answers_of(report) -> dict:
    return {
        answer.criterion.code: answer
        for answer in ReportAnswer.objects.filter(report=report).select_related("criterion")
    }


def filled(report) -> bytes:
    book = read(export_report_workbook(report))
    results, conditions = book[RESULTS], book[CONDITIONS]
    results["E2"] = "Learning festivals in every district."
    results["E3"] = 3
    results["E4"] = 187.5
    results["G4"] = 2025
    results["H4"] = "National statistics office"
    conditions["E2"] = "A learning city unit in the mayor's office."
    return save(book)


# Export


def test_export_has_a_sheet_per_section_and_about(report):
    book = read(export_report_workbook(report))

    assert book.sheetnames == [RESULTS, CONDITIONS, "About"]
    about = book["About"]
    assert about["B2"].value == str(report.city)
    assert about["B3"].value == "Progress reports 2025-2027"
    assert about["B4"].value == report.pk
    assert about["B5"].value == "lc-report-workbook-1"
    assert [about[f"A{row}"].value for row in (6, 7)] == ["Due", "Period covered"]
    assert "upload the workbook" in about["B9"].value


def test_export_unlocks_answer_year_and_source_cells_only(report):
    sheet = read(export_report_workbook(report))[RESULTS]

    assert sheet.protection.sheet is True
    assert [sheet.cell(row=1, column=c).value for c in range(1, 10)] == [
        "Code",
        "Question",
        "Answer type",
        "Limits",
        "Answer",
        "Guidance",
        "Year of the figure",
        "Source of the figure",
        "Carried over",
    ]
    assert sheet["D4"].value == "unit: km2"
    for unlocked in ("E2", "E3", "E4", "G4", "H4"):
        assert sheet[unlocked].protection.locked is False, unlocked
    for locked in ("B2", "G2", "H2", "G3", "I4"):
        assert sheet[locked].protection.locked is True, locked
    assert '"1,2,3"' in [v.formula1 for v in sheet.data_validations.dataValidation]


def test_export_prefills_carried_answers_and_marks_them(carried):
    sheet = read(export_report_workbook(carried))[RESULTS]

    assert sheet["E2"].value.startswith("The city opened learning centres")
    assert (sheet["E4"].value, sheet["G4"].value, sheet["H4"].value) == (
        12,
        2025,
        "City statistics office",
    )
    assert sheet["I2"].value == "Unchanged since the last report"
    assert sheet["I3"].value is None  # not answered, nothing carried


# Import


def test_round_trip_saves_answers_and_figures(net, report):
    summary = import_report_workbook(report, filled(report), actor=net.coordinator)

    saved = answers_of(report)
    assert summary.changed == 4
    assert saved["1.1.0"].text_value == "Learning festivals in every district."
    assert saved["1.1.2"].rating_value == 3
    figure = saved["1.2.1.v"]
    assert (float(figure.number_value), figure.data_year, figure.source) == (
        187.5,
        2025,
        "National statistics office",
    )
    assert saved["2.1.0"].text_value == "A learning city unit in the mayor's office."
    again = import_report_workbook(report, export_report_workbook(report), actor=net.coordinator)
    assert (again.changed, again.unchanged) == (0, 4)


def test_import_clears_the_unchanged_mark_of_edited_answers_only(net, carried):
    book = read(export_report_workbook(carried))
    book[RESULTS]["E2"] = "New achievements of this period."
    book[RESULTS]["G4"] = 2026  # the figure's year alone changes

    summary = import_report_workbook(carried, save(book), actor=net.coordinator)

    saved = answers_of(carried)
    assert summary.changed == 2
    assert not saved["1.1.0"].unchanged
    assert not saved["1.2.1.v"].unchanged
    assert saved["1.2.1.v"].data_year == 2026
    assert saved["2.1.0"].unchanged  # read back as it was: still marked


def test_unchanged_workbook_keeps_every_mark_and_logs_nothing(net, carried):
    entries = ActivityLogEntry.objects.count()

    data = export_report_workbook(carried)

    summary = import_report_workbook(carried, data, actor=net.coordinator)

    assert summary.changed == 0
    assert all(answer.unchanged for answer in answers_of(carried).values())
    assert ActivityLogEntry.objects.count() == entries


def invalid(net, report, data: bytes) -> list[str]:
    with pytest.raises(WorkbookInvalid) as raised:
        import_report_workbook(report, data, actor=net.coordinator)
    assert answers_of(report) == {}
    assert raised.value.code == "workbook_invalid"
    return raised.value.errors


def test_wrong_rating_and_year_name_their_cells_and_save_nothing(net, report):
    book = read(filled(report))
    book[RESULTS]["E3"] = 7
    book[RESULTS]["G4"] = 1800
    book[RESULTS]["H4"] = "x" * 301

    errors = invalid(net, report, save(book))

    assert len(errors) == 3
    assert errors[0].startswith(f"sheet '{RESULTS}', cell E3: a rating from 1 to 3")
    assert errors[1] == (
        f"sheet '{RESULTS}', cell G4: The year of the figure must be a whole number "
        "from 1950 to 2100."
    )
    assert errors[2].startswith(f"sheet '{RESULTS}', cell H4: ")
    assert errors[2].endswith("the source is longer than 300 characters.")


def test_year_written_as_text_is_read(net, report):
    book = read(filled(report))
    book[RESULTS]["G4"] = " 2024 "

    import_report_workbook(report, save(book), actor=net.coordinator)

    assert answers_of(report)["1.2.1.v"].data_year == 2024


def test_workbook_of_another_report_is_refused(net):
    other = Network(country_code="FR")
    cycle = make_cycle()
    report, their = (cycle.reports.get(city=city) for city in (net.city, other.city))

    errors = invalid(net, report, filled(their))

    assert errors == [
        f"sheet 'About', cell B4: this workbook is for report {their.pk}, not {report.pk}"
    ]


def test_workbook_of_another_format_is_refused(net, report):
    book = read(filled(report))
    book["About"]["B5"] = "lc-workbook-1"

    errors = invalid(net, report, save(book))

    assert errors == [
        "sheet 'About', cell B5: unknown format lc-workbook-1 (expected lc-report-workbook-1)"
    ]


def test_unknown_sheet_and_question_are_refused(net, report):
    book = read(filled(report))
    book.create_sheet("Notes")
    book[CONDITIONS]["A3"] = "9.9"

    errors = invalid(net, report, save(book))

    assert errors == [
        f"sheet '{CONDITIONS}', cell A3: unknown question 9.9",
        "sheet 'Notes': not a sheet of this workbook",
    ]


def test_file_that_is_not_a_workbook_is_refused(net, report):
    errors = invalid(net, report, b"code,answer\n1.1.2,3\n")

    assert len(errors) == 1
    assert errors[0].startswith("The file is not an Excel workbook (.xlsx)")


def test_archive_that_unpacks_too_large_is_refused(net, report):
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(filled(report))) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member.filename, source.read(member))
        target.writestr("xl/padding.bin", bytes(20 * 1024 * 1024))
    data = output.getvalue()

    errors = invalid(net, report, data)

    assert len(data) < 100_000
    assert errors == [
        "The workbook is larger than 20 MB once unpacked (an .xlsx file is compressed); "
        "its limit is 20 MB."
    ]


def test_only_the_coordinator_imports_while_the_report_may_change(net, report):
    data = filled(report)
    with pytest.raises(ReportError) as stranger:
        import_report_workbook(report, data, actor=net.endorser)
    submitted = submit(report, net.coordinator)
    before = {code: answer.text_value for code, answer in answers_of(report).items()}
    with pytest.raises(ReportError) as frozen:
        import_report_workbook(submitted, data, actor=net.coordinator)

    assert stranger.value.code == "not_permitted"
    assert frozen.value.code == "frozen"
    assert {code: a.text_value for code, a in answers_of(report).items()} == before


# Pages


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, report) -> str:
    return reverse(f"reports:{name}", kwargs={"pk": report.pk})


def test_download_sends_the_reports_workbook(net, report):
    response = logged_in(net.coordinator).get(url("workbook", report))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert read(response.content)["About"]["B4"].value == report.pk


def test_the_commission_downloads_but_does_not_upload(net, report):
    client = logged_in(net.endorser)

    assert client.get(url("workbook", report)).status_code == 200
    assert client.get(url("workbook-upload", report)).status_code == 403


def test_upload_saves_and_says_how_many_changed(net, report):
    client = logged_in(net.coordinator)
    page = client.get(url("workbook-upload", report)).content.decode()
    assert url("workbook", report) in page

    response = client.post(
        url("workbook-upload", report),
        {"workbook": SimpleUploadedFile("report.xlsx", filled(report))},
    )

    assert response.status_code == 302
    assert response["Location"] == url("report", report)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Workbook imported: 4 values saved, 0 unchanged."
    ]
    assert answers_of(report)["1.1.2"].rating_value == 3


def test_upload_lists_cell_errors_on_the_page(net, report):
    book = read(export_report_workbook(report))
    book[RESULTS]["E3"] = 9

    response = logged_in(net.coordinator).post(
        url("workbook-upload", report),
        {"workbook": SimpleUploadedFile("report.xlsx", save(book))},
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "The workbook has errors; nothing was saved." in content
    assert f"sheet &#x27;{RESULTS}&#x27;, cell E3: a rating from 1 to 3" in content
    assert answers_of(report) == {}


def test_upload_refuses_a_file_that_is_not_xlsx(net, report):
    response = logged_in(net.coordinator).post(
        url("workbook-upload", report),
        {"workbook": SimpleUploadedFile("answers.csv", b"code,answer\n1.1.2,3\n")},
    )

    assert response.status_code == 400
    assert "answers.csv is not an Excel workbook (.xlsx)." in response.content.decode()


def test_upload_of_a_submitted_report_is_refused(net, report):
    submit(report, net.coordinator)
    client = logged_in(net.coordinator)

    page = client.get(url("workbook-upload", report))
    response = client.post(
        url("workbook-upload", report),
        {"workbook": SimpleUploadedFile("report.xlsx", filled(report))},
    )

    assert page.status_code == 200
    assert "it can no longer be changed" in page.content.decode()
    assert 'type="file"' not in page.content.decode()
    assert response.status_code == 400
    assert "1.1.2" not in answers_of(report)


def test_workbook_of_another_city_is_not_found(net, report):
    stranger = Network(country_code="FR").coordinator
    client = logged_in(stranger)

    assert client.get(url("workbook", report)).status_code == 404
    assert client.get(url("workbook-upload", report)).status_code == 404
