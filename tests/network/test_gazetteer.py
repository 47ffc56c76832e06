import io

import pytest
from django.core.management import call_command

from learningcities.network import gazetteer as gz
from learningcities.network.domain.locations import locate_cities
from learningcities.network.enums import LocationSource
from learningcities.network.gazetteer import Gazetteer, Status, locate, name_variants, resolve
from tests.factories import CityFactory, country


@pytest.fixture(scope="module", autouse=True)
def _geonames_index():
    # Built once per process (about two seconds); every test here shares it.
    gz.geonames()


def _near(match, latitude, longitude, tolerance=0.5):
    assert match is not None
    assert abs(match.latitude - latitude) < tolerance
    assert abs(match.longitude - longitude) < tolerance


@pytest.mark.parametrize(
    ("name", "code", "latitude", "longitude"),
    [
        ("Cork", "IE", 51.90, -8.47),
        ("Medellín", "CO", 6.25, -75.57),
        ("Hamburg", "DE", 53.55, 9.99),
        ("Jubail", "SA", 27.02, 49.62),
        ("Sa Dec", "VN", 10.29, 105.76),
        ("Mexico City", "MX", 19.43, -99.13),
        ("Beijing", "CN", 39.91, 116.40),
        ("Aswan", "EG", 24.09, 32.90),
        ("Suwon-si", "KR", 37.29, 127.01),
        ("Kilifi County", "KE", -3.51, 39.91),
        ("Yeonsu-gu", "KR", 37.41, 126.68),
        ("Songpa-gu", "KR", 37.51, 127.11),
    ],
)
def test_locate_real_members_in_every_region_found(name, code, latitude, longitude):
    match = locate(name, code)

    _near(match, latitude, longitude)


def test_locate_diacritics_and_case_folded():
    with_marks = locate("Sơn La", "VN")
    without = locate("son la", "vn")

    assert with_marks == without
    assert with_marks.gazetteer_id == "geonames:1567681"
    assert with_marks.population > 50_000
    assert with_marks.population_year is None
    assert with_marks.source == LocationSource.GAZETTEER


def test_locate_alternate_name_finds_official_name():
    match = locate("Jubail", "SA")

    assert match.name == "Al Jubayl"
    assert match == locate("Al Jubayl", "SA")


def test_locate_supplement_district_has_supplement_id():
    match = locate("Songpa-gu", "KR")

    assert match.source == LocationSource.SUPPLEMENT
    assert match.gazetteer_id == "supplement:KR:songpa gu"
    assert (match.latitude, match.longitude) == (37.5145, 127.1059)
    assert locate("songpa gu", "KR") == match


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("City of Cork", "Cork"),
        ("Cork City", "Cork"),
        ("Cork City Council", "Cork"),
        ("Ville de Laval", "Laval"),
        ("Municipio de Santiago de Cali", "Cali"),
        ("Alcaldía de Bogotá", "Bogotá"),
        ("St. Petersburg", "Saint Petersburg"),
        ("Sankt Petersburg", "Saint Petersburg"),
        ("Saint-Étienne", "Saint-Étienne"),
        ("St Etienne", "Saint-Étienne"),
        ("Sadec", "Sa Dec"),
        ("Hamburg (Freie und Hansestadt)", "Hamburg"),
        ("Gwangmyeong-si", "Gwangmyeong"),
        ("Osaka-shi", "Osaka"),
        ("Bremen/Bremerhaven", "Bremen"),
        ("Yaoundé 1er", "Yaoundé"),
    ],
)
def test_locate_administrative_variants_stripped(given, expected):
    codes = {
        "Laval": "CA",
        "Cali": "CO",
        "Bogotá": "CO",
        "Saint Petersburg": "RU",
        "Saint-Étienne": "FR",
        "Sa Dec": "VN",
        "Hamburg": "DE",
        "Gwangmyeong": "KR",
        "Osaka": "JP",
        "Bremen": "DE",
        "Yaoundé": "CM",
    }
    match = locate(given, codes.get(expected, "IE"))

    assert match is not None
    assert match.name == expected


def test_locate_unknown_place_none():
    assert locate("Qwxzzy Nowhere", "DE") is None
    assert resolve("Qwxzzy Nowhere", "DE").status == Status.NO_MATCH


