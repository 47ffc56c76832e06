"""Private documents: judged by their bytes, limited in size, named safely, logged."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from learningcities.common.domain.documents import DocumentError, delete_document, store_document
from learningcities.common.enums import ScanStatus
from learningcities.common.forms import PrivateDocumentField
from learningcities.common.models import ActivityLogEntry, Document
from learningcities.common.validators import sanitise_filename

from . import files
from .conftest import stored_files

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def store(name, content, *, owner=None, user=None, **kwargs) -> Document:
    return store_document(
        upload(name, content), owner=owner, uploaded_by=user, kind="evidence", **kwargs
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "stored_name"),
    [
        ("letter.pdf", files.PDF, "application/pdf", "letter.pdf"),
        ("photo.PNG", files.png(), "image/png", "photo.png"),
        (
            "plan.docx",
            files.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "plan.docx",
        ),
    ],
)
def test_store_document_accepts_real_files(
    private_root, coordinator, city_org, name, content, content_type, stored_name
):
    document = store(name, content, owner=city_org, user=coordinator)

    document.refresh_from_db()
    assert document.original_name == stored_name
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.scan_status == ScanStatus.NOT_SCANNED
    assert document.file.open("rb").read() == content
    assert stored_files(private_root) == [document.file.name]
    assert stored_name not in document.file.name  # stored under its id, not the user's name


@pytest.mark.parametrize(
    ("content", "detected"),
    [
        (files.ELF, "ELF executable"),
        (files.PE, "Windows executable"),
        (files.SCRIPT, "script"),
        (files.plain_zip(), "zip archive (not an office document)"),
    ],
)
def test_store_document_refuses_an_executable_renamed_pdf(
    private_root, coordinator, content, detected
):
    with pytest.raises(DocumentError) as refusal:
        store("report.pdf", content, user=coordinator)

    message = str(refusal.value)
    assert detected in message
    assert "Accepted: PDF, image (PNG, JPEG, GIF, WebP), office document" in message
    assert Document.objects.count() == 0
    assert stored_files(private_root) == []


def test_store_document_refuses_a_type_the_field_does_not_allow(private_root, coordinator):
    with pytest.raises(
        DocumentError, match=r"PNG image, which is not accepted here. Accepted: PDF\."
    ):
        store("photo.png", files.png(), user=coordinator, allowed=["pdf"])

    assert stored_files(private_root) == []


def test_store_document_refuses_an_extension_that_lies(private_root, coordinator):
    with pytest.raises(
        DocumentError, match=r"named “\.pdf” but its content is a PNG image.*“\.png”"
    ):
        store("photo.pdf", files.png(), user=coordinator)

    assert Document.objects.count() == 0


def test_store_document_refuses_a_file_over_the_limit_before_writing(
    settings, private_root, coordinator
):
    settings.LC_MAX_UPLOAD_MB = 1
    big = files.PDF + b"0" * (1024 * 1024)

    with pytest.raises(DocumentError, match="too large"):
        store("big.pdf", big, user=coordinator)

    assert Document.objects.count() == 0
    assert not private_root.exists() or stored_files(private_root) == []


def test_store_document_refuses_an_empty_file(private_root, coordinator):
    with pytest.raises(DocumentError, match="empty"):
        store("empty.pdf", b"", user=coordinator)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\ana\\lettre.pdf", "lettre.pdf"),
        ("évaluation finale.pdf", "évaluation finale.pdf"),
        (unicodedata.normalize("NFD", "évaluation finale.pdf"), "évaluation finale.pdf"),
        ("bad\x00na\nme\x1b.pdf", "badname.pdf"),
        ("  ..hidden.pdf", "hidden.pdf"),
        ("a<b>c|d?.pdf", "a_b_c_d_.pdf"),
    ],
)
def test_store_document_sanitises_names(private_root, coordinator, name, expected):
    document = store(name, files.PDF, user=coordinator)

    assert document.original_name == expected


def test_sanitise_filename_caps_long_names_and_keeps_the_extension():
    name = sanitise_filename("é" * 300 + ".pdf")

    assert len(name) == 120
    assert name.endswith("é.pdf")


def test_store_document_refuses_what_the_scanner_finds(settings, private_root, coordinator):
    settings.LC_VIRUS_SCANNER = "tests.common.scanners.refuse_everything"

    with pytest.raises(DocumentError, match="Eicar-Test-Signature FOUND"):
        store("letter.pdf", files.PDF, user=coordinator)

    assert Document.objects.count() == 0
    assert stored_files(private_root) == []


def test_store_document_refuses_when_the_scanner_fails(settings, private_root, coordinator):
    settings.LC_VIRUS_SCANNER = "tests.common.scanners.broken_scanner"

    with pytest.raises(DocumentError, match="could not be checked"):
        store("letter.pdf", files.PDF, user=coordinator)

    assert stored_files(private_root) == []


def test_store_document_marks_a_clean_scan(settings, private_root, coordinator):
    settings.LC_VIRUS_SCANNER = "tests.common.scanners.accept_everything"

    document = store("letter.pdf", files.PDF, user=coordinator)

    assert document.scan_status == ScanStatus.CLEAN
    assert document.file.open("rb").read() == files.PDF  # the scanner's read did not eat it


def test_store_document_records_activity(private_root, coordinator, city_org):
    document = store("letter.pdf", files.PDF, owner=city_org, user=coordinator)

    entry = ActivityLogEntry.objects.get(action__startswith="common.")
    assert entry.action == "common.document.create"
    assert entry.actor == coordinator
    assert entry.organisation == city_org
    assert entry.object_id == str(document.pk)
    assert entry.changes["original_name"] == [None, "letter.pdf"]


def test_store_document_rolled_back_leaves_no_row_entry_or_file(private_root, coordinator):
    entries_before = ActivityLogEntry.objects.count()

    files_seen = []

    def write_that_fails():
        with transaction.atomic():
            store("letter.pdf", files.PDF, user=coordinator)
            files_seen.extend(stored_files(private_root))
            raise RuntimeError("a later step of the same write failed")

    with pytest.raises(RuntimeError):
        write_that_fails()

    assert len(files_seen) == 1

    assert Document.objects.count() == 0
    assert ActivityLogEntry.objects.count() == entries_before
    assert stored_files(private_root) == []


def test_delete_document_removes_row_and_file_after_commit(
    private_root, coordinator, django_capture_on_commit_callbacks
):
    document = store("letter.pdf", files.PDF, user=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        delete_document(document, actor=coordinator)

    assert Document.objects.count() == 0
    assert stored_files(private_root) == []
    assert ActivityLogEntry.objects.filter(action="common.document.delete").count() == 1


def test_private_document_field_reports_the_refusal_as_a_form_error(private_root):
    field = PrivateDocumentField(allowed=["pdf"])

    with pytest.raises(Exception, match="ELF executable") as refusal:
        field.clean(upload("report.pdf", files.ELF))

    assert refusal.typename == "ValidationError"
    assert field.clean(upload("report.pdf", files.PDF)).name == "report.pdf"
    assert field.widget.attrs["accept"] == ".pdf,application/pdf"
