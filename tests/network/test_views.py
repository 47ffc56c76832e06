"""Public pages of the network: home, directory, map, city, countries, cohorts, statistics."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from learningcities.common.views.shared_pages import CSRF_PLACEHOLDER
from learningcities.network.domain.cities import save_city
from tests.factories import CityFactory, CohortFactory, country, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    """A small network: members in four regions, a lapsed city, one without coordinates."""
    cohort_2020 = CohortFactory(name="2020 cohort", announced_on=dt.date(2020, 9, 22))
    cohort_2024 = CohortFactory(name="2024 cohort", announced_on=dt.date(2024, 2, 14))
    cork = CityFactory(
        name="Cork", country=country("IE"), latitude=51.8985, longitude=-8.4756, population=224004
    )
    sao_paulo = CityFactory(
        name="São Paulo",
        country=country("BR"),
        latitude=-23.55,
        longitude=-46.63,
        population=12_000_000,
    )
    son_la = CityFactory(
        name="Sơn La",
        local_name="Thành phố Sơn La",
        country=country("VN"),
        latitude=21.3256,
        longitude=103.9188,
        population=None,
    )
    kilifi = CityFactory(
        name="Kilifi County", country=country("KE"), latitude=None, longitude=None, population=1
    )
    lapsed = CityFactory(name="Formerton", country=country("KE"), latitude=-1.0, longitude=37.0)
    make_member(cork, joined="2016")
    make_member(sao_paulo, joined="2020-09-22", cohort=cohort_2020)
    make_member(son_la, joined="2024-02-14", cohort=cohort_2024)
    make_member(kilifi, joined="2024-02-14", cohort=cohort_2024)
    make_member(lapsed, joined="2017", ended=dt.date(2021, 1, 1))
    return {
        "cork": cork,
        "sao_paulo": sao_paulo,
        "son_la": son_la,
        "kilifi": kilifi,
        "lapsed": lapsed,
        "cohort_2020": cohort_2020,
        "cohort_2024": cohort_2024,
    }


def text_of(response) -> str:
    return response.content.decode()


# Home


def test_home_shows_figures_growth_regions_and_latest_cohort(client, network):
    response = client.get(reverse("network:home"))

    html = text_of(response)
    assert response.status_code == 200
    assert '<span class="value">4</span> <span class="label">member cities' in html
    assert '<span class="value">4</span> <span class="label">countries' in html
    assert "12,224,005" in html  # population: Cork + São Paulo + Kilifi; Sơn La unknown
    assert 'role="img"' in html
    assert "<title" in html
    assert "Latest cohort: 2024 cohort" in html
    assert network["cohort_2024"].get_absolute_url() in html
    assert ">Sơn La</a>" in html
    assert "Asia and the Pacific" in html


def test_home_shows_a_new_member_right_after_admission(client, network):
    first = text_of(client.get(reverse("network:home")))

    make_member(name="Newtown", country=country("FR"), joined="2021")
    second = text_of(client.get(reverse("network:home")))

    assert '<span class="value">4</span> <span class="label">member cities' in first
    assert '<span class="value">5</span> <span class="label">member cities' in second


def test_home_empty_network_says_no_cohort(client):
    response = client.get(reverse("network:home"))

    html = text_of(response)
    assert '<span class="value">0</span> <span class="label">member cities' in html
    assert "No cohort has been announced yet." in html


def test_home_repeated_request_costs_one_query(client, network, django_assert_num_queries):
    client.get(reverse("network:home"))

    with django_assert_num_queries(1):
        response = client.get(reverse("network:home"))

    assert ">Sơn La</a>" in text_of(response)


def test_home_sets_no_cookie_and_links_every_language(client, network):
    client.get(reverse("network:home"))
    response = client.get(reverse("network:home"))

    html = text_of(response)
    assert CSRF_PLACEHOLDER not in html
    assert response.cookies == {}
    assert 'href="/fr/" lang="fr"' in html
    assert 'href="/" lang="en"' in html


def test_home_in_french_names_countries_in_french(client, network):
    english = text_of(client.get(reverse("network:home")))
    with translation.override("fr"):
        french_url = reverse("network:home")
    french = text_of(client.get(french_url))

    assert french_url == "/fr/"
    assert "(Vietnam)" in english
    assert "(Viêt Nam)" in french


# Directory


def test_directory_lists_current_members_only_by_default(client, network):
    response = client.get(reverse("network:directory"))

    html = text_of(response)
    assert "4 member cities" in html
    for name in ("Cork", "São Paulo", "Sơn La", "Kilifi County"):
        assert f">{name}</a>" in html
    assert "Formerton" not in html


def test_directory_status_filter_includes_or_isolates_former_members(client, network):
    everyone = text_of(client.get(reverse("network:directory"), {"status": "all"}))
    former = text_of(client.get(reverse("network:directory"), {"status": "former"}))

    assert ">Formerton</a>" in everyone
    assert ">Cork</a>" in everyone
    assert "Former member (until 1 Jan 2021)" in everyone
    assert ">Formerton</a>" in former
    assert ">Cork</a>" not in former


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("sao paulo", "São Paulo"),
        ("SON LA", "Sơn La"),
        ("thanh pho", "Sơn La"),
        ("ireland", "Cork"),
        ("kilifi", "Kilifi County"),
    ],
)
def test_directory_search_ignores_case_and_diacritics(client, network, query, found):
    response = client.get(reverse("network:directory"), {"q": query})

    html = text_of(response)
    assert "1 member city" in html
    assert f">{found}</a>" in html


def test_directory_search_without_match_says_so(client, network):
    response = client.get(reverse("network:directory"), {"q": "atlantis"})

    html = text_of(response)
    assert "0 member cities" in html
    assert "No city matches these filters." in html


def test_directory_filters_by_region_country_and_year(client, network):
    by_region = text_of(client.get(reverse("network:directory"), {"region": "africa"}))
    by_country = text_of(client.get(reverse("network:directory"), {"country": "vn"}))
    by_year = text_of(client.get(reverse("network:directory"), {"year": "2024"}))

    assert ">Kilifi County</a>" in by_region
    assert ">Cork</a>" not in by_region
    assert ">Sơn La</a>" in by_country
    assert "1 member city" in by_country
    assert "2 member cities" in by_year
    assert ">São Paulo</a>" not in by_year


def test_directory_country_choices_are_countries_with_members(client, network):
    html = text_of(client.get(reverse("network:directory")))

    assert '<option value="IE">Ireland</option>' in html
    assert '<option value="FR">' not in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Cork", "Kilifi County", "São Paulo", "Sơn La"]),
        ("country", ["São Paulo", "Cork", "Kilifi County", "Sơn La"]),
        ("newest", ["Kilifi County", "Sơn La", "São Paulo", "Cork"]),
        ("oldest", ["Cork", "São Paulo", "Kilifi County", "Sơn La"]),
        ("population", ["São Paulo", "Cork", "Kilifi County", "Sơn La"]),
    ],
)
def test_directory_sorts(client, network, sort, expected):
    html = text_of(client.get(reverse("network:directory"), {"sort": sort}))

    positions = [html.index(f">{name}</a>") for name in expected]
    assert positions == sorted(positions)


def test_directory_pages_hold_25_cities(client):
    for n in range(27):
        make_member(name=f"City {n:02d}", country=country("DE"), joined="2019")

    first = text_of(client.get(reverse("network:directory")))
    second = text_of(client.get(reverse("network:directory"), {"page": "2", "sort": "name"}))

    assert "27 member cities" in first
    assert "Cities 1 to 25 (page 1 of 2)" in first
    assert ">City 24</a>" in first
    assert ">City 25</a>" not in first
    assert 'aria-label="Pages of results"' in first
    assert 'href="?page=2" rel="next"' in first
    assert ">City 25</a>" in second
    assert ">City 26</a>" in second
    assert 'href="?sort=name&amp;page=1" rel="prev"' in second


def test_directory_bad_parameters_are_ignored_with_a_notice(client, network):
    response = client.get(
        reverse("network:directory"),
        {"page": "abc", "region": "atlantis", "year": "19x", "sort": "x", "status": "?"},
    )

    html = text_of(response)
    assert response.status_code == 200
    assert "“abc” is not a page number; showing page 1." in html
    assert "“atlantis” is not a region; showing all regions." in html
    assert "“19x” is not a year in which cities joined; showing all years." in html
    assert "“x” is not a sort order; sorting by name." in html
    assert "4 member cities" in html
    assert 'aria-invalid="true"' in html


def test_directory_page_past_the_end_shows_the_last_page(client, network):
    response = client.get(reverse("network:directory"), {"page": "99"})

    html = text_of(response)
    assert "There is no page 99; showing the last page, 1." in html
    assert ">Cork</a>" in html


def test_directory_unknown_country_is_reported(client, network):
    html = text_of(client.get(reverse("network:directory"), {"country": "zz"}))

    assert "“ZZ” is not a country with member cities; showing all countries." in html
    assert "4 member cities" in html


@pytest.mark.parametrize("n", [1, 3])
def test_directory_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    cohort = CohortFactory()
    for i in range(n):
        make_member(name=f"Town {i}", country=country("DE"), cohort=cohort)

    # revision, countries, years, count, page
    with django_assert_num_queries(5):
        response = client.get(reverse("network:directory"))

    assert text_of(response).count(cohort.get_absolute_url()) == n


# Map


def test_map_page_lists_members_by_country_and_loads_leaflet(client, network, settings):
    settings.LC_MAP_TILES_URL = ""
    response = client.get(reverse("network:map"))

    html = text_of(response)
    assert "vendor/leaflet/leaflet.js" in html
    assert "vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "vendor/world-atlas/countries-110m.json" in html
    assert "vendor/topojson-client/topojson-client.min.js" in html
    assert "lc/js/map.js" in html
    assert reverse("network:map-data") in html
    assert "<noscript>" in html
    assert ">Cork</a>" in html
    assert "not on the map: location unknown" in html  # Kilifi County
    assert "Formerton" not in html
    assert "data-tiles-url" not in html
    assert "<script>" not in html


def test_map_page_adds_tiles_only_when_configured(client, network, settings):
    settings.LC_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

    html = text_of(client.get(reverse("network:map")))

    assert 'data-tiles-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_map_data_has_exactly_the_current_members_with_coordinates(client, network):
    response = client.get(reverse("network:map-data"))

    data = json.loads(response.content)
    assert response["Content-Type"] == "application/geo+json"
    assert data["type"] == "FeatureCollection"
    names = sorted(f["properties"]["name"] for f in data["features"])
    assert names == ["Cork", "São Paulo", "Sơn La"]
    cork = next(f for f in data["features"] if f["properties"]["name"] == "Cork")
    assert cork["geometry"] == {"type": "Point", "coordinates": [-8.4756, 51.8985]}
    assert cork["properties"]["url"] == network["cork"].get_absolute_url()
    assert cork["properties"]["country"] == "Ireland"


def test_map_data_follows_a_new_member(client, network):
    client.get(reverse("network:map-data"))

    make_member(name="Lyon", country=country("FR"), latitude=45.76, longitude=4.84)
    data = json.loads(client.get(reverse("network:map-data")).content)

    assert "Lyon" in {f["properties"]["name"] for f in data["features"]}


@pytest.mark.parametrize("n", [1, 3])
def test_map_data_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    for i in range(n):
        make_member(name=f"Town {i}", country=country("DE"))

    with django_assert_num_queries(2):
        response = client.get(reverse("network:map-data"))

    assert len(json.loads(response.content)["features"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_map_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    for i in range(n):
        make_member(name=f"Town {i}", country=country("DE"))

    with django_assert_num_queries(3):
        response = client.get(reverse("network:map"))

    assert text_of(response).count(">Town ") == n


# City


def test_city_page_shows_facts_and_every_membership(client, network):
    city = network["lapsed"]
    save_city(
        country=city.country, name=city.name, city=city, population=5000, population_year=2020
    )
    make_member(city, joined="2023-05", cohort=network["cohort_2024"])

    response = client.get(city.get_absolute_url())

    html = text_of(response)
    assert "<h1>Formerton" in html
    assert ">Kenya</a>" in html
    assert "Africa" in html
    assert "5,000" in html
    assert "data of 2020" in html
    assert "1.0000° S, 37.0000° E" in html
    assert "2017" in html  # first membership, year only
    assert "precision: year" in html
    assert "Lapsed" in html
    assert "1 Jan 2021" in html
    assert "May 2023" in html
    assert network["cohort_2024"].get_absolute_url() in html
    assert "A member of the network since May 2023." in html


def test_city_page_marks_synthetic_cities(client):
    membership = make_member(name="Synthville", is_synthetic=True)

    html = text_of(client.get(membership.city.get_absolute_url()))

    assert "generated for tests and benchmarks" in html
    assert '<span class="tag">synthetic</span>' in html


def test_city_page_unknown_id_is_404(client, network):
    response = client.get(reverse("network:city", kwargs={"pk": 999_999}))

    assert response.status_code == 404
    assert b"Cork" not in response.content


# Countries


def test_countries_page_groups_countries_by_region_with_counts(client, network):
    response = client.get(reverse("network:countries"))

    html = text_of(response)
    assert "4 countries have member cities" in html
    assert html.index("Africa") < html.index("Asia and the Pacific") < html.index("Europe and")
    kenya_row = html[html.index(">Kenya</a>") :].split("</tr>")[0]
    # One current member (Kilifi County), one former (Formerton).
    assert re.findall(r'<td class="num">(\d+)</td>', kenya_row) == ["1", "1"]


def test_country_page_shows_members_and_timeline(client, network):
    make_member(name="Mombasa", country=country("KE"), joined="2024-02-14", cohort=None)

    response = client.get(reverse("network:country", kwargs={"code": "ke"}))

    html = text_of(response)
    assert "<h1>Kenya</h1>" in html
    assert "2 current member cities" in html
    assert "1 former member" in html
    assert ">Kilifi County</a>" in html
    assert ">Formerton</a>" in html
    assert "Lapsed since 1 Jan 2021" in html
    timeline = html[html.index('class="timeline"') :]
    assert timeline.index("2017") < timeline.index("14 Feb 2024")
    assert network["cohort_2024"].get_absolute_url() in timeline


def test_country_page_without_members_says_so(client, network):
    response = client.get(reverse("network:country", kwargs={"code": "fr"}))

    html = text_of(response)
    assert response.status_code == 200
    assert "France has no member city yet." in html


@pytest.mark.parametrize("code", ["xx", "kenya", "k1", "KEN"])
def test_country_page_unknown_code_is_404(client, network, code):
    response = client.get(f"/countries/{code}/")

    assert response.status_code == 404
    assert b"Kilifi" not in response.content


def test_country_page_upper_case_code_redirects_to_lower_case(client, network):
    response = client.get("/countries/KE/")

    assert (response.status_code, response["Location"]) == (301, "/countries/ke/")


@pytest.mark.parametrize("n", [1, 3])
def test_countries_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    for code in ["DE", "FR", "KE"][:n]:
        make_member(name=f"Town {code}", country=country(code))

    with django_assert_num_queries(4):
        response = client.get(reverse("network:countries"))

    assert text_of(response).count('<th scope="row"><a href="/countries/') == n


@pytest.mark.parametrize("n", [1, 3])
def test_country_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    cohort = CohortFactory()
    for i in range(n):
        make_member(name=f"Town {i}", country=country("DE"), cohort=cohort)

    with django_assert_num_queries(3):
        response = client.get(reverse("network:country", kwargs={"code": "de"}))

    assert text_of(response).count('<th scope="row"><a href="/cities/') == n


# Cohorts


def test_cohorts_page_lists_each_cohort_with_date_and_count(client, network):
    response = client.get(reverse("network:cohorts"))

    html = text_of(response)
    assert html.index(">2024 cohort</a>") < html.index(">2020 cohort</a>")
    assert "14 Feb 2024" in html
    row = html[html.index(">2024 cohort</a>") :].split("</tr>")[0]
    assert '<td class="num">2</td>' in row


def test_cohort_page_groups_cities_by_region_then_country(client, network):
    make_member(name="Hanoi", country=country("VN"), cohort=network["cohort_2024"])

    response = client.get(network["cohort_2024"].get_absolute_url())

    html = text_of(response)
    assert "<h1>2024 cohort</h1>" in html
    assert "3 cities" in html
    assert "2 countries" in html
    assert html.index("Africa") < html.index(">Kilifi County</a>")
    assert html.index(">Kilifi County</a>") < html.index("Asia and the Pacific")
    assert html.index(">Vietnam</a>") < html.index(">Hanoi</a>") < html.index(">Sơn La</a>")


def test_cohort_page_unknown_slug_is_404(client, network):
    response = client.get(reverse("network:cohort", kwargs={"slug": "no-such-cohort"}))

    assert response.status_code == 404
    assert b"Kilifi" not in response.content


@pytest.mark.parametrize("n", [1, 3])
def test_cohorts_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    for i in range(n):
        cohort = CohortFactory(announced_on=dt.date(2020 + i, 1, 1))
        make_member(name=f"Town {i}", cohort=cohort)

    with django_assert_num_queries(2):
        response = client.get(reverse("network:cohorts"))

    assert text_of(response).count('<th scope="row"><a href="/cohorts/') == n


@pytest.mark.parametrize("n", [1, 3])
def test_cohort_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries, n):
    cohort = CohortFactory()
    for i, code in enumerate(["DE", "KE", "VN"][:n]):
        make_member(name=f"Town {i}", country=country(code), cohort=cohort)

    with django_assert_num_queries(3):
        response = client.get(cohort.get_absolute_url())

    assert len(re.findall(r'<li><a href="/cities/\d+/">', text_of(response))) == n


# Statistics


def test_statistics_shows_todays_totals_growth_by_region_and_table(client, network):
    response = client.get(reverse("network:statistics"))

    html = text_of(response)
    today = timezone.localdate()
    assert f'value="{today.isoformat()}"' in html
    assert '<span class="value">4</span> <span class="label">member cities' in html
    assert 'id="region-growth-chart"' in html
    assert 'class="fill-africa"' in html
    assert '<span class="swatch fill-latin_america_caribbean"' in html
    assert "Member cities by region at the end of each year" in html
    assert reverse("network:statistics-csv") + f"?as_of={today.isoformat()}" in html


def test_statistics_as_of_a_past_date_counts_the_members_then(client, network):
    response = client.get(reverse("network:statistics"), {"as_of": "2020-12-31"})

    html = text_of(response)
    assert "The network on 31 Dec 2020" in html
    # Cork (2016), São Paulo (2020), Formerton (2017, lapsed 2021).
    assert '<span class="value">3</span> <span class="label">member cities' in html


def test_statistics_invalid_date_is_a_form_error(client, network):
    response = client.get(reverse("network:statistics"), {"as_of": "2024-02-30"})

    html = text_of(response)
    assert response.status_code == 200
    assert "Enter a date in the form YYYY-MM-DD, such as 2024-02-14." in html
    assert 'aria-invalid="true"' in html
    assert "the figures are those of today" in html


def test_statistics_date_outside_1900_to_2100_is_a_form_error(client, network):
    html = text_of(client.get(reverse("network:statistics"), {"as_of": "2101-01-01"}))

    assert "Choose a date from 1900-01-01 to 2100-12-31." in html


@pytest.mark.parametrize("as_of", ["2019-07-16", "2022-01-01", "2035-06-30"])
def test_statistics_page_and_api_agree_on_any_date(client, network, as_of):
    api = client.get("/api/v1/network/stats", {"as_of": as_of}).json()

    html = text_of(client.get(reverse("network:statistics"), {"as_of": as_of}))

    assert f'<span class="value">{api["member_cities"]}</span>' in html
    assert api["as_of"] == as_of


def test_statistics_before_the_first_member_shows_zeros_with_an_explanation(client, network):
    response = client.get(reverse("network:statistics"), {"as_of": "2010-06-01"})

    html = text_of(response)
    assert '<span class="value">0</span> <span class="label">member cities' in html
    assert "No city was a member of the network on 1 Jun 2010" in html


def test_statistics_csv_gives_the_growth_table(client, network):
    response = client.get(reverse("network:statistics-csv"), {"as_of": "2020-12-31"})

    lines = response.content.decode().splitlines()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "network-growth-2020-12-31.csv" in response["Content-Disposition"]
    assert lines[0] == (
        "date,member_cities,countries,population,Africa,Arab States,Asia and the Pacific,"
        "Europe and North America,Latin America and the Caribbean"
    )
    assert lines[1].startswith("2016-12-31,1,1,224004,")
    assert lines[-1] == "2020-12-31,3,3,12324004,1,0,0,1,1"


def test_statistics_csv_bad_date_is_400_naming_the_parameter(client, network):
    response = client.get(reverse("network:statistics-csv"), {"as_of": "yesterday"})

    assert response.status_code == 400
    assert response.content.decode().startswith("Parameter as_of:")


def test_directory_shows_a_new_member_right_after_admission(client, network):
    client.get(reverse("network:directory"))

    make_member(name="Newtown", country=country("FR"), joined="2021")
    html = text_of(client.get(reverse("network:directory")))

    assert "5 member cities" in html
    assert ">Newtown</a>" in html


def test_pages_for_a_logged_in_user_are_rendered_fresh(client, network, django_user_model):
    user = django_user_model.objects.create_user(email="secretariat@example.org", password="x" * 12)
    client.force_login(user)
    client.get(reverse("network:cohorts"))

    response = client.get(reverse("network:cohorts"))

    assert ">2024 cohort</a>" in text_of(response)
    assert CSRF_PLACEHOLDER not in text_of(response)


def test_unknown_page_answers_404_inside_the_site_layout(client, network):
    response = client.get("/no-such-page/")

    html = text_of(response)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert 'href="/cities/"' in html


@pytest.mark.parametrize("query", ["corée", "COREE", "south korea", "republic of korea"])
def test_directory_search_finds_cities_by_country_name_in_any_language(client, query):
    make_member(name="Yeonsu-gu", country=country("KR"))
    make_member(name="Cork", country=country("IE"))

    html = text_of(client.get(reverse("network:directory"), {"q": query}))

    assert ">Yeonsu-gu</a>" in html
    assert ">Cork</a>" not in html


def test_directory_search_finds_turkey_by_its_former_english_name(client):
    make_member(name="Mersin", country=country("TR"))

    html = text_of(client.get(reverse("network:directory"), {"q": "turkey"}))

    assert ">Mersin</a>" in html


def _queries_for(client, url, params=None) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from learningcities.common.memo import clear_local_memos

    cache.clear()
    clear_local_memos()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("url_name", ["network:home", "network:statistics"])
def test_home_and_statistics_query_count_does_not_grow_with_members(client, url_name):
    cohort = CohortFactory(name="2024 cohort", announced_on=dt.date(2024, 2, 14))
    make_member(name="City A", country=country("KR"), joined="2024-02-14", cohort=cohort)
    one = _queries_for(client, reverse(url_name))

    make_member(name="City B", country=country("EG"), joined="2024-02-14", cohort=cohort)
    make_member(name="City C", country=country("MX"), joined="2016", cohort=None)
    three = _queries_for(client, reverse(url_name))

    assert one == three
