"""The dossier and the certificate PDFs in Arabic, Chinese, Russian and Vietnamese.

The text pypdf extracts must read in logical order: the city's name, a
heading as the catalogue translates it and a date as the language writes it.
WeasyPrint writes each line's glyphs in visual order (left to right); pypdf
turns each right-to-left run back into reading order but keeps the runs of a
line left to right, so ``reading_text`` puts the runs of a right-to-left
document's lines from right to left. pypdf gives the Arabic letters
themselves (through the fonts' ToUnicode maps), not presentation forms, so no
NFKC normalisation is needed: ``test_arabic_comes_out_as_letters`` checks it.
"""

import datetime as dt
import io
import re
import unicodedata
from collections import defaultdict

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from pypdf import PdfReader

from learningcities.calls.domain.release import (
    certificate_context,
    certificate_language,
    render_certificate,
)
from learningcities.calls.domain.submissions import save_draft
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Call, Certificate, Submission
from learningcities.common.languages import is_right_to_left
from learningcities.network.models.countries import localised_country_name
from tests.calls.factories import PATHS, Cast, submission_in
from tests.calls.releasing import release_cohort
from tests.reviews.decision_helpers import membership_call, rename_city, stage

pytestmark = pytest.mark.django_db
S = SubmissionState

# A city per language: its country, international name and name in its own script.
CITIES = {
    "ar": ("EG", "Aswan", "أسوان"),
    "zh-hans": ("CN", "Wuhan", "武汉"),
    "ru": ("RU", "Yakutsk", "Якутск"),
    "vi": ("VN", "Cao Lanh", "Cao Lãnh"),
}
LANGUAGES = list(CITIES)
JOINED = dt.date(2026, 12, 4)
ISSUED = dt.date(2026, 12, 6)
# Scripts whose glyphs the Noto fonts must draw (else: boxes, "tofu").
NON_LATIN = re.compile(r"[\u0600-\u06ff\u3000-\u30ff\u4e00-\u9fff]")
# How far apart (in points) the baselines of the cells of one table row may be.
LINE_SLACK = 4


# --- reading a PDF ---------------------------------------------------------------------


