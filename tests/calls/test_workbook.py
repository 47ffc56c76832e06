"""The offline workbook of an application: export, import (all or nothing) and its pages."""

import io
import re
import time
import tracemalloc
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.submissions import save_answer, save_draft
from learningcities.calls.enums import SubmissionState
from learningcities.calls.interfaces.workbook import (
    WorkbookInvalid,
    export_workbook,
    import_workbook,
    sheet_names,
)
from learningcities.calls.models import Answer, Submission
from learningcities.common.models import ActivityLogEntry
from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.models import Framework
from learningcities.network.domain.cities import save_city
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

    names = list(sheet_names(sections))

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


def test_import_reads_sheets_whose_declared_range_is_wrong(cast, draft):
    # Other tools write "A1" or no range at all: openpyxl's read-only mode would
    # cut every row to the range declared unless told to read what is there.
    data = filled(draft)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
    for name in sheets:
        data = rewritten(
            data, name, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', xml)
        )

    summary = import_workbook(draft, data, actor=cast.coordinator)

    assert summary.answers_changed == ["1.1.1", "1.1.2", "1.2.1", "2.4"]
    assert sorted(summary.profile_changed) == ["challenges", "contact_name", "population"]


@pytest.mark.parametrize(
    ("part", "known", "unknown"),
    [
        ("xl/workbook.xml", b'tabRatio="600"', b'tabRa_io="600"'),
        ("[Content_Types].xml", b"<Override ", b'<Override Content="x" '),
        ("xl/styles.xml", b'numFmtId="0"', b'numFmtId="zero"'),
    ],
)
def test_import_rejects_part_that_openpyxl_cannot_convert(cast, draft, part, known, unknown):
    # openpyxl refuses an attribute it does not know or cannot convert with a
    # TypeError, which reached the page as a server error.
    data = rewritten(export_workbook(draft), part, lambda xml: xml.replace(known, unknown, 1))

    errors = invalid(cast, draft, data)

    assert len(errors) == 1
    assert errors[0].startswith("The file is not an Excel workbook (.xlsx)")


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


# Limits: a small file must not hold a worker for long nor fill its memory


@pytest.fixture
def key_features_draft() -> tuple[Cast, Submission]:
    """A complete draft on the shipped Key Features framework (3 sections, 42 questions)."""
    framework = Framework.objects.get(code="key-features", version="2013-short")
    cast = Cast(call=make_call(framework=framework))
    return cast, cast.draft()


def measured_refusal(submission: Submission, data: bytes, *, actor) -> tuple[list[str], int, float]:
    """Import ``data``, which must be refused; return the errors, peak bytes and seconds."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(WorkbookInvalid) as raised:
            import_workbook(submission, data, actor=actor)
        seconds = time.perf_counter() - started
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return raised.value.errors, peak, seconds


def test_import_refuses_cell_on_the_last_row_quickly_and_in_little_memory(key_features_draft):
    cast, draft = key_features_draft
    before = answers_of(draft)
    book = read(export_workbook(draft))
    for sheet in book.worksheets:
        sheet.cell(row=1_048_576, column=1, value="x")
    data = save(book)

    errors, peak, seconds = measured_refusal(draft, data, actor=cast.coordinator)

    assert len(data) < 20_000
    assert errors == [
        "The sheet “About” has more than 2,000 rows; the workbook's limit is 2,000 rows "
        "a sheet. Delete the rows below the questions, or download the workbook again."
    ]
    assert peak < 50 * 1024 * 1024
    assert seconds < 5
    assert answers_of(draft) == before


def test_import_refuses_workbook_of_too_many_cells(key_features_draft):
    cast, draft = key_features_draft
    book = read(export_workbook(draft))
    section = book.worksheets[1]
    # 26 cells a row up to the 2,000th passes 50,000 cells on this sheet alone
    for row in range(section.max_row + 1, 2_001):
        section.cell(row=row, column=26, value="x")
    data = save(book)

    errors, peak, seconds = measured_refusal(draft, data, actor=cast.coordinator)

    assert errors == [
        "The workbook has more than 50,000 cells; its limit is 50,000. Delete the cells "
        "outside the questions, or download the workbook again."
    ]
    assert peak < 50 * 1024 * 1024
    assert seconds < 5


def rewritten(data: bytes, name: str, change) -> bytes:
    """The workbook ``data`` with member ``name`` replaced by ``change(its bytes)``, or added."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            content = source.read(member)
            target.writestr(
                member.filename, change(content) if member.filename == name else content
            )
        if name not in source.namelist():
            target.writestr(name, change(b""))
    return output.getvalue()


def test_import_refuses_archive_that_unpacks_too_large(cast, draft):
    data = rewritten(export_workbook(draft), "xl/padding.bin", lambda _: bytes(20 * 1024 * 1024))

    errors, peak, seconds = measured_refusal(draft, data, actor=cast.coordinator)

    assert len(data) < 100_000
    assert errors == [
        "The workbook is larger than 20 MB once unpacked (an .xlsx file is compressed); "
        "its limit is 20 MB."
    ]
    assert peak < 5 * 1024 * 1024
    assert seconds < 5


