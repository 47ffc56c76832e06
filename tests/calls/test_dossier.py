"""The dossier PDF: contents, non-Latin scripts, and who may open it."""

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from learningcities.accounts.domain.users import activate_totp
from learningcities.calls.domain.submissions import save_draft
from learningcities.calls.enums import SubmissionState
from tests.accounts.factories import TOTP_SECRET, make_user
from tests.calls.factories import Cast, endorser_of, submission_in

pytestmark = pytest.mark.django_db

S = SubmissionState


def pdf_fonts(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dossier_url(submission) -> str:
    return reverse("calls:dossier-pdf", kwargs={"pk": submission.pk})


def test_dossier_pdf_shows_profile_answers_and_documents():
    cast = Cast()
    submission = cast.draft()

    response = client_for(cast.coordinator).get(dossier_url(submission))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = pdf_text(response.content)
    assert cast.city.name in text
    assert "Membership call" in text
    assert "Aoife Byrne" in text
    assert "Libraries, schools and employers run a shared programme." in text
    assert "letter.pdf" in text
    assert "evidence.pdf" in text
    assert "Mayor's commitment letter" in text


def test_dossier_pdf_renders_korean_arabic_and_vietnamese(caplog):
    cast = Cast()
    submission = cast.draft()
    korean = "평생학습도시 수원"
    arabic = "مدينة التعلم"
    vietnamese = "Thành phố học tập Đà Nẵng"
    chinese = "终身学习城市"
    save_draft(
        submission,
        actor=cast.coordinator,
        motivation=f"{korean} {chinese}",
        implementation=f"{arabic} {vietnamese}",
    )

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = client_for(cast.coordinator).get(dossier_url(submission))

    text = pdf_text(response.content)
    assert korean in text
    assert chinese in text
    assert vietnamese in text
    # Arabic is laid out right to left: its words come out whole, in visual order.
    assert all(word in text or word[::-1] in text for word in arabic.split())
    assert not [r for r in caplog.records if "glyph" in r.getMessage().lower()]
    assert {"Noto-Sans", "Noto-Sans-CJK-SC", "Noto-Sans-Arabic"} <= pdf_fonts(response.content)


def test_dossier_render_is_logged_with_its_duration(caplog):
    cast = Cast()
    submission = cast.draft(complete=False)

    with caplog.at_level(logging.INFO, logger="learningcities.calls.dossier"):
        response = client_for(cast.coordinator).get(dossier_url(submission))

    assert response.status_code == 200
    assert any(
        f"submission {submission.pk} rendered in" in record.getMessage()
        for record in caplog.records
    )
    assert "Not answered" in pdf_text(response.content)


def test_dossier_pdf_open_to_endorser_once_submitted():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    response = client_for(cast.endorser).get(dossier_url(submission))

    assert response.status_code == 200
    assert cast.city.name in pdf_text(response.content)


def test_dossier_pdf_hidden_from_endorser_while_draft():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = client_for(cast.endorser).get(dossier_url(submission))

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_dossier_pdf_hidden_from_other_country_endorser():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    response = client_for(endorser_of("FR")).get(dossier_url(submission))

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_dossier_pdf_hidden_from_other_city_coordinator():
    cast = Cast()
    other = Cast(call=cast.call, country_code="IE")
    submission = cast.draft(complete=False)

    response = client_for(other.coordinator).get(dossier_url(submission))

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_dossier_pdf_open_to_secretariat():
    cast = Cast()
    submission = cast.draft(complete=False)
    activate_totp(cast.secretary, secret=TOTP_SECRET)

    response = client_for(cast.secretary).get(dossier_url(submission))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_dossier_pdf_missing_submission_is_404():
    response = client_for(make_user()).get(reverse("calls:dossier-pdf", kwargs={"pk": 999_999}))

    assert response.status_code == 404
    assert response["Content-Type"] != "application/pdf"


def test_dossier_pdf_sends_anonymous_to_login():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = Client().get(dossier_url(submission))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
