import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from learningcities.network.dates import PartialDate
from learningcities.network.domain.memberships import admit_city
from tests.factories import CityFactory, CohortFactory, country, make_member

pytestmark = pytest.mark.django_db

ALL_REGIONS_ZERO = {
    "Africa": 0,
    "Arab States": 0,
    "Asia and the Pacific": 0,
    "Europe and North America": 0,
    "Latin America and the Caribbean": 0,
}


def city_url(pk: int) -> str:
    try:
        path = reverse("network:city", kwargs={"pk": pk})
    except NoReverseMatch:
        path = f"/cities/{pk}/"
    return f"http://testserver{path}"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


# Statistics -------------------------------------------------------------------


def test_stats_api_empty_network_lists_every_region_at_zero(client):
    response = client.get("/api/v1/network/stats", {"as_of": "2024-01-01"})

    assert response.status_code == 200
    assert response.json() == {
        "as_of": "2024-01-01",
        "member_cities": 0,
        "countries": 0,
        "population": 0,
        "by_region": ALL_REGIONS_ZERO,
    }


def test_stats_api_between_cohorts_counts_only_earlier_members(client):
    make_member(joined="2019-07-17", population=10, country=country("KR"))
    make_member(joined="2020-09-22", population=20, country=country("VN"))
    make_member(joined="2020-09-22", population=5, country=country("MA"))

    between = client.get("/api/v1/network/stats", {"as_of": "2020-09-21"}).json()
    after = client.get("/api/v1/network/stats", {"as_of": "2020-09-22"}).json()

    assert between == {
        "as_of": "2020-09-21",
        "member_cities": 1,
        "countries": 1,
        "population": 10,
        "by_region": {**ALL_REGIONS_ZERO, "Asia and the Pacific": 1},
    }
    assert after == {
        "as_of": "2020-09-22",
        "member_cities": 3,
        "countries": 3,
        "population": 35,
        "by_region": {**ALL_REGIONS_ZERO, "Asia and the Pacific": 2, "Arab States": 1},
    }


def test_stats_api_lapsed_and_readmitted_city_counts_in_its_periods_only(client):
    city = CityFactory(population=1000, country=country("FR"))
    make_member(city, joined="2016-01-10", ended=dt.date(2019, 1, 1))
    make_member(city, joined="2022-09-02")

    during_first = client.get("/api/v1/network/stats", {"as_of": "2018-12-31"}).json()
    lapsed = client.get("/api/v1/network/stats", {"as_of": "2019-01-01"}).json()
    readmitted = client.get("/api/v1/network/stats", {"as_of": "2025-01-01"}).json()

    assert (during_first["member_cities"], during_first["population"]) == (1, 1000)
    assert (lapsed["member_cities"], lapsed["population"], lapsed["countries"]) == (0, 0, 0)
    assert readmitted["by_region"] == {**ALL_REGIONS_ZERO, "Europe and North America": 1}


def test_stats_api_partial_dates_count_from_end_of_period(client):
    make_member(joined="2016", population=5)
    make_member(joined="2018-02", population=7)

    counts = [
        client.get("/api/v1/network/stats", {"as_of": day}).json()["member_cities"]
        for day in ["2016-12-30", "2016-12-31", "2018-02-27", "2018-02-28"]
    ]

    assert counts == [0, 1, 1, 2]


def test_stats_api_without_as_of_counts_today(client):
    make_member(joined="2020-01-01", population=3)

    body = client.get("/api/v1/network/stats").json()

    assert body["as_of"] == timezone.localdate().isoformat()
    assert (body["member_cities"], body["population"]) == (1, 3)


def test_stats_api_empty_as_of_counts_today(client):
    make_member(joined="2020-01-01", population=3)

    body = client.get("/api/v1/network/stats", {"as_of": ""}).json()

    assert (body["as_of"], body["member_cities"]) == (timezone.localdate().isoformat(), 1)


