"""The library's pages: search with facets, a practice's page, a city's pages, moderation."""

from decimal import Decimal

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from learningcities.common.models import OutboxMessage
from learningcities.practices.enums import PracticeStatus
from learningcities.practices.interfaces.forms import parse_indicators
from learningcities.practices.models import Practice
from tests.factories import make_member
from tests.practices.factories import coordinator_and_city, make_practice, secretariat_person

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_library_lists_published_practices_and_filters_them_by_facets():
    festival = make_practice(publish=True, title="Learning festival", sdgs=[4])
    museum = make_practice(publish=True, title="Museum nights for families", sdgs=[11])
    make_practice(title="A draft nobody sees")
    page = Client().get(reverse("practices:library"))
    assert page.status_code == 200
    text = page.text
    assert "Learning festival" in text
    assert "Museum nights for families" in text
    assert "A draft nobody sees" not in text
    filtered = Client().get(reverse("practices:library"), {"sdg": "11"}).text
    assert "Museum nights for families" in filtered
    assert "Learning festival" not in filtered
    assert f'href="{museum.get_absolute_url()}"' in filtered
    assert festival.get_absolute_url() not in filtered


def test_a_search_finds_words_with_a_snippet_and_an_empty_one_suggests_a_broader_one():
    make_practice(publish=True, title="Learning festival", body="Workshops in the **parks**.")
    found = Client().get(reverse("practices:library"), {"q": "parks"}).text
    assert "Learning festival" in found
    assert "<mark>" in found
    nothing = Client().get(reverse("practices:library"), {"q": "parks", "sdg": "14"})
    assert nothing.status_code == 200
    assert "No practice matches this search." in nothing.text
    assert "A broader search finds some:" in nothing.text


@pytest.mark.parametrize("bad", [{"page": "x"}, {"q": '"(AND'}, {"sdg": "x" * 500}])
def test_odd_queries_never_fail(bad):
    make_practice(publish=True)
    assert Client().get(reverse("practices:library"), bad).status_code == 200


def test_a_draft_is_its_citys_and_the_secretariats_only():
    coordinator, organisation = coordinator_and_city()
    draft = make_practice(coordinator=coordinator, organisation=organisation)
    url = draft.get_absolute_url()
    assert Client().get(url).status_code == 404
    assert logged_in(coordinator_and_city()[0]).get(url).status_code == 404
    own = logged_in(coordinator).get(url)
    assert own.status_code == 200
    assert "Submit for publication" in own.text
    assert logged_in(secretariat_person()).get(url).status_code == 200


def test_a_published_practice_renders_markdown_safely_with_its_tags_and_licence():
    practice = make_practice(
        publish=True,
        body="**Bold** <script>alert(1)</script> [link](javascript:alert(2))",
        sdgs=[4],
        started_year=2019,
    )
    page = Client().get(practice.get_absolute_url()).text
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)" not in page
    assert 'href="javascript' not in page
    assert "4. Quality education" in page
    assert "CC BY 4.0" in page
    assert "since 2019" in page


def test_a_coordinator_writes_submits_and_the_secretariat_returns_and_publishes():
    coordinator, _organisation = coordinator_and_city()
    client = logged_in(coordinator)
    form = client.get(reverse("practices:create"))
    assert form.status_code == 200
    response = client.post(
        reverse("practices:create"),
        {
            "title": "Reading clubs in the markets",
            "summary": "Volunteers read with market sellers' children.",
            "body": "Every Saturday.",
            "language": "en",
            "licence": "CC-BY-4.0",
            "sdgs": ["4"],
            "indicators": "Children reading | 340 | children | 2024",
        },
    )
    practice = Practice.objects.get(title="Reading clubs in the markets")
    assert response.status_code == 302
    assert response["Location"] == practice.get_absolute_url()
    assert practice.indicators.get().value == 340
    # Without the consent the practice cannot be submitted; the page says what is missing.
    page = client.get(practice.get_absolute_url()).text
    assert "the consent to publish under the licence" in page
    practice.publication_consent = True
    practice.save()
    client.post(reverse("practices:move", kwargs={"pk": practice.pk}), {"to_state": "submitted"})
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.SUBMITTED

    secretariat = logged_in(secretariat_person())
    queue = secretariat.get(reverse("practices:moderation")).text
    assert "Reading clubs in the markets" in queue
    refused = secretariat.post(
        reverse("practices:move", kwargs={"pk": practice.pk}), {"to_state": "returned"}
    )
    assert refused.status_code == 400
    secretariat.post(
        reverse("practices:move", kwargs={"pk": practice.pk}),
        {"to_state": "returned", "comment": "Name the partners."},
    )
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.RETURNED
    assert "Name the partners." in client.get(practice.get_absolute_url()).text
    client.post(reverse("practices:move", kwargs={"pk": practice.pk}), {"to_state": "submitted"})
    secretariat.post(
        reverse("practices:move", kwargs={"pk": practice.pk}), {"to_state": "published"}
    )
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED
    assert "Reading clubs in the markets" in Client().get(reverse("practices:library")).text
    assert OutboxMessage.objects.filter(template_code="practices.practice.published").exists()


