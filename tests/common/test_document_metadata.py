"""A document served to a viewer who may not read its name carries no metadata naming the city.

A juror in a phase that hides the city's identity opens its evidence as
"document.pdf"; the file's own properties (a PDF's title and author, a
photo's EXIF artist) would name the city all the same. Those who read the
name (the secretariat, the city, a juror while identities show) get the file
exactly as it was uploaded.
"""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from learningcities.calls.enums import DocumentKind
from learningcities.calls.models import SubmissionDocument
from learningcities.common.domain.documents import store_document
from learningcities.common.models import Document
from tests.reviews.scoring_helpers import UNIQUE_CITY, Jury, client_for, secretary_with_totp

from .city_files import (
    CITY,
    everything_in_pdf,
    jpeg_naming_the_city,
    locked_pdf,
    names_the_city,
    pdf_naming_the_city,
)

pytestmark = pytest.mark.django_db

assert CITY == UNIQUE_CITY  # the files name the jury's city


def juror_and_evidence(content: bytes, name: str, *, sees_identity: bool = False):
    """A juror in a phase that shows or hides the city, and evidence of the city's."""
    jury = Jury()
    jury.set_phase(sees_identity=sees_identity)
    document = store_document(
        SimpleUploadedFile(name, content),
        owner=jury.cast.organisation,
        uploaded_by=jury.cast.coordinator,
        kind=f"calls.{DocumentKind.EVIDENCE}",
        related_object=jury.submission,
    )
    # The city attaches evidence while drafting; a submission in review can no
    # longer be changed, so the link attach_document would have made is made here.
    SubmissionDocument.objects.create(
        submission=jury.submission, document=document, kind=DocumentKind.EVIDENCE
    )
    return jury, document


def download(user, document: Document):
    response = client_for(user).get(
        reverse("common:document", kwargs={"document_id": document.pk}), {"download": "1"}
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


PROTECTIVE_HEADERS = (
    "Content-Type",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Cross-Origin-Resource-Policy",
    "Cache-Control",
    "Vary",
)


def test_pdf_served_to_a_juror_hiding_identity_carries_no_metadata():
    jury, document = juror_and_evidence(pdf_naming_the_city(), f"{UNIQUE_CITY} plan.pdf")

    response, body = download(jury.juror, document)
    as_secretariat, _original = download(secretary_with_totp(), document)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="document.pdf"'
    assert not names_the_city(body)
    assert not names_the_city(everything_in_pdf(body))
    served = PdfReader(io.BytesIO(body))
    assert (served.metadata, served.xmp_metadata) == (None, None)
    assert [page.get("/Metadata") for page in served.pages] == [None, None]
    assert response["Content-Length"] == str(len(body))
    assert {name: response[name] for name in PROTECTIVE_HEADERS} == {
        name: as_secretariat[name] for name in PROTECTIVE_HEADERS
    }


def test_pdf_served_unchanged_to_the_secretariat_and_the_city():
    original = pdf_naming_the_city()
    jury, document = juror_and_evidence(original, f"{UNIQUE_CITY} plan.pdf")

    as_secretariat, secretariat_body = download(secretary_with_totp(), document)
    as_city, city_body = download(jury.cast.coordinator, document)

    assert (as_secretariat.status_code, as_city.status_code) == (200, 200)
    assert sha256(secretariat_body) == sha256(city_body) == sha256(original)
    assert as_secretariat["Content-Length"] == str(len(original))
    assert UNIQUE_CITY in as_city["Content-Disposition"]


def test_pdf_served_unchanged_to_a_juror_while_identity_shows():
    original = pdf_naming_the_city()
    jury, document = juror_and_evidence(original, "plan.pdf", sees_identity=True)

    response, body = download(jury.juror, document)

    assert response.status_code == 200
    assert sha256(body) == sha256(original)


def test_jpeg_served_to_a_juror_hiding_identity_carries_no_exif():
    original = jpeg_naming_the_city()
    jury, document = juror_and_evidence(original, f"{UNIQUE_CITY} festival.jpg")

    response, body = download(jury.juror, document)
    _as_secretariat, secretariat_body = download(secretary_with_totp(), document)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="document.jpg"'
    assert response["Content-Length"] == str(len(body))
    assert not names_the_city(body)
    with Image.open(io.BytesIO(body)) as served:
        served.load()
        assert (served.format, served.size) == ("JPEG", (64, 48))
        assert dict(served.getexif()) == {}
    assert sha256(secretariat_body) == sha256(original)


def test_pdf_locked_by_a_password_is_withheld_from_a_juror_hiding_identity():
    locked = locked_pdf(user_password="city secret")
    jury, document = juror_and_evidence(locked, "plan.pdf")

    response, body = download(jury.juror, document)
    _as_secretariat, secretariat_body = download(secretary_with_totp(), document)

    assert response.status_code == 403
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"%PDF" not in body
    assert not names_the_city(body)
    assert "This file's details could not be removed" in body.decode()
    assert "private" in response["Cache-Control"]
    assert sha256(secretariat_body) == sha256(locked)