def test_stats_api_follows_a_write_at_once(client):
    make_member(joined="2020-01-01")
    first = client.get("/api/v1/network/stats", {"as_of": "2025-01-01"}).json()

    make_member(joined="2021-01-01")
    second = client.get("/api/v1/network/stats", {"as_of": "2025-01-01"}).json()

    assert (first["member_cities"], second["member_cities"]) == (1, 2)


# Cities -----------------------------------------------------------------------


def test_cities_api_item_shows_city_country_and_current_membership(client):
    cohort = CohortFactory(name="Cohort 2024", announced_on=dt.date(2024, 2, 14))
    membership = make_member(
        joined="2024-02",
        cohort=cohort,
        name="Son La",
        local_name="Sơn La",
        admin_area="Sơn La Province",
        country=country("VN"),
        population=120_000,
        population_year=2019,
        latitude=21.3,
        longitude=103.9,
        gazetteer_id="geonames:1567681",
    )
    city = membership.city

    response = client.get("/api/v1/cities")

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": city.pk,
            "name": "Son La",
            "local_name": "Sơn La",
            "admin_area": "Sơn La Province",
            "country": "VN",
            "country_name": "Vietnam",
            "region": "Asia and the Pacific",
            "population": 120_000,
            "population_year": 2019,
            "latitude": 21.3,
            "longitude": 103.9,
            "gazetteer_id": "geonames:1567681",
            "is_member": True,
            "joined": "2024-02",
            "cohort": "Cohort 2024",
            "url": city_url(city.pk),
            "synthetic": False,
        }
    ]


def test_cities_api_city_that_never_joined_is_not_listed(client):
    CityFactory(name="Applicant")

    body = client.get("/api/v1/cities").json()

    assert (body["count"], body["results"]) == (0, [])


def test_cities_api_lapsed_city_shows_latest_membership_and_is_not_member(client):
    membership = make_member(joined="2016", ended=dt.date(2019, 1, 1), name="Lapsed")

    item = client.get(f"/api/v1/cities/{membership.city_id}").json()

    assert (item["is_member"], item["joined"], item["cohort"]) == (False, "2016", None)


def test_cities_api_marks_synthetic_cities(client):
    make_member(name="Generated", is_synthetic=True)
    make_member(name="Real")

    body = client.get("/api/v1/cities").json()

    assert [(c["name"], c["synthetic"]) for c in body["results"]] == [
        ("Generated", True),
        ("Real", False),
    ]


def test_cities_api_country_name_follows_accept_language(client):
    make_member(name="Hanoi", country=country("VN"))

    english = client.get("/api/v1/cities").json()["results"][0]
    french = client.get("/api/v1/cities", headers={"accept-language": "fr"}).json()["results"][0]

    assert (english["country_name"], french["country_name"]) == ("Vietnam", "Viêt Nam")
    assert french["region"] == "Asia and the Pacific"


def test_cities_api_country_filter_ignores_case(client):
    make_member(name="Hanoi", country=country("VN"))
    make_member(name="Cork", country=country("IE"))

    upper = client.get("/api/v1/cities", {"country": "VN"})
    lower = client.get("/api/v1/cities", {"country": "vn"})

    assert names(upper) == ["Hanoi"]
    assert names(lower) == ["Hanoi"]


@pytest.mark.parametrize("region", ["Arab States", "arab_states", "ARAB STATES"])
def test_cities_api_region_filter_accepts_name_and_code(client, region):
    make_member(name="Jubail", country=country("SA"))
    make_member(name="Cork", country=country("IE"))

    response = client.get("/api/v1/cities", {"region": region})

    assert names(response) == ["Jubail"]


@pytest.mark.parametrize("query", ["son la", "SƠN LA", "son-la", "sơn", "la son"])
def test_cities_api_search_ignores_case_and_diacritics(client, query):
    make_member(name="Sơn La", country=country("VN"))
    make_member(name="Hanoi", country=country("VN"))

    response = client.get("/api/v1/cities", {"q": query})

    assert names(response) == ["Sơn La"]