def test_import_refuses_styles_of_too_many_elements(key_features_draft):
    # openpyxl builds the styles whole, 50 µs and 600 bytes a style: before the
    # limit this 15 KB file held the import for 9 s and 120 MB (2,000,000
    # styles, 28 KB: 85 s and 1.2 GB).
    cast, draft = key_features_draft

    def many_styles(styles: bytes) -> bytes:
        head, rest = styles.split(b"<cellXfs", 1)
        return head + b'<cellXfs count="200000">' + b"<xf/>" * 200_000 + rest.split(b">", 1)[1]

    data = rewritten(export_workbook(draft), "xl/styles.xml", many_styles)

    errors, peak, seconds = measured_refusal(draft, data, actor=cast.coordinator)

    assert len(data) < 20_000
    assert errors == [
        "The workbook holds more than 10,000 XML elements outside its sheets (styles, names "
        "and the like); its limit is 10,000. Download the workbook again and fill that one in."
    ]
    assert peak < 50 * 1024 * 1024
    assert seconds < 5


def test_import_refuses_row_of_too_many_elements(key_features_draft):
    # openpyxl holds a whole row while reading it, whatever the row and cell limits.
    cast, draft = key_features_draft

    def long_row(sheet: bytes) -> bytes:
        head, tail = sheet.split(b"</sheetData>")
        return head + b'<row r="200">' + b"<c/>" * 200_000 + b"</row></sheetData>" + tail

    data = rewritten(export_workbook(draft), "xl/worksheets/sheet2.xml", long_row)

    errors, peak, seconds = measured_refusal(draft, data, actor=cast.coordinator)

    assert len(data) < 20_000
    assert errors == [
        "The workbook holds more than 100,000 XML elements (cells, styles and the like); its "
        "limit is 100,000. Download the workbook again and fill that one in."
    ]
    assert peak < 50 * 1024 * 1024
    assert seconds < 5


def test_import_refuses_part_declaring_entities(cast, draft):
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<cp:coreProperties xmlns:cp="urn:x">&lol3;</cp:coreProperties>"""
    data = rewritten(export_workbook(draft), "docProps/core.xml", lambda _: laughs)

    errors = invalid(cast, draft, data)

    assert len(errors) == 1
    assert errors[0].startswith("The file is not an Excel workbook (.xlsx)")


def understated(data: bytes, name: str) -> bytes:
    """``data`` with the central directory claiming that member ``name`` unpacks to 1 byte."""
    patched = bytearray(data)
    entry = patched.find(b"PK\x01\x02")
    while entry >= 0:
        lengths = [
            int.from_bytes(patched[entry + i : entry + i + 2], "little") for i in (28, 30, 32)
        ]
        if patched[entry + 46 : entry + 46 + lengths[0]] == name.encode():
            patched[entry + 24 : entry + 28] = (1).to_bytes(4, "little")
            return bytes(patched)
        entry += 46 + sum(lengths)
    raise AssertionError(name)


def test_import_refuses_archive_that_understates_a_member_size(cast, draft):
    # The size check trusts the directory: a member holding more than it
    # declares must be cut at the declared size, never unpacked whole.
    data = understated(export_workbook(draft), "xl/worksheets/sheet1.xml")

    errors = invalid(cast, draft, data)

    assert len(errors) == 1
    assert errors[0].startswith("The file is not an Excel workbook (.xlsx)")


# Formulas: a text someone typed stays text in the workbook

FORMULAS = ['=HYPERLINK("http://evil","x")', "=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_export_writes_text_answer_starting_with_equals_as_text(cast, draft, text):
    criterion = draft.call.framework.criteria.get(code="1.1.1")
    save_answer(draft, criterion, actor=cast.coordinator, value=text)

    cell = cell_of(read(export_workbook(draft)), "1.1.1")

    assert (cell.value, cell.data_type) == (text, "s")


def test_export_writes_profile_city_and_question_starting_with_equals_as_text():
    document = small_document(version="formulas")
    document["sections"][0]["areas"][0]["criteria"][0]["title"] = "=2+2"
    cast = Cast(call=make_call(framework=load_framework(document, record=True).framework))
    save_city(country=cast.city.country, name="=3+3", city=cast.city)
    draft = cast.draft(complete=False)
    save_draft(draft, actor=cast.coordinator, contact_name="=1+1")

    book = read(export_workbook(draft))

    contact = profile_cell(book, "contact_name")
    title = book.worksheets[1]["B2"]
    city = book["About"]["B3"]
    assert (contact.value, contact.data_type) == ("=1+1", "s")
    assert (title.value, title.data_type) == ("=2+2", "s")
    assert (city.value, city.data_type) == ("=3+3", "s")


@pytest.mark.parametrize("text", FORMULAS)
def test_import_of_exported_text_answer_starting_with_equals_keeps_the_text(cast, draft, text):
    criterion = draft.call.framework.criteria.get(code="1.1.1")
    save_answer(draft, criterion, actor=cast.coordinator, value=text)

    summary = import_workbook(draft, export_workbook(draft), actor=cast.coordinator)

    assert summary.changed == 0
    assert answers_of(draft)["1.1.1"][0] == text


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
