"""The API's list of the Learning City Award's winners: public, newest year first, filtered,
in pages and by cursor, described by the open data's dictionary."""

import pytest
from django.test import Client

from learningcities.calls.domain.eligibility import record_award_win
from tests.factories import country, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def winners():
    cities = {
        name: make_member(name=name, country=country(code)).city
        for name, code in [("Hangzhou", "CN"), ("Cork", "IE"), ("Beijing", "CN"), ("Hue", "VN")]
    }
    for name, year in [("Hangzhou", 2017), ("Cork", 2017), ("Beijing", 2021), ("Hue", 2021)]:
        record_award_win(cities[name], year=year, actor=None)
    return cities


def _winners(response) -> list[tuple[int, str]]:
    assert response.status_code == 200
    return [(w["year"], w["city"]) for w in response.json()["results"]]


def test_anyone_reads_the_winners_newest_year_first_then_by_city(winners):
    response = Client().get("/api/v1/award-winners")

    assert _winners(response) == [
        (2021, "Beijing"),
        (2021, "Hue"),
        (2017, "Cork"),
        (2017, "Hangzhou"),
    ]
    first = response.json()["results"][0]
    assert first == {
        "year": 2021,
        "city_id": winners["Beijing"].pk,
        "city": "Beijing",
        "country": "CN",
        "country_name": "China",
    }


def test_the_winners_filter_by_year_and_country_in_any_case(winners):
    client = Client()

    assert _winners(client.get("/api/v1/award-winners", {"year": 2017})) == [
        (2017, "Cork"),
        (2017, "Hangzhou"),
    ]
    assert _winners(client.get("/api/v1/award-winners", {"country": "cn", "year": 2021})) == [
        (2021, "Beijing")
    ]
    assert _winners(client.get("/api/v1/award-winners", {"country": "FR"})) == []


@pytest.mark.parametrize(("name", "value"), [("year", "1900"), ("country", "CHN"), ("year", "x")])
def test_a_bad_filter_is_refused_naming_it(name, value):
    response = Client().get("/api/v1/award-winners", {name: value})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == name


def test_the_winners_walk_by_cursor(winners):
    client = Client()
    page = client.get("/api/v1/award-winners", {"page_size": 3}).json()
    rest = client.get(
        "/api/v1/award-winners", {"page_size": 3, "cursor": page["next_cursor"]}
    ).json()

    assert [w["city"] for w in page["results"] + rest["results"]] == [
        "Beijing",
        "Hue",
        "Cork",
        "Hangzhou",
    ]
    assert rest["next_cursor"] is None


def test_the_winners_country_name_follows_the_request_language(winners):
    response = Client().get("/api/v1/award-winners", {"country": "CN"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert {w["country_name"] for w in response.json()["results"]} == {"Chine"}