def test_cities_api_search_matches_local_name_and_country(client):
    make_member(name="Ho Chi Minh City", local_name="Thành phố Hồ Chí Minh", country=country("VN"))
    make_member(name="Cork", country=country("IE"))

    by_local_name = client.get("/api/v1/cities", {"q": "thanh pho"})
    by_country = client.get("/api/v1/cities", {"q": "ireland"})

    assert names(by_local_name) == ["Ho Chi Minh City"]
    assert names(by_country) == ["Cork"]


def test_cities_api_member_filter_splits_current_members_from_former_members(client):
    make_member(name="Member")
    make_member(name="Lapsed", joined="2016", ended=dt.date(2019, 1, 1))
    CityFactory(name="Applicant")

    members = client.get("/api/v1/cities", {"member": "true"})
    others = client.get("/api/v1/cities", {"member": "false"})
    everyone = client.get("/api/v1/cities")

    assert names(members) == ["Member"]
    assert names(others) == ["Lapsed"]
    assert names(everyone) == ["Lapsed", "Member"]


def test_cities_api_empty_filters_filter_nothing(client):
    make_member(name="Hanoi", country=country("VN"))
    make_member(name="Cork", country=country("IE"))

    response = client.get("/api/v1/cities", {"country": "", "region": "", "q": ""})

    assert names(response) == ["Cork", "Hanoi"]


def test_cities_api_filters_combine(client):
    make_member(name="Hanoi", country=country("VN"))
    make_member(name="Vinh", country=country("VN"), joined="2016", ended=dt.date(2019, 1, 1))
    make_member(name="Seoul Songpa", country=country("KR"))
    make_member(name="Cork", country=country("IE"))

    response = client.get(
        "/api/v1/cities", {"region": "Asia and the Pacific", "country": "vn", "member": "true"}
    )
    searched = client.get("/api/v1/cities", {"region": "asia_pacific", "q": "songpa"})

    assert names(response) == ["Hanoi"]
    assert names(searched) == ["Seoul Songpa"]


def test_cities_api_orders_by_name_then_id(client):
    kr = make_member(name="Gwangmyeong", country=country("KR")).city
    ie = make_member(name="Cork", country=country("IE")).city
    fr = make_member(name="Gwangmyeong", country=country("FR")).city

    response = client.get("/api/v1/cities")

    assert [c["id"] for c in response.json()["results"]] == [ie.pk, *sorted([kr.pk, fr.pk])]


def test_cities_api_pagination_envelope_and_links(client):
    for n in range(5):
        make_member(name=f"City {n}", country=country("VN"))

    first = client.get("/api/v1/cities", {"country": "vn", "page_size": 2}).json()
    second = client.get(first["next"]).json()
    last = client.get(second["next"]).json()

    assert {k: v for k, v in first.items() if k not in {"results", "next_cursor"}} == {
        "count": 5,
        "page": 1,
        "page_size": 2,
        "next": "http://testserver/api/v1/cities?country=VN&page=2&page_size=2",
        "previous": None,
    }
    assert [c["name"] for c in first["results"]] == ["City 0", "City 1"]
    assert [c["name"] for c in second["results"]] == ["City 2", "City 3"]
    assert second["previous"] == "http://testserver/api/v1/cities?country=VN&page=1&page_size=2"
    assert ([c["name"] for c in last["results"]], last["next"]) == (["City 4"], None)
    assert (bool(first["next_cursor"]), last["next_cursor"]) == (True, None)


def test_cities_api_default_page_size_comes_from_settings(client, settings):
    make_member(name="Only")

    body = client.get("/api/v1/cities").json()

    assert (body["page"], body["page_size"]) == (1, settings.LC_API_PAGE_SIZE)


def test_cities_api_page_past_the_end_is_empty_and_links_back(client):
    make_member(name="Only")

    body = client.get("/api/v1/cities", {"page": 7}).json()

    assert (body["count"], body["results"], body["next"]) == (1, [], None)
    assert body["previous"] == "http://testserver/api/v1/cities?page=1&page_size=50"


