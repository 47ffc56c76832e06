"""The offline workbook of an application: export, import (all or nothing) and its pages."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.enums import SubmissionState
from learningcities.calls.interfaces.workbook import (
    WorkbookInvalid,
    export_workbook,
    import_workbook,
    section_sheet_names,
)
from learningcities.calls.models import Answer, Submission
from learningcities.common.models import ActivityLogEntry
from learningcities.frameworks.domain.loading import load_framework
from tests.calls.factories import Cast, city_with_coordinator, make_call, submission_in
from tests.frameworks.helpers import small_document

pytestmark = pytest.mark.django_db

LONG_TITLE = "Wider benefits of building a learning city for everybody"


def workbook_framework():
    """The small test framework plus a yes/no question, its first section with a long title."""
    document = small_document(version="workbook")
    document["sections"][0]["title"] = LONG_TITLE
    document["sections"][1]["areas"][0]["criteria"].append(
        {"code": "2.4", "title": "A yes or no", "answer_type": "yes_no"}
    )
    return load_framework(document, record=True).framework


@pytest.fixture
def cast() -> Cast:
    return Cast(call=make_call(framework=workbook_framework()))


@pytest.fixture
def draft(cast) -> Submission:
    return cast.draft(complete=False)


def read(data: bytes):
    return load_workbook(io.BytesIO(data))


def save(book) -> bytes:
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def cell_of(book, code: str):
    """The answer cell of the question ``code``, wherever its sheet."""
    for sheet in book.worksheets:
        for row in range(2, sheet.max_row + 1):
            if sheet[f"A{row}"].value == code and sheet.title not in ("Profile", "About"):
                return sheet[f"E{row}"]
    raise AssertionError(code)


def profile_cell(book, field: str):
    sheet = book["Profile"]
    for row in range(2, sheet.max_row + 1):
        if sheet[f"A{row}"].value == field:
            return sheet[f"C{row}"]
    raise AssertionError(field)


def values(data: bytes) -> dict:
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in read(data).worksheets
    }


def answers_of(submission: Submission) -> dict:
    return {
        answer.criterion.code: (
            answer.text_value,
            answer.number_value,
            answer.rating_value,
            answer.boolean_value,
        )
        for answer in Answer.objects.filter(submission=submission).select_related("criterion")
    }


def filled(draft: Submission) -> bytes:
    book = read(export_workbook(draft))
    cell_of(book, "1.1.1").value = "Libraries and schools run a shared programme."
    cell_of(book, "1.1.2").value = 3
    cell_of(book, "1.2.1").value = 187.5
    cell_of(book, "2.4").value = "yes"
    profile_cell(book, "population").value = 210000
    profile_cell(book, "contact_name").value = "Aoife Byrne"
    profile_cell(book, "challenges.funding").value = 4
    return save(book)


# Export


def test_export_has_profile_sections_and_about_sheets(draft):
    book = read(export_workbook(draft))

    assert book.sheetnames[0] == "Profile"
    assert book.sheetnames[-1] == "About"
    first = book.sheetnames[1]
    assert len(first) == 31
    assert first == f"1 {LONG_TITLE}"[:31]
    assert book["About"]["B4"].value == draft.pk
    assert book["About"]["B5"].value == "lc-workbook-1"


def test_sheet_names_are_cut_to_31_characters_and_unique():
    sections = [
        SimpleNamespace(code="1", title="x" * 40),
        SimpleNamespace(code="1", title="x" * 50),
    ]
    framework = SimpleNamespace(sections=SimpleNamespace(all=lambda: sections))

    names = list(section_sheet_names(framework))

    assert names == ["1 " + "x" * 29, "1 " + "x" * 25 + " (2)"]


def test_export_unlocks_only_answer_cells_and_validates_ratings(draft):
    book = read(export_workbook(draft))
    sheet = book.worksheets[1]
    answer = cell_of(book, "1.1.2")

    assert sheet.protection.sheet is True
    assert answer.protection.locked is False
    assert sheet["B2"].protection.locked is True
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert '"1,2,3"' in formulas


def test_export_locks_file_question_answer_cell(draft):
    book = read(export_workbook(draft))

    assert cell_of(book, "2.3").protection.locked is True


# Import


def test_import_round_trip_saves_answers_and_exports_the_same(cast, draft):
    data = filled(draft)

    summary = import_workbook(draft, data, actor=cast.coordinator)

    draft.refresh_from_db()
    saved = answers_of(draft)
    assert summary.answers_changed == ["1.1.1", "1.1.2", "1.2.1", "2.4"]
    assert sorted(summary.profile_changed) == ["challenges", "contact_name", "population"]
    assert saved["1.1.1"][0] == "Libraries and schools run a shared programme."
    assert saved["1.1.2"][2] == 3
    assert float(saved["1.2.1"][1]) == 187.5
    assert saved["2.4"][3] is True
    assert draft.population == 210000
    assert draft.challenges == {"funding": 4}
    assert values(export_workbook(draft)) == values(data)


def test_import_unchanged_workbook_saves_nothing(cast, draft):
    data = filled(draft)
    import_workbook(draft, data, actor=cast.coordinator)
    entries = ActivityLogEntry.objects.count()

    summary = import_workbook(draft, export_workbook(draft), actor=cast.coordinator)

    assert summary.changed == 0
    assert summary.unchanged > 0
    assert ActivityLogEntry.objects.count() == entries


def test_import_empty_cell_clears_answer(cast, draft):
    import_workbook(draft, filled(draft), actor=cast.coordinator)
    book = read(export_workbook(draft))
    cell_of(book, "1.1.2").value = None

    import_workbook(draft, save(book), actor=cast.coordinator)

    assert answers_of(draft)["1.1.2"][2] is None


@pytest.mark.parametrize(
    ("typed", "expected"), [("oui", True), ("NON", False), (True, True), ("false", False)]
)
def test_import_reads_yes_no_in_either_language(cast, draft, typed, expected):
    book = read(export_workbook(draft))
    cell_of(book, "2.4").value = typed

    import_workbook(draft, save(book), actor=cast.coordinator)

    assert answers_of(draft)["2.4"][3] is expected


def invalid(cast, draft, data: bytes) -> list[str]:
    with pytest.raises(WorkbookInvalid) as raised:
        import_workbook(draft, data, actor=cast.coordinator)
    assert answers_of(draft) == {}
    draft.refresh_from_db()
    assert draft.population is None
    return raised.value.errors


def test_import_collects_every_cell_error_and_saves_nothing(cast, draft):
    book = read(export_workbook(draft))
    section = book.worksheets[1].title
    profile_cell(book, "population").value = 5000
    cell_of(book, "1.1.1").value = "word " * 201
    cell_of(book, "1.1.2").value = 4
    cell_of(book, "1.2.1").value = "many"
    cell_of(book, "2.4").value = "maybe"

    errors = invalid(cast, draft, save(book))

    assert len(errors) == 4
    assert f"sheet '{section}', cell E2: 201 words, more than the limit of 200" in errors
    assert any(e.startswith(f"sheet '{section}', cell E3: a rating from 1 to 3") for e in errors)
    assert any(e.startswith(f"sheet '{section}', cell E4: expected a number") for e in errors)
    assert any(
        e.startswith("sheet '2 Second section', cell E3: expected yes or no") for e in errors
    )


def test_import_rejects_non_number_in_profile_number_cell(cast, draft):
    book = read(export_workbook(draft))
    cell = profile_cell(book, "population")
    cell.value = "lots"

    errors = invalid(cast, draft, save(book))

    assert len(errors) == 1
    assert errors[0].startswith(f"sheet 'Profile', cell {cell.coordinate}: Population")


def test_import_rejects_workbook_of_another_submission(cast, draft):
    other = Cast(call=cast.call, country_code="FR").draft(complete=False)
    data = filled(other)

    errors = invalid(cast, draft, data)

    assert errors == [
        f"sheet 'About', cell B4: this workbook is for submission {other.pk}, not {draft.pk}"
    ]


def test_import_rejects_unknown_sheet(cast, draft):
    book = read(filled(draft))
    book.create_sheet("Notes")

    errors = invalid(cast, draft, save(book))

    assert errors == ["sheet 'Notes': not a sheet of this workbook"]


def test_import_rejects_number_too_large_for_an_answer(cast, draft):
    book = read(export_workbook(draft))
    cell_of(book, "1.2.1").value = 10**17

    errors = invalid(cast, draft, save(book))

    assert len(errors) == 1
    assert "cell E4: the number" in errors[0]


def test_import_refuses_person_who_is_not_the_coordinator(cast, draft):
    with pytest.raises(SubmissionError) as raised:
        import_workbook(draft, export_workbook(draft), actor=cast.endorser)

    assert raised.value.code == "not_permitted"
    assert answers_of(draft) == {}


def test_import_rejects_file_that_is_not_a_workbook(cast, draft):
    errors = invalid(cast, draft, b"not a zip")

    assert len(errors) == 1
    assert errors[0].startswith("The file is not an Excel workbook (.xlsx)")


def test_import_refuses_submitted_application(cast):
    submission = submission_in(cast, SubmissionState.SUBMITTED)
    data = export_workbook(submission)

    with pytest.raises(SubmissionError) as raised:
        import_workbook(submission, data, actor=cast.coordinator)

    assert raised.value.code == "not_editable"


# Pages


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_download_sends_xlsx_of_own_application(cast, draft):
    response = logged_in(cast.coordinator).get(
        reverse("calls:workbook-download", kwargs={"pk": draft.pk})
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert read(response.content)["About"]["B4"].value == draft.pk


def test_upload_saves_answers_and_redirects(cast, draft):
    upload = SimpleUploadedFile("application.xlsx", filled(draft))

    response = logged_in(cast.coordinator).post(
        reverse("calls:workbook-upload", kwargs={"pk": draft.pk}), {"workbook": upload}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("calls:city-application", kwargs={"pk": draft.pk})
    assert answers_of(draft)["1.1.2"][2] == 3


def test_upload_lists_cell_errors_on_the_page(cast, draft):
    book = read(export_workbook(draft))
    cell_of(book, "1.1.2").value = 9
    upload = SimpleUploadedFile("application.xlsx", save(book))

    response = logged_in(cast.coordinator).post(
        reverse("calls:workbook-upload", kwargs={"pk": draft.pk}), {"workbook": upload}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "cell E3: a rating from 1 to 3" in content
    assert answers_of(draft) == {}


def test_upload_rejects_file_that_is_not_xlsx(cast, draft):
    upload = SimpleUploadedFile("answers.csv", b"code,answer\n1.1.2,3\n")

    response = logged_in(cast.coordinator).post(
        reverse("calls:workbook-upload", kwargs={"pk": draft.pk}), {"workbook": upload}
    )

    assert response.status_code == 400
    assert "answers.csv is not an Excel workbook (.xlsx)." in response.content.decode()


def test_upload_rejects_xlsx_name_that_is_not_a_zip(cast, draft):
    upload = SimpleUploadedFile("answers.xlsx", b"plain text")

    response = logged_in(cast.coordinator).post(
        reverse("calls:workbook-upload", kwargs={"pk": draft.pk}), {"workbook": upload}
    )

    assert response.status_code == 400
    assert "answers.xlsx is not an Excel workbook (.xlsx)." in response.content.decode()


def test_workbook_of_another_city_is_not_found(cast, draft):
    _organisation, stranger = city_with_coordinator("FR")
    client = logged_in(stranger)

    download = client.get(reverse("calls:workbook-download", kwargs={"pk": draft.pk}))
    upload = client.get(reverse("calls:workbook-upload", kwargs={"pk": draft.pk}))

    assert download.status_code == 404
    assert upload.status_code == 404
    assert answers_of(draft) == {}


def test_workbook_is_forbidden_to_endorser(cast, draft):
    response = logged_in(cast.endorser).get(
        reverse("calls:workbook-download", kwargs={"pk": draft.pk})
    )

    assert response.status_code == 403
    assert "Content-Disposition" not in response
