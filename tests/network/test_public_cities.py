"""Only cities admitted to the network are public; applying publishes nothing (issue 11, #10).

The register also holds cities that only applied: a city is added when it
applies (or for a demo application) and stays when it is refused. Every public
path (the API's list, filters, search and detail, the directory, the city and
country pages, the map) shows members and former members, never those.
"""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from learningcities.calls.enums import SubmissionState
from learningcities.network.dates import PartialDate
from learningcities.network.domain.cities import save_city
from learningcities.network.domain.memberships import admit_city
from tests.calls.factories import PATHS, Cast
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db

S = SubmissionState


def _renamed(cast: Cast, name: str):
    # A name of its own, so a search or a page can be read for it.
    city, _changed = save_city(country=cast.city.country, name=name, city=cast.city)
    return city


@pytest.fixture
def register(private_root, fast_password_hashing):
    """A member and a former member in Ireland; a city with a draft application
    (France) and one whose application was refused and released (Ireland)."""
    member = make_member(
        CityFactory(name="Cork", country=country("IE"), latitude=51.9, longitude=-8.5)
    ).city
    former = make_member(
        CityFactory(name="Limerick", country=country("IE"), latitude=52.7, longitude=-8.6),
        joined="2016",
        ended=dt.date(2019, 1, 1),
    ).city
    drafting = Cast(country_code="FR")
    drafting.draft()
    refused = Cast(call=drafting.call, country_code="IE")
    submission = refused.draft()
    for step in PATHS[S.RELEASED]:
        extra = {"decision": "rejected"} if step == S.DECIDED else {}
        refused.move(submission, step, **extra)
    assert submission.decision == "rejected"
    return {
        "member": member,
        "former": former,
        "draft": _renamed(drafting, "Draftville"),
        "rejected": _renamed(refused, "Refusedtown"),
        "drafting": drafting,
    }


def _api_names(client: Client, params: dict) -> list[str]:
    response = client.get("/api/v1/cities", params)
    assert response.status_code == 200
    return [item["name"] for item in response.json()["results"]]


# The API -------------------------------------------------------------------------


def test_cities_api_lists_members_and_former_members_only(client, register):
    assert _api_names(client, {}) == ["Cork", "Limerick"]


def test_cities_api_member_false_lists_former_members_only(client, register):
    assert _api_names(client, {"member": "false"}) == ["Limerick"]
    assert _api_names(client, {"member": "true"}) == ["Cork"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "draftville"},
        {"q": "refusedtown"},
        {"q": "draftville", "member": "false"},
        {"q": "refusedtown", "member": "false"},
        {"country": "FR"},
        {"country": "IE", "member": "false"},
        {"region": "Europe and North America", "q": "town"},
    ],
)
def test_cities_api_search_and_filters_leave_out_cities_that_only_applied(client, register, params):
    names = _api_names(client, params)

    assert "Draftville" not in names
    assert "Refusedtown" not in names


@pytest.mark.parametrize("who", ["draft", "rejected"])
def test_city_api_city_that_only_applied_is_404_as_if_missing(client, register, who):
    city = register[who]

    response = client.get(f"/api/v1/cities/{city.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": f"There is no city with the id {city.pk}."}


@pytest.mark.parametrize("who", ["member", "former"])
def test_city_api_member_and_former_member_are_public(client, register, who):
    city = register[who]

    response = client.get(f"/api/v1/cities/{city.pk}")

    assert response.status_code == 200
    assert response.json()["name"] == city.name


def test_cities_api_lists_an_applicant_once_admitted(client, register):
    # A cached answer first: the admission must show at once (new revision).
    before = _api_names(client, {})

    admit_city(register["draft"], joined=PartialDate.parse("2024-02-14"))
    after = _api_names(client, {})
    detail = client.get(f"/api/v1/cities/{register['draft'].pk}")

    assert before == ["Cork", "Limerick"]
    assert after == ["Cork", "Draftville", "Limerick"]
    assert detail.status_code == 200


def test_submissions_api_coordinator_still_sees_own_unpublished_city(register):
    drafting = register["drafting"]
    client = Client()
    client.force_login(drafting.coordinator)

    response = client.get("/api/v1/submissions")

    assert response.status_code == 200
    assert [item["city"] for item in response.json()["results"]] == [
        {"id": register["draft"].pk, "name": "Draftville"}
    ]


# The pages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "all"}, {"status": "former"}, {"q": "draftville", "status": "all"}],
)
def test_directory_leaves_out_cities_that_only_applied(client, register, params):
    html = client.get(reverse("network:directory"), params).content.decode()

    assert "Draftville" not in html
    assert "Refusedtown" not in html


def test_directory_all_statuses_lists_member_and_former_member(client, register):
    html = client.get(reverse("network:directory"), {"status": "all"}).content.decode()

    assert ">Cork</a>" in html
    assert ">Limerick</a>" in html


@pytest.mark.parametrize("who", ["draft", "rejected"])
def test_city_page_city_that_only_applied_is_404(client, register, who):
    response = client.get(reverse("network:city", kwargs={"pk": register[who].pk}))

    assert response.status_code == 404
    assert register[who].name.encode() not in response.content


@pytest.mark.parametrize("who", ["member", "former"])
def test_city_page_member_and_former_member_are_public(client, register, who):
    response = client.get(reverse("network:city", kwargs={"pk": register[who].pk}))

    assert response.status_code == 200
    assert f"<h1>{register[who].name}".encode() in response.content


@pytest.mark.parametrize("code", ["ie", "fr"])
def test_country_page_leaves_out_cities_that_only_applied(client, register, code):
    html = client.get(reverse("network:country", kwargs={"code": code})).content.decode()

    assert "Draftville" not in html
    assert "Refusedtown" not in html


def test_country_page_lists_member_and_former_member(client, register):
    html = client.get(reverse("network:country", kwargs={"code": "ie"})).content.decode()

    assert ">Cork</a>" in html
    assert ">Limerick</a>" in html


def test_countries_page_counts_no_country_for_an_application(client, register):
    html = client.get(reverse("network:countries")).content.decode()

    assert ">Ireland</a>" in html
    assert ">France</a>" not in html


def test_map_data_leaves_out_cities_that_only_applied(client, register):
    data = json.loads(client.get(reverse("network:map-data")).content)

    assert [feature["properties"]["name"] for feature in data["features"]] == ["Cork"]


def test_map_page_leaves_out_cities_that_only_applied(client, register):
    html = client.get(reverse("network:map")).content.decode()

    assert ">Cork</a>" in html
    assert "Draftville" not in html
    assert "Refusedtown" not in html