def test_cities_api_list_follows_a_write_at_once(client):
    make_member(name="First")
    before = names(client.get("/api/v1/cities"))

    make_member(name="Second")
    after = names(client.get("/api/v1/cities"))

    assert (before, after) == (["First"], ["First", "Second"])


@pytest.mark.parametrize("n", [1, 3])
def test_cities_api_query_count_is_constant(client, django_assert_num_queries, n):
    cohort = CohortFactory()
    for i in range(n):
        make_member(name=f"City {i}", cohort=cohort)

    # The register's revision, the count, the page with its annotations.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/cities")

    assert len(response.json()["results"]) == n


def test_cities_api_cached_answer_costs_one_query(client, django_assert_num_queries):
    make_member(name="Cached")
    client.get("/api/v1/cities")

    with django_assert_num_queries(1):
        response = client.get("/api/v1/cities")

    assert names(response) == ["Cached"]


# One city ----------------------------------------------------------------------


def test_city_api_lists_every_membership(client):
    cohort = CohortFactory(name="Cohort 2022", announced_on=dt.date(2022, 9, 2))
    city = CityFactory(name="Readmitted", country=country("FR"))
    make_member(city, joined="2016-01", ended=dt.date(2019, 1, 1), status="lapsed")
    make_member(city, joined="2022-09-02", cohort=cohort)

    response = client.get(f"/api/v1/cities/{city.pk}")

    body = response.json()
    assert response.status_code == 200
    assert (body["id"], body["name"], body["is_member"], body["joined"], body["cohort"]) == (
        city.pk,
        "Readmitted",
        True,
        "2022-09-02",
        "Cohort 2022",
    )
    assert body["memberships"] == [
        {
            "joined": "2016-01",
            "precision": "month",
            "member_from": "2016-01-31",
            "cohort": None,
            "cohort_id": None,
            "status": "lapsed",
            "ended_on": "2019-01-01",
        },
        {
            "joined": "2022-09-02",
            "precision": "day",
            "member_from": "2022-09-02",
            "cohort": "Cohort 2022",
            "cohort_id": cohort.pk,
            "status": "active",
            "ended_on": None,
        },
    ]


def test_city_api_unknown_id_is_404_with_detail(client):
    response = client.get("/api/v1/cities/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no city with the id 999999."}


def test_city_api_future_membership_is_not_current(client):
    city = CityFactory(name="Soon")
    next_year = timezone.localdate().year + 1
    admit_city(city, joined=PartialDate.parse(str(next_year)))

    body = client.get(f"/api/v1/cities/{city.pk}").json()

    assert (body["is_member"], body["joined"]) == (False, str(next_year))


# Cohorts ----------------------------------------------------------------------


def test_cohorts_api_lists_newest_first_with_counts(client):
    old = CohortFactory(name="Cohort 2019", announced_on=dt.date(2019, 7, 17))
    new = CohortFactory(name="Cohort 2020", announced_on=dt.date(2020, 9, 22))
    make_member(joined="2019-07-17", cohort=old, country=country("KR"))
    make_member(joined="2020-09-22", cohort=new, country=country("VN"))
    make_member(joined="2020-09-22", cohort=new, country=country("VN"))
    make_member(joined="2020-09-22", cohort=new, country=country("MA"))

    body = client.get("/api/v1/cohorts").json()

    assert body["count"] == 2
    assert body["results"] == [
        {
            "id": new.pk,
            "name": "Cohort 2020",
            "slug": "cohort-2020",
            "announced_on": "2020-09-22",
            "member_count": 3,
            "countries": 2,
            "synthetic": False,
        },
        {
            "id": old.pk,
            "name": "Cohort 2019",
            "slug": "cohort-2019",
            "announced_on": "2019-07-17",
            "member_count": 1,
            "countries": 1,
            "synthetic": False,
        },
    ]


