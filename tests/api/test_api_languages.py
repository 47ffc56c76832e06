"""The API answers names and labels in the language of Accept-Language (common/middleware.py)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from learningcities.calls.enums import SubmissionState
from learningcities.common.middleware import language_from_accept_language
from tests.calls.factories import Cast
from tests.factories import country, make_member

pytestmark = pytest.mark.django_db

GERMANY = {"en": "Germany", "es": "Alemania", "ar": "ألمانيا", "zh-hans": "德国"}
ACCEPT = {"es": "es-ES,es;q=0.9", "ar": "ar-EG,ar;q=0.8,en;q=0.5", "zh-hans": "zh-CN,zh;q=0.9"}


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("es", "es"),
        ("ar-EG,ar;q=0.9", "ar"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("de,fr;q=0.5", "fr"),
        ("vi;q=0.5,en;q=0.9", "en"),
        ("de", "en"),
        ("", "en"),
    ],
)
def test_language_from_accept_language_picks_the_preferred_interface_language(header, language):
    assert language_from_accept_language(header) == language


@pytest.mark.parametrize("language", ["es", "ar", "zh-hans"])
def test_countries_api_names_countries_in_the_accepted_language(client, language):
    make_member(country=country("DE"))

    response = client.get(
        "/api/v1/countries", {"member": "true"}, HTTP_ACCEPT_LANGUAGE=ACCEPT[language]
    )

    assert response.status_code == 200
    assert [item["name"] for item in response.json()["results"]] == [GERMANY[language]]
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("language", ["es", "ar", "zh-hans"])
def test_cities_api_country_name_in_the_accepted_language(client, language):
    make_member(name="Leipzig", country=country("DE"))

    english = client.get("/api/v1/cities", HTTP_ACCEPT_LANGUAGE="en").json()
    localised = client.get("/api/v1/cities", HTTP_ACCEPT_LANGUAGE=ACCEPT[language]).json()

    assert english["results"][0]["country_name"] == "Germany"
    assert localised["results"][0]["country_name"] == GERMANY[language]
    # Identifiers stay as they are: the name, the country code, the region's API name.
    assert localised["results"][0]["name"] == "Leipzig"
    assert localised["results"][0]["country"] == "DE"
    assert localised["results"][0]["region"] == english["results"][0]["region"]


def test_api_language_ignores_the_language_cookie_of_the_pages(client):
    make_member(country=country("DE"))
    client.cookies["django_language"] = "fr"

    response = client.get("/api/v1/countries", {"member": "true"}, HTTP_ACCEPT_LANGUAGE="es")

    assert response.json()["results"][0]["name"] == "Alemania"


@pytest.mark.parametrize("language", ["es", "ar", "zh-hans"])
def test_submission_api_state_label_in_the_accepted_language(language):
    cast = Cast()
    cast.draft(complete=False)
    client = Client()
    client.force_login(cast.coordinator)
    with translation.override(language):
        expected = str(SubmissionState.DRAFT.label)
    assert expected != "Draft"

    response = client.get(reverse("api-v1:list_submissions"), HTTP_ACCEPT_LANGUAGE=ACCEPT[language])

    assert response.status_code == 200
    assert response.json()["results"][0]["state_label"] == expected


@pytest.mark.parametrize("language", ["es", "ar", "zh-hans"])
def test_submission_api_error_detail_in_the_accepted_language(language):
    cast = Cast()
    client = Client()
    client.force_login(cast.coordinator)
    with translation.override(language):
        expected = translation.gettext("There is no submission with this id.")
    assert expected != "There is no submission with this id."

    response = client.get(
        reverse("api-v1:get_submission", kwargs={"id": 999_999}),
        HTTP_ACCEPT_LANGUAGE=ACCEPT[language],
    )

    assert response.status_code == 404
    assert response.json() == {"detail": expected}
