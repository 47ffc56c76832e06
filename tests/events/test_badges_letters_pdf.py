"""Badges and letters (PDF) read correctly in Latin, Arabic, Chinese and Vietnamese.

The text pypdf extracts (read as the calls' PDF tests read it: ``reading_text``)
must give the names as written, the dates in words as each language writes
them and, on a badge, the code printed under its QR code.
"""

import datetime as dt
import io

import pytest
import segno
from pypdf import PdfReader

from learningcities.events.domain.errors import EventError
from learningcities.events.enums import RegistrationStatus
from learningcities.events.interfaces.badges import (
    badge_registrations,
    badges_html,
    render_badges,
)
from learningcities.events.interfaces.letters import (
    check_letter,
    date_in_words,
    letter_html,
    render_letter,
)
from learningcities.network.models.countries import localised_country_name
from tests.calls.test_pdf_languages import embedded_fonts, reading_text
from tests.events.factories_desk import RegistrationFactory
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.factories import CityFactory, country

pytestmark = pytest.mark.django_db

# A person per script: their language, name, country and city.
PEOPLE = {
    "fr": ("Åsa Ødegård-Lefèvre", "FR", "Évry-Courcouronnes"),
    "ar": ("فاطمة الزهراء", "EG", "أسوان"),
    "zh-hans": ("王小明", "CN", "武汉"),
    "vi": ("Nguyễn Thị Hà", "VN", "Sa Đéc"),
}
STARTS = dt.date(2026, 10, 4)
ISSUED = dt.date(2026, 6, 1)


@pytest.fixture
def event():
    host = CityFactory(name="Jubail", country=country("SA"))
    return EventFactory(
        title="Sixth conference",
        starts_on=STARTS,
        ends_on=STARTS + dt.timedelta(days=2),
        host_city=host,
        host_country=host.country,
        time_zone="Asia/Riyadh",
    )


def person(event, language, **fields):
    name, code, city = PEOPLE[language]
    return RegistrationFactory(
        category=CategoryFactory(event=event)
        if "category" not in fields
        else fields.pop("category"),
        name=name,
        country=country(code),
        city_name=city,
        language=language,
        **fields,
    )


# --- badges ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", list(PEOPLE))
def test_badge_reads_every_script_and_prints_the_code(event, language):
    registration = person(event, language)
    _name, code, city = PEOPLE[language]

    content = render_badges(event, [registration])

    lines = reading_text(content, right_to_left=False).splitlines()
    assert registration.name in lines
    assert city in lines
    assert localised_country_name(code, "en") in lines
    assert registration.badge_code in lines
    assert "Sixth conference" in lines
    assert all(font.startswith(("Noto", "DejaVu")) for font in embedded_fonts(content))


def test_badges_of_several_scripts_on_one_sheet(event):
    category = CategoryFactory(event=event)
    people = [person(event, language, category=category) for language in PEOPLE]

    content = render_badges(event, badge_registrations(event))

    text = reading_text(content, right_to_left=False)
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    for registration in people:
        assert registration.name in text
        assert registration.badge_code in text


def test_badges_carry_the_qr_code_of_their_own_code(event):
    registration = person(event, "vi")
    expected = segno.make(registration.badge_code, error="m").svg_inline(scale=1, border=2)

    html = badges_html(event, [registration])

    assert html.count("<svg") == 1
    assert expected in html
    # WeasyPrint draws it: one stroke per dark run of each of the code's rows.
    content = render_badges(event, [registration])
    strokes = PdfReader(io.BytesIO(content)).pages[0].get_contents().get_data().count(b" l\n")
    assert strokes >= expected.count("h")


def test_badges_eight_to_a_sheet_for_confirmed_people_only(event):
    category = CategoryFactory(event=event)
    confirmed = RegistrationFactory.create_batch(9, category=category)
    RegistrationFactory(category=category, status=RegistrationStatus.PENDING)

    people = list(badge_registrations(event))
    content = render_badges(event, people)

    assert sorted(r.pk for r in people) == sorted(r.pk for r in confirmed)
    assert len(PdfReader(io.BytesIO(content)).pages) == 2


def test_badges_filtered_by_category(event):
    from learningcities.events.enums import CategoryKind

    delegates = CategoryFactory(event=event, kind=CategoryKind.CITY_DELEGATE)
    press = CategoryFactory(event=event, kind=CategoryKind.PRESS)
    RegistrationFactory(category=delegates)
    reporter = RegistrationFactory(category=press)

    people = list(badge_registrations(event, category_id=press.pk))

    assert people == [reporter]


# --- letters -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", list(PEOPLE))
def test_invitation_in_the_person_language(event, language):
    registration = person(event, language)

    content = render_letter(registration, "invitation", issued_on=ISSUED)

    right_to_left = language == "ar"
    text = reading_text(content, right_to_left=right_to_left)
    lines = text.splitlines()
    assert registration.name in lines
    assert localised_country_name(PEOPLE[language][1], language) in text
    assert date_in_words(ISSUED, language) in lines
    if right_to_left:
        # A date inside a sentence reads back in pieces (digits are written left to right).
        assert "أكتوبر" in text
    else:
        assert date_in_words(STARTS, language) in text


@pytest.mark.parametrize(
    ("language", "month"),
    [("fr", "octobre"), ("ar", "أكتوبر"), ("zh-hans", "10月"), ("vi", "tháng 10")],
)
def test_dates_in_words_in_each_language(language, month):
    assert month in date_in_words(STARTS, language)


def test_letters_in_arabic_are_right_to_left(event):
    registration = person(event, "ar")

    html = letter_html(registration, "invitation")

    assert '<html lang="ar" dir="rtl">' in html


@pytest.mark.parametrize("language", list(PEOPLE))
def test_visa_letter_names_nationality_and_passport(event, language):
    registration = person(
        event,
        language,
        needs_visa_letter=True,
        nationality=country(PEOPLE[language][1]),
        passport_number="C7654321",
    )

    content = render_letter(registration, "visa", issued_on=ISSUED)

    text = reading_text(content, right_to_left=language == "ar")
    assert registration.name in text
    assert "C7654321" in text
    assert localised_country_name(PEOPLE[language][1], language) in text


def test_visa_letter_only_when_asked_for(event):
    registration = person(event, "fr")

    with pytest.raises(EventError) as refused:
        check_letter(registration, "visa")

    assert refused.value.code == "no_visa_letter"


@pytest.mark.parametrize("status", [RegistrationStatus.PENDING, RegistrationStatus.WAITING])
def test_no_letter_before_confirmation(event, status):
    registration = person(event, "vi", status=status)

    with pytest.raises(EventError) as refused:
        check_letter(registration, "invitation")

    assert refused.value.code == "not_confirmed"