def test_cohort_api_lists_its_cities_by_name(client):
    cohort = CohortFactory(name="Cohort 2024", announced_on=dt.date(2024, 2, 14))
    jubail = make_member(joined="2024-02-14", cohort=cohort, name="Jubail", country=country("SA"))
    cork = make_member(joined="2024-02-14", cohort=cohort, name="Cork", country=country("IE"))
    make_member(name="Elsewhere")

    body = client.get(f"/api/v1/cohorts/{cohort.pk}").json()

    assert (body["name"], body["member_count"], body["countries"]) == ("Cohort 2024", 2, 2)
    assert body["cities"] == [
        {"id": cork.city_id, "name": "Cork", "country": "IE", "region": "Europe and North America"},
        {"id": jubail.city_id, "name": "Jubail", "country": "SA", "region": "Arab States"},
    ]


def test_cohort_api_unknown_id_is_404_with_detail(client):
    response = client.get("/api/v1/cohorts/424242")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no cohort with the id 424242."}


@pytest.mark.parametrize("n", [1, 3])
def test_cohorts_api_query_count_is_constant(client, django_assert_num_queries, n):
    for i in range(n):
        cohort = CohortFactory(name=f"Cohort {i}", announced_on=dt.date(2020 + i, 1, 1))
        make_member(joined=f"{2020 + i}-01-01", cohort=cohort)

    with django_assert_num_queries(3):
        response = client.get("/api/v1/cohorts")

    assert len(response.json()["results"]) == n


# Countries --------------------------------------------------------------------


def test_countries_api_counts_member_cities_today(client):
    make_member(name="Hanoi", country=country("VN"))
    make_member(name="Vinh", country=country("VN"))
    make_member(name="Lapsed", country=country("VN"), joined="2016", ended=dt.date(2019, 1, 1))

    body = client.get("/api/v1/countries", {"member": "true"}).json()

    assert body["results"] == [
        {
            "code": "VN",
            "name": "Vietnam",
            "region": "Asia and the Pacific",
            "unesco_status": "member",
            "member_cities": 2,
        }
    ]


def test_countries_api_lists_every_country_with_region_filter(client):
    make_member(name="Jubail", country=country("SA"))

    everything = client.get("/api/v1/countries", {"page_size": 500}).json()
    arab = client.get("/api/v1/countries", {"region": "arab_states", "page_size": 500}).json()

    assert everything["count"] > 190
    assert {c["region"] for c in arab["results"]} == {"Arab States"}
    assert [c["member_cities"] for c in arab["results"] if c["code"] == "SA"] == [1]
    assert "FR" not in {c["code"] for c in arab["results"]}


@pytest.mark.parametrize("n", [1, 3])
def test_countries_api_query_count_is_constant(client, django_assert_num_queries, n):
    for code in ["VN", "KR", "FR"][:n]:
        make_member(country=country(code))

    with django_assert_num_queries(3):
        response = client.get("/api/v1/countries", {"member": "true"})

    assert len(response.json()["results"]) == n


# Invalid parameters -----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/api/v1/network/stats", {"as_of": "2024-13-45"}, "as_of"),
        ("/api/v1/network/stats", {"as_of": "yesterday"}, "as_of"),
        ("/api/v1/cities", {"page": "0"}, "page"),
        ("/api/v1/cities", {"page": "abc"}, "page"),
        ("/api/v1/cities", {"page_size": "100000"}, "page_size"),
        ("/api/v1/cities", {"page_size": "0"}, "page_size"),
        ("/api/v1/cities", {"member": "maybe"}, "member"),
        ("/api/v1/cities", {"region": "Atlantis"}, "region"),
        ("/api/v1/cities", {"country": "XYZ"}, "country"),
        ("/api/v1/cities", {"country": "ZZ"}, "country"),
        ("/api/v1/cities", {"q": "x" * 500}, "q"),
        ("/api/v1/cohorts", {"page": "-1"}, "page"),
        ("/api/v1/countries", {"region": "Atlantis"}, "region"),
        ("/api/v1/countries", {"member": "maybe"}, "member"),
        ("/api/v1/cities/abc", {}, "id"),
        ("/api/v1/cities/0", {}, "id"),
        ("/api/v1/cities/99999999999999999999999", {}, "id"),
        ("/api/v1/cohorts/abc", {}, "id"),
    ],
)
def test_api_invalid_parameter_is_422_naming_it(client, url, params, parameter):
    response = client.get(url, params)

    body = response.json()
    assert response.status_code == 422
    assert [item["loc"][-1] for item in body["detail"]] == [parameter]
    assert body["message"].startswith(f"{parameter}: ")


