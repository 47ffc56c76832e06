"""Private documents in an S3-compatible store (``LC_S3_BUCKET``), against a fake S3 server.

The store is an outside service, so moto's S3 server stands in for it, on
loopback (tests/common/s3.py); everything of ours is real: the settings, the
upload view, the documents view and the domain.
"""

import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.calls.enums import DocumentKind
from learningcities.common.domain.documents import (
    delete_document,
    remove_orphan_files,
    store_document,
)
from learningcities.common.storage import private_storage
from tests.calls.factories import Cast
from tests.common.files import PDF
from tests.common.s3 import (  # noqa: F401 (fixtures, registered under their own names)
    BUCKET,
    keys,
    s3_bucket_fixture,
    s3_endpoint_fixture,
    s3_fixture,
)

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_settings_keep_documents_in_the_bucket_named_by_the_environment(tmp_path):
    env = {
        **os.environ,
        "LC_DATA_DIR": str(tmp_path),
        "LC_S3_BUCKET": "network-documents",
        "LC_S3_ENDPOINT_URL": "https://s3.example.org",
        "LC_S3_REGION": "eu-west-3",
        "LC_S3_ACCESS_KEY_ID": "key-id",
        "LC_S3_SECRET_ACCESS_KEY": "key-secret",
        "LC_S3_PREFIX": "/private/",
    }
    script = (
        "import json; from learningcities import settings; "
        "print(json.dumps(settings.STORAGES['private']))"
    )

    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout

    assert json.loads(output) == {
        "BACKEND": "learningcities.common.storage_s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": "network-documents",
            "endpoint_url": "https://s3.example.org",
            "region_name": "eu-west-3",
            "access_key": "key-id",
            "secret_key": "key-secret",
            "location": "private",
            "default_acl": "private",
            "file_overwrite": False,
        },
    }


def test_document_uploaded_and_served_through_the_bucket(s3, tmp_path, settings):
    settings.LC_PRIVATE_ROOT = tmp_path / "unused"
    cast = Cast()
    submission = cast.draft(complete=False)
    upload = io.BytesIO(PDF)
    upload.name = "mayor.pdf"
    coordinator = logged_in(cast.coordinator)

    coordinator.post(
        reverse("calls:city-profile", kwargs={"pk": submission.pk}), {"commitment_letter": upload}
    )
    document = submission.documents.get(kind=DocumentKind.COMMITMENT_LETTER).document
    stored = keys(s3)
    served = coordinator.get(reverse("common:document", args=[document.pk]))
    served_bytes = b"".join(served.streaming_content)
    stranger = logged_in(Cast(country_code="FR").coordinator).get(
        reverse("common:document", args=[document.pk])
    )
    acl = s3.get_object_acl(Bucket=BUCKET, Key=f"documents/{document.file.name}")

    assert stored == [f"documents/{document.file.name}"]
    assert (served.status_code, served_bytes, served["Content-Type"]) == (
        200,
        PDF,
        "application/pdf",
    )
    assert stranger.status_code == 404
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
    assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"
    assert not (tmp_path / "unused").exists()


def test_document_deleted_from_the_bucket_once_the_deletion_commits(
    s3, django_capture_on_commit_callbacks
):
    cast = Cast()
    document = store_document(
        io.BytesIO(PDF),
        owner=cast.organisation,
        uploaded_by=cast.coordinator,
        kind="letter",
        name="old.pdf",
    )
    coordinator = logged_in(cast.coordinator)
    before_delete = coordinator.get(reverse("common:document", args=[document.pk]))
    stored = keys(s3)

    with django_capture_on_commit_callbacks(execute=True):
        delete_document(document, actor=cast.coordinator)
    after_delete = coordinator.get(reverse("common:document", args=[document.pk]))

    assert (before_delete.status_code, b"".join(before_delete.streaming_content)) == (200, PDF)
    assert stored == [f"documents/{document.file.name}"]
    assert keys(s3) == []
    assert after_delete.status_code == 404


def test_bucket_documents_have_no_public_url(s3):
    with pytest.raises(ValueError, match="no public URL"):
        private_storage().url("documents/a.pdf")


def test_orphan_file_removed_from_the_bucket_once_a_day_old(s3):
    cast = Cast()
    document = store_document(
        io.BytesIO(PDF), owner=cast.organisation, uploaded_by=cast.coordinator, kind="letter"
    )
    # What an upload killed before its commit leaves: an object no row holds.
    s3.put_object(Bucket=BUCKET, Key="documents/documents/0f/0f3e-orphan.pdf", Body=PDF)

    removed_now = remove_orphan_files()
    removed_later = remove_orphan_files(now=timezone.now() + dt.timedelta(days=1, minutes=1))

    assert (removed_now, removed_later) == (0, 1)
    assert keys(s3) == [f"documents/{document.file.name}"]


def test_bucket_document_read_spills_to_disk_past_the_memory_limit(s3):
    s3.put_object(Bucket=BUCKET, Key="documents/documents/big.pdf", Body=b"%" * 3_000_000)

    with private_storage().open("documents/big.pdf", "rb") as handle:
        first = handle.read(1)
        on_disk = handle.file._rolled  # SpooledTemporaryFile: moved to a real file

    assert (first, on_disk) == (b"%", True)
