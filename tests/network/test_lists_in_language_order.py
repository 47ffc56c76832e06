"""Public lists sort names as the page's language does; local names stand beside them."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from learningcities.accounts.interfaces.forms import nationality_choices
from tests.factories import country, make_member

pytestmark = pytest.mark.django_db


def directory_names(client, path: str, **query) -> list[str]:
    html = client.get(path, query).content.decode()
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def vietnamese_cities():
    for name in ("Cần Thơ", "Cao Lãnh", "Đà Nẵng", "Dĩ An"):
        make_member(name=name, country=country("VN"))


def test_directory_by_name_follows_the_vietnamese_alphabet(client, vietnamese_cities):
    assert directory_names(client, "/vi/cities/") == ["Cao Lãnh", "Cần Thơ", "Dĩ An", "Đà Nẵng"]


def test_directory_by_name_in_english_keeps_accented_letters_with_their_base(
    client, vietnamese_cities
):
    assert directory_names(client, "/cities/") == ["Cần Thơ", "Cao Lãnh", "Đà Nẵng", "Dĩ An"]


def test_directory_by_country_sorts_countries_by_their_name_in_the_page_language(client):
    for name, code in (("Kairo", "EG"), ("Berlin", "DE"), ("Sevilla", "ES")):
        make_member(name=name, country=country(code))

    # Allemagne, Égypte, Espagne; in English: Egypt, Germany, Spain.
    assert directory_names(client, "/fr/cities/", sort="country") == [
        "Berlin",
        "Kairo",
        "Sevilla",
    ]
    assert directory_names(client, "/cities/", sort="country") == ["Kairo", "Berlin", "Sevilla"]


def test_directory_pages_follow_the_language_order(client, settings, vietnamese_cities):
    settings.LC_DIRECTORY_PAGE_SIZE = 3

    second = directory_names(client, "/vi/cities/", page=2)

    assert second == ["Đà Nẵng"]


def test_countries_page_in_chinese_follows_pinyin(client):
    for code in ("FR", "IE", "DE"):
        make_member(country=country(code))

    html = client.get("/zh-hans/countries/").content.decode()

    # Ài'ěrlán (Ireland), Déguó (Germany), Fǎguó (France).
    positions = [html.index(name) for name in ("爱尔兰", "德国", "法国")]
    assert positions == sorted(positions)


def test_map_list_groups_countries_in_the_language_order(client):
    for code in ("FR", "IE", "DE"):
        make_member(country=country(code), latitude=1.0, longitude=1.0)

    html = client.get("/zh-hans/map/").content.decode()

    positions = [html.index(name) for name in ("爱尔兰", "德国", "法国")]
    assert positions == sorted(positions)


def test_nationality_choices_follow_the_language_order():
    with translation.override("fr"):
        names = [name for _code, name in nationality_choices()[1:]]

    # By code point, "Égypte" and "États-Unis" would come after "Zimbabwe".
    assert names.index("Danemark") < names.index("Égypte") < names.index("Espagne")
    assert names.index("Estonie") < names.index("États-Unis") < names.index("Éthiopie")
    assert names[-1] == "Zimbabwe"


def test_directory_shows_the_local_name_with_its_own_direction(client):
    make_member(name="Amman", local_name="عمّان", country=country("JO"))

    html = client.get("/cities/").content.decode()

    assert '<span class="muted local-name" lang="" dir="auto">عمّان</span>' in html


def test_city_and_country_pages_show_the_local_name(client):
    membership = make_member(
        name="Ho Chi Minh City", local_name="Thành phố Hồ Chí Minh", country=country("VN")
    )
    city = membership.city
    local = '<span class="muted local-name" lang="" dir="auto">Thành phố Hồ Chí Minh</span>'

    city_page = client.get(city.get_absolute_url()).content.decode()
    country_page = client.get(country("VN").get_absolute_url()).content.decode()

    assert re.search(r"<h1>Ho Chi Minh City\s*" + re.escape(local) + "</h1>", city_page)
    assert local in country_page


def test_local_name_equal_to_the_name_is_not_repeated(client):
    make_member(name="Cork", local_name="Cork", country=country("IE"))

    html = client.get("/cities/").content.decode()

    assert "local-name" not in html


def test_map_data_carries_the_local_name(client):
    make_member(
        name="Amman", local_name="عمّان", country=country("JO"), latitude=31.9, longitude=35.9
    )
    make_member(
        name="Cork", local_name="Cork", country=country("IE"), latitude=51.9, longitude=-8.5
    )

    data = json.loads(client.get(reverse("network:map-data")).content)

    local_names = {f["properties"]["name"]: f["properties"]["local_name"] for f in data["features"]}
    assert local_names == {"Amman": "عمّان", "Cork": ""}