def test_locate_wrong_country_none():
    assert locate("Hamburg", "FR") is None


def test_resolve_same_name_same_size_ambiguous_until_admin_area_given():
    unclear = resolve("Springfield", "US")
    in_oregon = resolve("Springfield", "US", admin_area="Oregon")

    assert unclear.status == Status.AMBIGUOUS
    assert len(unclear.candidates) > 1
    assert "ambiguous" in unclear.reason
    assert in_oregon.status == Status.FOUND
    _near(in_oregon.match, 44.05, -123.02)


def test_locate_admin_area_picks_the_place_in_that_province():
    largest = locate("San Justo", "AR")
    in_santa_fe = locate("San Justo", "AR", admin_area="Santa Fe")

    _near(largest, -34.68, -58.56)
    _near(in_santa_fe, -30.79, -60.59)


def test_locate_several_places_largest_population_wins():
    match = locate("Hanoi", "VN")

    assert match.population > 1_000_000


def test_name_variants_parenthesis_gives_hint():
    variants = dict(name_variants("Nam-gu (Busan)"))

    assert variants["nam gu"] == "busan"
    assert "busan" in variants


def test_gazetteer_supplement_consulted_first_and_missing_file_tolerated(tmp_path):
    supplement = tmp_path / "supplement.csv"
    supplement.write_text(
        "country,name,alternate_names,admin_area,kind,latitude,longitude,population,"
        "population_year,source\n"
        "DE,Hamburg,HH,Hamburg,city,1.5,2.5,123,2020,test\n"
        "KE,Nowhere Consortium,,,consortium,,,,,test\n",
        encoding="utf-8",
    )
    with_file = Gazetteer(supplement)
    without_file = Gazetteer(tmp_path / "missing.csv")

    match = with_file.locate("hamburg", "DE")

    assert (match.latitude, match.longitude, match.population, match.population_year) == (
        1.5,
        2.5,
        123,
        2020,
    )
    assert match.gazetteer_id == "supplement:DE:hamburg"
    assert with_file.locate("HH", "DE") == match
    assert with_file.resolve("Nowhere Consortium", "KE").status == Status.NO_COORDINATES
    assert without_file.locate("Hamburg", "DE").source == LocationSource.GAZETTEER


@pytest.mark.django_db
def test_locate_cities_reports_cities_without_coordinates_with_reason():
    CityFactory(name="Qwxzzy Nowhere", country=country("DE"), latitude=None, longitude=None)
    CityFactory(name="Springfield", country=country("US"), latitude=None, longitude=None)
    CityFactory(name="Placed", country=country("DE"))

    out = io.StringIO()
    rows = locate_cities(dry_run=True).unresolved
    gz.write_unresolved_csv(rows, out)  # as locate-cities --report writes it

    assert [(r.city, r.country) for r in rows] == [("Qwxzzy Nowhere", "DE"), ("Springfield", "US")]
    assert rows[0].reason == "no place of this name in the gazetteer"
    assert rows[1].reason.startswith("ambiguous")
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(gz.UNRESOLVED_COLUMNS)
    assert len(lines) == 3


@pytest.mark.django_db
def test_locate_cities_fills_missing_coordinates_and_reports_the_rest(tmp_path):
    cork = CityFactory(
        name="Cork", country=country("IE"), latitude=None, longitude=None, population=None
    )
    CityFactory(name="Qwxzzy Nowhere", country=country("DE"), latitude=None, longitude=None)
    report = tmp_path / "unresolved.csv"
    out = io.StringIO()

    call_command("locate-cities", "--report", str(report), stdout=out)

    cork.refresh_from_db()
    assert abs(cork.latitude - 51.9) < 0.1
    assert cork.population > 100_000
    assert cork.location_source == LocationSource.GAZETTEER
    assert "filled in 1 cities; 1 still without coordinates" in out.getvalue()
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[1].split(",")[1:5] == [
        "Qwxzzy Nowhere",
        "DE",
        "",
        "no place of this name in the gazetteer",
    ]


# --- admin areas ---------------------------------------------------------------