def _runs(content: bytes) -> list[tuple[int, float, float, str, str]]:
    """Return the text runs of a PDF: (page, y, x, text, font), in the order pypdf reads them."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(content)).pages):

        def visit(text, cm, tm, font, _size, number=number):
            if not text.strip("\n"):
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            name = str(font["/BaseFont"]).split("+", 1)[-1] if font else ""
            runs.append((number, round(y), round(x, 1), text.strip("\n"), name))

        page.extract_text(visitor_text=visit)
    return runs


def _lines(runs):
    """Group runs into lines: on one page, baselines at most ``LINE_SLACK`` apart.

    The cells of a table row may sit a little apart (a Chinese font's
    baseline is not a Latin one's); they are read as one line.
    """
    lines = []
    for run in sorted(runs, key=lambda run: (run[0], -run[1])):
        if lines and lines[-1][0][0] == run[0] and lines[-1][0][1] - run[1] <= LINE_SLACK:
            lines[-1].append(run)
        else:
            lines.append([run])
    return lines


def reading_text(content: bytes, *, right_to_left: bool) -> str:
    """Return the text of a PDF line by line, in reading order, spaces collapsed.

    A line's pieces drawn apart (one per text object, at its own x) are read
    from the right in a right-to-left document, and within one piece its
    direction runs (pypdf's, left to right) are reversed.
    """
    read = []
    for line in _lines(_runs(content)):
        pieces = defaultdict(list)
        for _page, _y, x, text, _font in line:
            pieces[x].append(text)
        ordered = sorted(pieces.items(), reverse=right_to_left)
        texts = ["".join(reversed(runs) if right_to_left else runs) for _x, runs in ordered]
        read.append(" ".join(" ".join(texts).split()))
    return "\n".join(read)


def fonts_drawing(content: bytes, pattern: re.Pattern) -> set[str]:
    """Return the names of the fonts that draw the text matching ``pattern``."""
    return {font for *_where, text, font in _runs(content) if font and pattern.search(text)}


def embedded_fonts(content: bytes) -> set[str]:
    """Return the names of the fonts of every page's resources (without subset prefix)."""
    return {
        str(font.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in PdfReader(io.BytesIO(content)).pages
        for font in page["/Resources"]["/Font"].values()
    }


def in_language(language: str, function, *args, **kwargs):
    with translation.override(language):
        return function(*args, **kwargs)


def translated(language: str, message: str, **values) -> str:
    """Return ``message`` as the catalogue of ``language`` has it; fail if it is not translated."""
    text = in_language(language, gettext, message)
    assert text != message, f"{message!r} is not translated into {language}"
    return text % values if values else text


def localised_date(language: str, value, format_name: str) -> str:
    """Return ``value`` as ``language`` writes it; fail if that is how English writes it."""
    text = in_language(language, date_format, value, format_name)
    assert text != in_language("en", date_format, value, format_name)
    return text


# --- the dossier ------------------------------------------------------------------------


def city_cast(language: str) -> Cast:
    code, name, local_name = CITIES[language]
    cast = Cast(country_code=code)
    rename_city(cast, name, local_name=local_name)
    return cast


def dossier_pdf(cast: Cast, submission: Submission, language: str) -> bytes:
    """The dossier as the coordinator asks for it from a page in ``language``."""
    client = Client()
    client.force_login(cast.coordinator)
    url = in_language(language, reverse, "calls:dossier-pdf", kwargs={"pk": submission.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


@pytest.mark.parametrize("language", LANGUAGES)
def test_dossier_pdf_in_the_language_it_is_asked_in(language):
    cast = city_cast(language)
    submission = submission_in(cast, S.SUBMITTED)
    name = cast.city.name

    content = dossier_pdf(cast, submission, language)

    text = reading_text(content, right_to_left=is_right_to_left(language))
    submitted = localised_date(
        language, timezone.localtime(submission.submitted_at), "DATETIME_FORMAT"
    )
    lines = text.splitlines()
    assert translated(language, "Dossier of %(city)s", city=name) in lines
    assert translated(language, "Profile") in lines
    assert translated(language, "Answers") in lines
    assert f"{translated(language, 'Submitted')} {submitted}" in lines or (
        f"{submitted} {translated(language, 'Submitted')}" in lines
    )
    assert "Dossier of" not in text


def test_dossier_pdf_in_arabic_reads_right_to_left():
    cast = city_cast("ar")
    submission = submission_in(cast, S.SUBMITTED)

    content = dossier_pdf(cast, submission, "ar")

    lines = reading_text(content, right_to_left=True).splitlines()
    heading = translated("ar", "Dossier of %(city)s", city="Aswan")
    assert heading == "ملف Aswan"
    assert heading in lines
    # The heading starts at the right margin of the A4 page (595 points wide).
    first_word = next(run for run in _runs(content) if run[3] == "ملف")
    assert first_word[2] > 400
    # An answer written in English keeps its own direction: its full stop ends it.
    assert "We want to learn from peers and share our adult learning festival." in lines


def test_arabic_comes_out_as_letters():
    cast = city_cast("ar")
    submission = cast.draft()

    text = reading_text(dossier_pdf(cast, submission, "ar"), right_to_left=True)

    arabic = [c for c in text if "ARABIC" in unicodedata.name(c, "")]
    assert len(arabic) > 100
    assert not [c for c in arabic if unicodedata.normalize("NFKC", c) != c]
    assert "\ufffd" not in text


# --- the certificate -------------------------------------------------------------------


def certificate_pdf(cast: Cast, submission: Submission) -> tuple[dict, bytes]:
    context = certificate_context(
        submission,
        number="LC-2026-0001-000042",
        joined_on=JOINED,
        base="https://cities.example.org",
        issued_on=ISSUED,
    )
    return context, render_certificate(context)


def city_submission(language: str) -> tuple[Cast, Submission]:
    """A draft of a city that communicates in ``language``, to an English call."""
    cast = city_cast(language)
    submission = cast.draft()
    save_draft(submission, actor=cast.coordinator, communication_language=language)
    assert submission.call.language == "en"
    return cast, submission


@pytest.mark.parametrize("language", LANGUAGES)
def test_certificate_pdf_in_the_city_language(language):
    cast, submission = city_submission(language)
    code, name, local_name = CITIES[language]

    context, content = certificate_pdf(cast, submission)

    assert context["language"] == language
    text = reading_text(content, right_to_left=is_right_to_left(language))
    lines = text.splitlines()
    joined = localised_date(language, JOINED, "DATE_FORMAT")
    admitted = "has been admitted as a member of the network on %(date)s."
    assert translated(language, "Certificate of membership") in lines
    assert name in lines
    assert local_name in lines
    assert localised_country_name(code, language) in lines
    assert " ".join(translated(language, admitted, date=joined).split()) in text
    assert localised_date(language, ISSUED, "DATE_FORMAT") in text
    assert "Certificate of membership" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdfs_draw_every_script_with_noto_fonts(language):
    cast, submission = city_submission(language)
    dossier = dossier_pdf(cast, submission, language)
    _context, certificate = certificate_pdf(cast, submission)

    script_font = {"ar": "Arabic", "zh-hans": "CJK"}.get(language)
    for content in (dossier, certificate):
        fonts = embedded_fonts(content)
        assert fonts
        assert all(font.startswith("Noto") for font in fonts), fonts
        if script_font:
            drawing = fonts_drawing(content, NON_LATIN)
            assert drawing
            assert all(script_font in font for font in drawing), drawing


def test_released_certificate_in_the_city_language_not_the_call():
    call = membership_call(title="Membership call 2026")
    cast = Cast(call=call, country_code="VN")
    rename_city(cast, "Cao Lanh", local_name="Cao Lãnh")
    submission = cast.draft()
    save_draft(submission, actor=cast.coordinator, communication_language="vi")
    for step in PATHS[S.IN_REVIEW]:
        cast.move(submission, step)
    stage(cast, submission, "accepted")

    release_cohort(call, actor=cast.secretary, name="2026 cohort", joined_on=JOINED)

    certificate = Certificate.objects.get(submission=submission)
    with certificate.document.file.open("rb") as handle:
        text = reading_text(handle.read(), right_to_left=False)
    assert translated("vi", "Certificate of membership") in text.splitlines()
    assert localised_date("vi", JOINED, "DATE_FORMAT") in text


def test_certificate_language_falls_back_to_the_call_language():
    call = Call(language="ru")

    assert certificate_language(Submission(call=call, communication_language="")) == "ru"
    assert certificate_language(Submission(call=call, communication_language="ar")) == "ar"