def test_a_coordinator_cannot_moderate_nor_edit_another_citys_practice():
    practice = make_practice()
    stranger = logged_in(coordinator_and_city()[0])
    assert stranger.get(reverse("practices:edit", kwargs={"pk": practice.pk})).status_code == 404
    moved = stranger.post(
        reverse("practices:move", kwargs={"pk": practice.pk}), {"to_state": "submitted"}
    )
    assert moved.status_code == 404
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.DRAFT


def test_bad_indicator_lines_are_named():
    coordinator, _organisation = coordinator_and_city()
    response = logged_in(coordinator).post(
        reverse("practices:create"),
        {
            "title": "T",
            "summary": "S",
            "body": "B",
            "language": "en",
            "licence": "CC-BY-4.0",
            "indicators": "People | many",
        },
    )
    assert response.status_code == 400
    assert "Line 1: “many” is not a number." in response.text
    assert not Practice.objects.exists()


@pytest.mark.parametrize("value", ["99999999999999.999", "-99999999999999.995", "1e14"])
def test_an_indicator_too_large_once_rounded_is_refused(value):
    # Rounded to two decimals it would need 17 digits: the column holds 16.
    with pytest.raises(forms.ValidationError):
        parse_indicators(f"People | {value}")
    assert parse_indicators("People | 99999999999999.99")[0]["value"] == Decimal(
        "99999999999999.99"
    )


def test_an_answer_becomes_a_draft_in_one_step(submitted_answer):
    answer, coordinator = submitted_answer
    client = logged_in(coordinator)
    listing = client.get(reverse("practices:city-practices")).text
    assert reverse("practices:from-answer", kwargs={"pk": answer.pk}) in listing
    response = client.post(reverse("practices:from-answer", kwargs={"pk": answer.pk}))
    practice = Practice.objects.get(source_submission=answer.submission)
    assert response["Location"] == reverse("practices:edit", kwargs={"pk": practice.pk})
    assert practice.body == answer.text_value.strip()
    assert "Already made into a practice." in client.get(reverse("practices:city-practices")).text
    other = logged_in(coordinator_and_city()[0])
    assert other.post(reverse("practices:from-answer", kwargs={"pk": answer.pk})).status_code in (
        403,
        404,
    )


def test_the_header_search_finds_practices_and_cities():
    practice = make_practice(publish=True, title="Sơn La reading boats")
    page = Client().get(reverse("common:search"), {"q": "son la"})
    assert page.status_code == 200
    assert practice.get_absolute_url() in page.text


def test_the_city_page_lists_its_published_practices():
    practice = make_practice(publish=True, title="Green learning corridors")
    make_member(practice.city)
    page = Client().get(practice.city.get_absolute_url()).text
    assert "Green learning corridors" in page


def test_history_of_a_published_practice_names_what_changed():
    from learningcities.practices.domain.practices import update_practice

    coordinator, organisation = coordinator_and_city()
    practice = make_practice(coordinator=coordinator, organisation=organisation, publish=True)
    update_practice(practice, actor=coordinator, data={"summary": "A new summary."})
    page = Client().get(reverse("practices:revisions", kwargs={"pk": practice.pk})).text
    assert "Revision 2" in page
    assert "summary" in page
