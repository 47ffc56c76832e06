"""Moving the documents' files from the old folder to an S3 bucket, and back.

An installation stores documents in its folder (LC_PRIVATE_ROOT), then is
pointed at a bucket (LC_S3_BUCKET): the earlier documents answer 404 until
``move-documents --from-folder`` copies them over. The bucket is moto's fake
S3 server (tests/common/s3.py); the rest is real.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse

from learningcities.common.domain.documents import store_document
from learningcities.common.models import Document
from learningcities.common.storage import private_storage
from tests.calls.factories import Cast
from tests.common.files import PDF, png
from tests.common.s3 import (  # noqa: F401 (fixtures, registered under their own names)
    BUCKET,
    keys,
    s3_bucket_fixture,
    s3_endpoint_fixture,
    use_bucket,
)

pytestmark = pytest.mark.django_db

PNG = png()


@pytest.fixture
def cast() -> Cast:
    return Cast()


@pytest.fixture
def documents(cast, private_root) -> list[Document]:
    """Two documents of a city, stored in the installation's folder."""
    return [
        store_document(
            ContentFile(content, name=name),
            owner=cast.organisation,
            uploaded_by=cast.coordinator,
            kind="evidence",
        )
        for name, content in (("letter.pdf", PDF), ("map.png", PNG))
    ]


@pytest.fixture
def moved_to_bucket(documents, settings, s3_endpoint, s3_bucket):
    """The same installation, now set to keep its documents in the (empty) bucket."""
    use_bucket(settings, s3_endpoint)
    return s3_bucket


def served(cast, document) -> tuple[int, bytes]:
    client = Client()
    client.force_login(cast.coordinator)
    response = client.get(reverse("common:document", args=[document.pk]))
    if response.status_code != 200:
        return response.status_code, b""
    return response.status_code, b"".join(response.streaming_content)


def move(*args: str) -> tuple[str, str]:
    output, errors = io.StringIO(), io.StringIO()
    call_command("move-documents", *args, stdout=output, stderr=errors)
    return output.getvalue(), errors.getvalue()


def test_documents_of_the_folder_answer_404_once_the_bucket_is_set(
    cast, documents, moved_to_bucket
):
    assert [served(cast, document) for document in documents] == [(404, b""), (404, b"")]