# Schema and docs --------------------------------------------------------------


def test_openapi_schema_lists_every_path(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert sorted(schema["paths"]) == [
        "/api/v1/award-winners",
        "/api/v1/calls/{call_id}/jury/assignments",
        "/api/v1/calls/{call_id}/jury/scores",
        "/api/v1/cities",
        "/api/v1/cities/{id}",
        "/api/v1/clusters",
        "/api/v1/clusters/{code}",
        "/api/v1/cohorts",
        "/api/v1/cohorts/{id}",
        "/api/v1/countries",
        "/api/v1/events",
        "/api/v1/events/{slug}",
        "/api/v1/events/{slug}/delegations",
        "/api/v1/events/{slug}/registrations",
        "/api/v1/events/{slug}/sessions",
        "/api/v1/jury/submissions",
        "/api/v1/jury/submissions/{id}",
        "/api/v1/jury/submissions/{id}/review",
        "/api/v1/jury/submissions/{id}/review/submit",
        "/api/v1/network/stats",
        "/api/v1/outcomes",
        "/api/v1/practices",
        "/api/v1/practices/{id}",
        "/api/v1/reporting-cycles",
        "/api/v1/reporting-cycles/{code}",
        "/api/v1/reporting-cycles/{code}/rates",
        "/api/v1/reports",
        "/api/v1/reports/{id}",
        "/api/v1/reports/{id}/answers",
        "/api/v1/submissions",
        "/api/v1/submissions/{id}",
        "/api/v1/submissions/{id}/transitions",
    ]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/cities"]["get"]["parameters"]}
    assert parameters == {"country", "region", "q", "member", "page", "page_size", "cursor"}
    assert all(p.get("description") for p in schema["paths"]["/api/v1/cities"]["get"]["parameters"])


def test_the_api_reference_is_a_page_of_the_site_drawn_from_the_schema(client):
    schema = client.get("/api/v1/openapi.json").json()

    response = client.get("/open-data/api/")

    page = response.content.decode()
    assert response.status_code == 200
    for path, item in schema["paths"].items():
        for method in item:
            assert f"<code>{method.upper()} {path}</code>" in page
    for name in schema["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert 'href="/api/v1/openapi.json"' in page
    assert '<a href="/open-data/">' in page  # the way back: the breadcrumbs
    assert "https://" not in page.split("<main", 1)[1].split("</main>", 1)[0]


def test_swagger_ui_is_not_served(client):
    assert client.get("/api/v1/docs").status_code == 404


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("0", "is not a date in the form YYYY-MM-DD"),
        ("1699920000", "is not a date in the form YYYY-MM-DD"),
        ("2015", "is not a date in the form YYYY-MM-DD"),
        ("2015-09-30T00:00:00Z", "is not a date in the form YYYY-MM-DD"),
        ("2024-02-30", "is not a date that exists"),
        ("0001-01-01", "Choose a date from 1900-01-01 to 2100-12-31."),
    ],
)
def test_stats_api_refuses_timestamps_and_out_of_range_dates(client, as_of, message):
    response = client.get("/api/v1/network/stats", {"as_of": as_of})

    body = response.json()
    assert response.status_code == 422
    assert body["detail"][0]["loc"] == ["query", "as_of"]
    assert message in body["detail"][0]["msg"]