def test_resolve_district_of_one_name_in_each_metropolitan_city_by_admin_area():
    in_daegu = resolve("Seo-gu", "KR", admin_area="Daegu")
    in_gwangju = resolve("Seo-gu", "KR", admin_area="Gwangju")

    assert (in_daegu.status, in_gwangju.status) == (Status.FOUND, Status.FOUND)
    assert in_daegu.match.admin_area == "Daegu"
    assert in_gwangju.match.admin_area == "Gwangju"
    _near(in_daegu.match, 35.87, 128.56, tolerance=0.05)
    _near(in_gwangju.match, 35.15, 126.89, tolerance=0.05)


@pytest.mark.parametrize("name", ["Seo-gu", "Nam-gu", "Jung-gu", "Buk-gu", "Dong-gu"])
def test_resolve_generic_district_without_area_ambiguous(name):
    resolution = resolve(name, "KR")

    assert resolution.status == Status.AMBIGUOUS
    assert resolution.match is None
    assert len(resolution.candidates) >= 4
    assert locate(name, "KR") is None


def test_resolve_district_in_an_area_without_it_not_found():
    resolution = resolve("Seo-gu", "KR", admin_area="Ulsan")

    assert resolution.status == Status.NOT_IN_AREA
    assert resolution.match is None
    assert resolution.reason.startswith("not found in that area (ulsan)")


def test_resolve_seoul_district_with_its_area():
    match = locate("Gangnam-gu", "KR", admin_area="Seoul")

    assert match.gazetteer_id == "supplement:KR:gangnam gu"
    assert (match.latitude, match.longitude) == (37.5172, 127.0473)


def test_resolve_seoul_district_not_taken_for_a_town_elsewhere():
    # GeoNames has a village "Gangdong" in Gangwon; Gangdong-gu is in Seoul.
    match = locate("Gangdong-gu", "KR", admin_area="Seoul")

    _near(match, 37.53, 127.12, tolerance=0.05)


def _one_district_supplement(tmp_path) -> Gazetteer:
    supplement = tmp_path / "supplement.csv"
    supplement.write_text(
        ",".join(gz.SUPPLEMENT_COLUMNS) + "\n"
        "KR,Seo-gu (Gwangju),Seo-gu,Gwangju,district,35.1520,126.8900,,,test\n"
        "KR,Dalseo-gu,,Daegu,district,35.8298,128.5327,,,test\n"
        "KR,Namdong-gu,,Incheon,district,37.4474,126.7314,,,test\n",
        encoding="utf-8",
    )
    return Gazetteer(supplement)


def test_resolve_only_candidate_in_another_area_not_returned(tmp_path):
    gazetteer = _one_district_supplement(tmp_path)

    in_daegu = gazetteer.resolve("Seo-gu", "KR", admin_area="Daegu")
    in_gwangju = gazetteer.resolve("Seo-gu", "KR", admin_area="Gwangju Metropolitan City")

    assert in_daegu.status == Status.NOT_IN_AREA
    assert gazetteer.locate("Seo-gu", "KR", admin_area="Daegu") is None
    assert in_gwangju.match.gazetteer_id == "supplement:KR:seo gu gwangju"


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Seo-gu, Daegu", None),
        ("Seo-gu, Gwangju", "supplement:KR:seo gu gwangju"),
        ("Incheon Namdong-gu", "supplement:KR:namdong gu"),
        ("Daegu Dalseo-gu", "supplement:KR:dalseo gu"),
        ("Busan Dalseo-gu", None),
    ],
)
def test_resolve_area_written_in_the_name_used_as_area(tmp_path, name, found):
    gazetteer = _one_district_supplement(tmp_path)

    match = gazetteer.locate(name, "KR")

    assert (match.gazetteer_id if match else None) == found


def test_resolve_us_state_binding_for_geonames():
    assert locate("Springfield", "US", admin_area="Alaska") is None
    assert resolve("Springfield", "US", admin_area="Alaska").status == Status.NOT_IN_AREA


def test_gazetteer_supplement_districts_of_metropolitan_cities_complete():
    places = [p for p in gz.read_supplement() if p.country == "KR" and p.kind == "district"]
    by_area: dict[str, int] = {}
    for place in places:
        by_area[place.admin_area] = by_area.get(place.admin_area, 0) + 1

    assert by_area == {
        "Seoul": 25,
        "Busan": 15,
        "Daegu": 7,
        "Incheon": 8,
        "Gwangju": 5,
        "Daejeon": 5,
        "Ulsan": 4,
    }
    assert all(p.latitude is not None for p in places)