@pytest.fixture
def backups(settings, tmp_path):
    """A folder for archives, and an empty media storage (not the developer's)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    folder = tmp_path / "backups"
    folder.mkdir()
    return folder


def test_backup_fails_naming_the_documents_left_in_the_folder(documents, moved_to_bucket, backups):
    with pytest.raises(CommandError) as failed:
        call_command("backup", str(backups / "backup.zip"), stdout=io.StringIO())

    assert str(failed.value).startswith("2 of 2 documents are missing from the private storage")
    assert sorted(line for line in str(failed.value).splitlines() if line.startswith("- ")) == (
        sorted(
            f"- {d.pk} “{d.original_name}” ({d.file.name}): missing from the storage"
            for d in documents
        )
    )
    assert list(backups.iterdir()) == []


def test_move_documents_from_folder_serves_them_from_the_bucket(
    cast, documents, moved_to_bucket, private_root
):
    output, errors = move("--from-folder", str(private_root))

    assert [served(cast, document) for document in documents] == [(200, PDF), (200, PNG)]
    assert keys(moved_to_bucket) == sorted(f"documents/{d.file.name}" for d in documents)
    assert output == (
        f"Copied 2 documents ({filesizeformat(len(PDF) + len(PNG))}) from the folder "
        f"{private_root} to the bucket {BUCKET} (prefix documents/); 0 already there intact; "
        "2 documents in all.\n"
    )
    assert errors == ""


def test_move_documents_twice_copies_nothing_the_second_time(
    documents, moved_to_bucket, private_root
):
    move("--from-folder", str(private_root))
    written = {
        item["Key"]: item["LastModified"]
        for item in moved_to_bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    }

    output, _errors = move("--from-folder", str(private_root))

    assert output.startswith("Copied 0 documents (0\xa0bytes) from the folder")
    assert output.endswith("; 2 already there intact; 2 documents in all.\n")
    assert {
        item["Key"]: item["LastModified"]
        for item in moved_to_bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    } == written


def test_move_documents_backup_counts_both_documents_afterwards(
    documents, moved_to_bucket, private_root, backups
):
    move("--from-folder", str(private_root))
    output = io.StringIO()

    call_command("backup", str(backups / "backup.zip"), stdout=output)

    assert f", 2 documents ({filesizeformat(len(PDF) + len(PNG))}), " in output.getvalue()


def test_move_documents_reports_missing_and_damaged_sources_and_copies_the_rest(
    cast, documents, moved_to_bucket, private_root
):
    letter, image = documents
    (private_root / letter.file.name).unlink()
    (private_root / image.file.name).write_bytes(PNG[:-1])
    intact = store_document(
        ContentFile(PDF, name="budget.pdf"),
        owner=cast.organisation,
        uploaded_by=cast.coordinator,
        kind="evidence",
    )
    # Stored while the bucket is set: copy it back to the folder as it was before.
    (private_root / intact.file.name).parent.mkdir(parents=True, exist_ok=True)
    (private_root / intact.file.name).write_bytes(PDF)
    private_storage().delete(intact.file.name)

    with pytest.raises(CommandError) as failed:
        move("--from-folder", str(private_root))

    lines = str(failed.value).splitlines()
    assert lines[0] == "2 of 3 documents could not be copied:"
    assert sorted(lines[1:]) == sorted(
        [
            f"- {letter.pk} “letter.pdf” ({letter.file.name}): missing from the source",
            f"- {image.pk} “map.png” ({image.file.name}): in the source: damaged: "
            f"{len(PNG) - 1} bytes, its row records {len(PNG)}",
        ]
    )
    assert keys(moved_to_bucket) == [f"documents/{intact.file.name}"]
    assert served(cast, intact) == (200, PDF)


def test_move_documents_replaces_a_damaged_copy_in_the_target(
    cast, documents, moved_to_bucket, private_root
):
    letter, _image = documents
    moved_to_bucket.put_object(
        Bucket=BUCKET, Key=f"documents/{letter.file.name}", Body=PDF[:-1] + b"X"
    )

    _output, errors = move("--from-folder", str(private_root))

    assert served(cast, letter) == (200, PDF)
    assert errors == (
        "1 damaged copies in the target were replaced:\n"
        f"- {letter.pk} “letter.pdf” ({letter.file.name}): the copy in the target was "
        "damaged: its SHA-256 differs from the one its row records\n"
    )


def test_move_documents_dry_run_writes_nothing(documents, moved_to_bucket, private_root):
    output, _errors = move("--from-folder", str(private_root), "--dry-run")

    assert output.startswith(
        f"Dry run: would copy 2 documents ({filesizeformat(len(PDF) + len(PNG))}) from"
    )
    assert output.endswith(" Nothing was written.\n")
    assert keys(moved_to_bucket) == []


def test_move_documents_leaves_out_files_no_document_row_names(
    documents, moved_to_bucket, private_root
):
    (private_root / "documents" / "0f").mkdir(parents=True, exist_ok=True)
    (private_root / "documents" / "0f" / "0f3e-orphan.pdf").write_bytes(PDF)

    move("--from-folder", str(private_root))

    assert keys(moved_to_bucket) == sorted(f"documents/{d.file.name}" for d in documents)


def test_move_documents_to_folder_brings_them_back_from_the_bucket(
    cast, documents, moved_to_bucket, private_root, tmp_path, settings
):
    move("--from-folder", str(private_root))
    back = tmp_path / "back"

    output, _errors = move("--to-folder", str(back))
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "learningcities.common.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(back)},
        },
    }

    assert output.startswith("Copied 2 documents (")
    assert [served(cast, document) for document in documents] == [(200, PDF), (200, PNG)]
    assert sorted(str(p.relative_to(back)) for p in back.rglob("*") if p.is_file()) == sorted(
        d.file.name for d in documents
    )


def test_move_documents_refuses_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError) as refused:
        move("--from-folder", str(tmp_path / "nowhere"))

    assert str(refused.value) == f"The folder {tmp_path / 'nowhere'} does not exist."
