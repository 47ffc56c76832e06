import datetime as dt
import io
import os

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learningcities.network.domain.memberships import end_membership
from learningcities.network.domain.queries.revision import current_revision
from learningcities.network.enums import DatePrecision, LocationSource, MembershipStatus
from learningcities.network.models import City, Cohort, Membership
from tests.factories import CityFactory, CohortFactory, country, make_member

pytestmark = pytest.mark.django_db

HEADER = "city,country,joined,population,latitude,longitude,local_name,admin_area\n"


def write(tmp_path, text: str | bytes, name="members.csv"):
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def run_import(path, *options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import-members", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(path, *options) -> str:
    """Run the import, assert it fails and wrote nothing; return its error output."""
    cities, memberships = City.objects.count(), Membership.objects.count()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import-members", str(path), *options, stdout=out, stderr=err)
    assert "nothing was imported" in str(excinfo.value)
    assert (City.objects.count(), Membership.objects.count()) == (cities, memberships)
    return err.getvalue()


GOOD = (
    HEADER + "Cork,IE,2016-01-01,210000,51.9,-8.47,Corcaigh,Munster\n"
    "Sơn La,VN,2024-02-14,,,,,\n"
    "Jubail,SA,2020,,,,,Eastern Province\n"
    "Hamburg,de,2016-09,,53.55,9.99,,\n"
)


def test_import_members_good_file_creates_cities_and_memberships(tmp_path):
    out, _err = run_import(write(tmp_path, GOOD))

    assert "4 created, 0 updated, 0 unchanged" in out
    cork = City.objects.get(name="Cork")
    assert (cork.population, cork.latitude, cork.longitude) == (210000, 51.9, -8.47)
    assert (cork.local_name, cork.admin_area) == ("Corcaigh", "Munster")
    assert cork.location_source == LocationSource.IMPORTED
    membership = City.objects.get(name="Jubail").memberships.get()
    assert (membership.joined_on, membership.joined_precision) == (
        dt.date(2020, 1, 1),
        DatePrecision.YEAR,
    )
    assert membership.member_from == dt.date(2020, 12, 31)
    hamburg = City.objects.get(name="Hamburg")
    assert hamburg.memberships.get().joined_iso == "2016-09"
    assert hamburg.country_id == "DE"


def test_import_members_missing_location_looked_up_in_gazetteer(tmp_path):
    run_import(write(tmp_path, GOOD))

    son_la = City.objects.get(name="Sơn La")
    jubail = City.objects.get(name="Jubail")
    hamburg = City.objects.get(name="Hamburg")
    assert son_la.gazetteer_id == "geonames:1567681"
    assert son_la.location_source == LocationSource.GAZETTEER
    assert abs(jubail.latitude - 27.0) < 0.2
    assert jubail.population > 100_000
    # Coordinates from the file win; the gazetteer only completes the population.
    assert (hamburg.latitude, hamburg.longitude) == (53.55, 9.99)
    assert hamburg.population > 1_000_000


def test_import_members_twice_changes_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    run_import(path)
    revision = current_revision()
    updated_at = list(City.objects.order_by("pk").values_list("updated_at", flat=True))

    out, _err = run_import(path)

    assert "0 created, 0 updated, 4 unchanged" in out
    assert current_revision() == revision
    assert list(City.objects.order_by("pk").values_list("updated_at", flat=True)) == updated_at
    assert Membership.objects.count() == 4


def test_import_members_changed_field_updates_it(tmp_path):
    run_import(write(tmp_path, GOOD))

    changed = GOOD.replace("Cork,IE,2016-01-01,210000", "Cork,IE,2016-01-01,222526")
    out, _err = run_import(write(tmp_path, changed, "changed.csv"))

    assert "0 created, 1 updated, 3 unchanged" in out
    assert City.objects.get(name="Cork").population == 222526


def test_import_members_changed_joined_corrects_active_membership(tmp_path):
    run_import(write(tmp_path, GOOD))

    out, _err = run_import(write(tmp_path, HEADER + "Cork,IE,2015-09,,,,,\n", "corrected.csv"))

    assert "1 updated" in out
    membership = City.objects.get(name="Cork").memberships.get()
    assert (membership.joined_on, membership.joined_precision) == (
        dt.date(2015, 9, 1),
        DatePrecision.MONTH,
    )


def test_import_members_existing_city_matched_by_folded_name(tmp_path):
    city = CityFactory(name="Sa Đéc", country=country("VN"))

    out, _err = run_import(write(tmp_path, HEADER + "sa dec,VN,2020-09-22,,,,,\n"))

    assert "0 created, 1 updated" in out
    assert City.objects.filter(country="VN").count() == 1
    assert city.memberships.get().joined_on == dt.date(2020, 9, 22)


def test_import_members_lapsed_city_readmitted_after_its_end(tmp_path):
    old = make_member(
        joined="2016", ended=dt.date(2019, 1, 1), name="Lapsed", country=country("FR")
    )

    run_import(write(tmp_path, HEADER + "Lapsed,FR,2022-09-02,,,,,\n"))

    memberships = list(old.city.memberships.order_by("member_from"))
    assert [m.status for m in memberships] == [MembershipStatus.LAPSED, MembershipStatus.ACTIVE]


def test_import_members_readmission_before_end_refused_naming_line(tmp_path):
    make_member(joined="2016", ended=dt.date(2019, 1, 1), name="Lapsed", country=country("FR"))

    err = refused(write(tmp_path, HEADER + "Cork,IE,2020,,,,,\nLapsed,FR,2018-05,,,,,\n"))

    assert "line 3:" in err
    assert "2019-01-01" in err


def test_import_members_row_describing_ended_membership_unchanged(tmp_path):
    make_member(joined="2016", ended=dt.date(2019, 1, 1), name="Lapsed", country=country("FR"))

    out, _err = run_import(write(tmp_path, HEADER + "Lapsed,FR,2016,,50.0,8.0,,\n"))

    assert "0 created, 0 updated, 1 unchanged" in out


def test_import_members_dry_run_writes_nothing(tmp_path):
    revision = current_revision()

    out, _err = run_import(write(tmp_path, GOOD), "--dry-run")

    assert "Dry run" in out
    assert "4 created" in out
    assert City.objects.count() == 0
    assert Membership.objects.count() == 0
    assert current_revision() == revision


def test_import_members_bom_and_crlf_accepted(tmp_path):
    text = ("\ufeff" + HEADER + "Cork,IE,2016,1,51.9,-8.47,,\n").replace("\n", "\r\n")

    out, _err = run_import(write(tmp_path, text.encode("utf-8")))

    assert "1 created" in out


def test_import_members_cohort_column_links_and_creates_cohort(tmp_path):
    CohortFactory(name="2020 cohort", announced_on=dt.date(2020, 9, 22))
    text = (
        "city,country,joined,cohort,source\n"
        "Vinh,VN,2020-09-22,2020 Cohort,S20\n"
        "Cao Lanh,VN,2022-09-02,2022 cohort,S2\n"
    )

    run_import(write(tmp_path, text))

    vinh = Membership.objects.get(city__name="Vinh")
    cao_lanh = Membership.objects.get(city__name="Cao Lanh")
    assert (vinh.cohort.name, vinh.source) == ("2020 cohort", "S20")
    assert cao_lanh.cohort.announced_on == dt.date(2022, 9, 2)
    assert Cohort.objects.count() == 2


def test_import_members_unknown_cohort_without_day_refused(tmp_path):
    text = "city,country,joined,cohort\nVinh,VN,2020-09,Mystery cohort\n"

    err = refused(write(tmp_path, text))

    assert "line 2:" in err
    assert "Mystery cohort" in err
    assert Cohort.objects.count() == 0


def test_import_members_without_cohort_linked_to_only_cohort_in_period(tmp_path):
    CohortFactory(name="2022 cohort", announced_on=dt.date(2022, 9, 2))
    text = HEADER + "Kwekwe,ZW,2022-09,,,,,\nGulu,UG,2022,,,,,\nLira,UG,2022-09-02,,,,,\n"

    run_import(write(tmp_path, text))

    cohorts = dict(Membership.objects.values_list("city__name", "cohort__name"))
    assert cohorts == {"Kwekwe": "2022 cohort", "Gulu": None, "Lira": "2022 cohort"}


def test_import_members_unresolved_location_listed_with_line(tmp_path):
    out, _err = run_import(write(tmp_path, HEADER + "Cork,IE,2016,,,,,\nQwxzzy,DE,2019,,,,,\n"))

    assert "1 without coordinates" in out
    assert "line 3: Qwxzzy (DE): no place of this name" in out
    assert City.objects.get(name="Qwxzzy").latitude is None


# --- refused files -------------------------------------------------------------


def test_import_members_bad_country_code_refused(tmp_path):
    err = refused(write(tmp_path, HEADER + "Cork,IE,2016,,,,,\nAtlantis,XX,2016,,,,,\n"))

    assert "line 3: XX is not an ISO 3166-1 alpha-2 code." in err


def test_import_members_impossible_date_refused(tmp_path):
    err = refused(write(tmp_path, HEADER + "Cork,IE,2023-02-30,,,,,\n"))

    assert "line 2:" in err
    assert "2023-02-30" in err
    assert "not a date that exists" in err


def test_import_members_malformed_date_refused(tmp_path):
    err = refused(write(tmp_path, HEADER + "Cork,IE,30/02/2023,,,,,\n"))

    assert "line 2: joined:" in err


def test_import_members_missing_required_column_named(tmp_path):
    err = refused(write(tmp_path, "city,joined\nCork,2016\n"))

    assert "line 1: Required columns are missing: country." in err


def test_import_members_unknown_column_named(tmp_path):
    err = refused(write(tmp_path, "city,country,joined,popluation\nCork,IE,2016,5\n"))

    assert "line 1:" in err
    assert "Unknown columns: popluation." in err


def test_import_members_empty_required_cell_refused(tmp_path):
    err = refused(write(tmp_path, HEADER + "Cork,IE,2016,,,,,\n,IE,2016,,,,,\nGalway,IE,,,,,,\n"))

    assert "line 3: the city cell is empty." in err
    assert "line 4: the joined cell is empty." in err


def test_import_members_duplicate_city_names_both_lines(tmp_path):
    text = HEADER + "Cork,IE,2016,,,,,\nGalway,IE,2016,,,,,\nCORK,ie,2017,,,,,\n"

    err = refused(write(tmp_path, text))

    assert "line 4: CORK (IE) is listed twice: on line 2 and line 4." in err


def test_import_members_non_utf8_refused_with_offset(tmp_path):
    data = (HEADER + "Cork,IE,2016,,,,,\n").encode() + "Liège,BE,2024,,,,,\n".encode("latin-1")

    err = refused(write(tmp_path, data))

    offset = data.index(b"\xe8")
    assert f"byte offset {offset}" in err
    assert "not UTF-8" in err
    assert "line 3:" in err


def test_import_members_header_only_refused(tmp_path):
    err = refused(write(tmp_path, HEADER))

    assert "no data rows" in err


def test_import_members_empty_file_refused(tmp_path):
    err = refused(write(tmp_path, ""))

    assert "The file is empty." in err


def test_import_members_large_garbage_refused_fast(tmp_path):
    path = tmp_path / "garbage.csv"
    with path.open("wb") as f:
        for _ in range(50):
            f.write(os.urandom(1024 * 1024))

    err = refused(path)

    assert "50.0 MB" in err


def test_import_members_binary_garbage_refused(tmp_path):
    data = os.urandom(64 * 1024)

    err = refused(write(tmp_path, b"\x00" + data))

    assert "binary file" in err


def test_import_members_long_line_refused(tmp_path):
    err = refused(write(tmp_path, HEADER + "Cork,IE,2016,,,,," + "x" * 20000 + "\n"))

    assert "line 2:" in err
    assert "characters long" in err


def test_import_members_excel_workbook_refused(tmp_path):
    err = refused(write(tmp_path, b"PK\x03\x04" + b"rest of a zip"))

    assert "Excel workbook" in err


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("-5,,", "population “-5” is not a whole number of 0 or more."),
        ("many,,", "population “many” is not a whole number of 0 or more."),
        (",91,10", "latitude 91 is out of range"),
        (",10,-181", "longitude -181 is out of range"),
        (",north,10", "latitude “north” is not a number"),
        (",10,", "give both latitude and longitude, or neither."),
    ],
)
def test_import_members_bad_number_refused(tmp_path, cells, reason):
    err = refused(write(tmp_path, HEADER + f"Cork,IE,2016,{cells},,\n"))

    assert f"line 2: {reason}" in err


def test_import_members_every_bad_row_reported(tmp_path):
    text = HEADER + (
        "Cork,IE,2016,,,,,\n"
        "Atlantis,XX,2016,,,,,\n"
        "Galway,IE,2023-02-30,,,,,\n"
        "Limerick,IE,2016,-1,,,,\n"
    )

    err = refused(write(tmp_path, text))

    assert [line.split(":")[0] for line in err.splitlines()] == ["line 3", "line 4", "line 5"]


def test_import_members_line_numbers_count_multiline_cells(tmp_path):
    text = 'city,country,joined,source\nCork,IE,2016,"first\nsecond"\nAtlantis,XX,2016,\n'

    err = refused(write(tmp_path, text))

    assert "line 4: XX is not" in err


def test_import_members_thousands_separators_accepted(tmp_path):
    run_import(write(tmp_path, 'city,country,joined,population\nCork,IE,2016,"224,004"\n'))

    assert City.objects.get().population == 224004


def test_import_members_ends_nothing_for_city_already_active(tmp_path):
    membership = make_member(joined="2019-07-17", name="Cork", country=country("IE"))
    end_membership(membership, status=MembershipStatus.WITHDRAWN, ended_on=dt.date(2021, 1, 1))
    make_member(membership.city, joined="2022-09-02")

    out, _err = run_import(write(tmp_path, HEADER + "Cork,IE,2022-09-02,,,,,\n"))

    assert "1 unchanged" in out
    assert membership.city.memberships.count() == 2


# --- membership periods: status and ended ------------------------------------

PERIODS = "city,country,joined,cohort,status,ended\n"


def test_import_members_rejoined_city_gets_each_period(tmp_path):
    text = PERIODS + (
        "Lapsed,FR,2016,,lapsed,2019-01-01\n"
        "Lapsed,FR,2022-09-02,2022 cohort,,\n"
        "Gone,DE,2018-03,,withdrawn,2020-06-30\n"
    )

    out, _err = run_import(write(tmp_path, text))

    assert "3 created, 0 updated, 0 unchanged" in out
    lapsed = City.objects.get(name="Lapsed").memberships.order_by("member_from")
    assert [(m.joined_iso, m.status, m.ended_on) for m in lapsed] == [
        ("2016", MembershipStatus.LAPSED, dt.date(2019, 1, 1)),
        ("2022-09-02", MembershipStatus.ACTIVE, None),
    ]
    gone = Membership.objects.get(city__name="Gone")
    assert (gone.status, gone.ended_on) == (MembershipStatus.WITHDRAWN, dt.date(2020, 6, 30))


def test_import_members_periods_twice_changes_nothing(tmp_path):
    path = write(tmp_path, PERIODS + "Lapsed,FR,2016,,lapsed,2019-01-01\nLapsed,FR,2022,,,\n")
    run_import(path)
    revision = current_revision()

    out, _err = run_import(path)

    assert "0 created, 0 updated, 2 unchanged" in out
    assert current_revision() == revision


def test_import_members_status_ends_the_active_membership(tmp_path):
    membership = make_member(joined="2016", name="Cork", country=country("IE"))

    out, _err = run_import(write(tmp_path, PERIODS + "Cork,IE,2016,,Lapsed,2020-01-01\n"))

    membership.refresh_from_db()
    assert "1 updated" in out
    assert (membership.status, membership.ended_on) == ("lapsed", dt.date(2020, 1, 1))


def test_import_members_other_end_of_ended_membership_refused(tmp_path):
    make_member(joined="2016", ended=dt.date(2019, 1, 1), name="Cork", country=country("IE"))

    err = refused(write(tmp_path, PERIODS + "Cork,IE,2016,,withdrawn,2019-05-01\n"))

    assert "line 2: the register has this membership lapsed, ended on 2019-01-01" in err


@pytest.mark.parametrize(
    ("rows", "first", "second"),
    [
        ("Cork,IE,2016,,lapsed,2019-01-01\nCork,IE,2016,,lapsed,2019-01-01\n", 2, 3),
        ("Cork,IE,2016,,lapsed,2019-01-01\nCork,IE,2018,,,\n", 2, 3),
        ("Cork,IE,2016,,,\nCork,IE,2022,,,\n", 2, 3),
        ("Cork,IE,2022,,,\nCork,IE,2016,,lapsed,2019-01-01\n", 2, 3),
        (
            "Cork,IE,2016,,lapsed,2017-01-01\nCork,IE,2018,,lapsed,2019-01-01\ncork,IE,2018,,,\n",
            3,
            4,
        ),
    ],
    ids=["same period", "overlapping", "two open", "out of order", "third overlaps second"],
)
def test_import_members_repeated_city_not_a_later_period_refused(tmp_path, rows, first, second):
    err = refused(write(tmp_path, PERIODS + rows))

    assert f"line {second}: " in err
    assert f"is listed twice: on line {first} and line {second}." in err


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ("1066,,", "joined 1066 is before 1900."),
        ("2016,retired,", "status “retired” is not one of active, lapsed, withdrawn."),
        ("2016,,2019-01-01", "ended is given but the status is active"),
        ("2016,active,2019-01-01", "ended is given but the status is active"),
        ("2016,lapsed,", "a lapsed membership needs its ended date (YYYY-MM-DD)."),
        ("2016,lapsed,2019", "ended “2019” is not a date in the form YYYY-MM-DD."),
        ("2016,lapsed,2016-06-01", "ended 2016-06-01 is not after the membership began"),
        ("2016,withdrawn,2999-01-01", "ended 2999-01-01 is after today"),
    ],
)
def test_import_members_bad_period_refused_naming_line(tmp_path, cells, reason):
    err = refused(write(tmp_path, PERIODS.replace("cohort,", "") + f"Cork,IE,{cells}\n"))

    assert f"line 2: {reason}" in err


def test_import_members_joined_more_than_a_year_ahead_refused(tmp_path):
    far = dt.date.today().year + 2
    soon = dt.date.today().isoformat()

    err = refused(write(tmp_path, HEADER + f"Cork,IE,{far},,,,,\nGalway,IE,{soon},,,,,\n"))

    assert err.strip() == f"line 2: joined {far} is more than a year in the future."


# --- JSON ----------------------------------------------------------------------


def test_import_members_json_list_of_objects_imported(tmp_path):
    items = (
        '[{"city": "Cork", "country": "IE", "joined": "2016", "population": 210000, '
        '"latitude": 51.9, "longitude": -8.47, "status": "lapsed", "ended": "2019-01-01"},\n'
        ' {"city": "Cork", "country": "IE", "joined": "2022-09-02", "ended": null}]\n'
    )

    out, _err = run_import(write(tmp_path, items, "members.json"))

    assert "2 created" in out
    assert list(Membership.objects.order_by("member_from").values_list("status", "ended_on")) == [
        ("lapsed", dt.date(2019, 1, 1)),
        ("active", None),
    ]
    assert City.objects.get().population == 210000


def test_import_members_json_problems_named_by_item(tmp_path):
    items = (
        '[{"city": "Cork", "country": "IE", "joined": "2016"},'
        ' {"city": "Atlantis", "country": "XX", "joined": "2016", "colour": "blue"},'
        ' {"city": "Cork", "country": "IE", "joined": "2016"},'
        ' ["Galway", "IE", "2016"]]'
    )

    err = refused(write(tmp_path, items, "members.json"))

    assert err.splitlines() == [
        "item 2: XX is not an ISO 3166-1 alpha-2 code.",
        "item 2: unknown keys: colour. The keys are city, country, joined, population, "
        "latitude, longitude, local_name, admin_area, cohort, source, status, ended.",
        "item 3: Cork (IE) is listed twice: on item 1 and item 3. A city may have several "
        "rows only for distinct membership periods, in order, each ended (status and ended) "
        "before the next one joined.",
        "item 4: the item is a list, not an object with the keys city, country, joined.",
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"members": []}', "A JSON member list is a list of objects"),
        ('{"members": []}', "this file holds an object."),
        ('[{"city": "Cork",]', "The file looks like JSON but cannot be read"),
        ("[]", "no data rows"),
    ],
)
def test_import_members_other_json_shapes_refused_clearly(tmp_path, text, reason):
    err = refused(write(tmp_path, text, "members.json"))

    assert reason in err


# --- one place under two names -------------------------------------------------


def test_import_members_two_spellings_of_one_place_refused(tmp_path):
    text = HEADER + "Al Jubayl,SA,2020,,,,,\nJubail,SA,2020,,,,,\n"

    err = refused(write(tmp_path, text))

    assert err.strip() == (
        "line 3: Jubail (line 3) and Al Jubayl (line 2) are the same place "
        "(GeoNames 109435); list it once, under one name."
    )


def test_import_members_other_spelling_of_existing_city_updates_it(tmp_path):
    run_import(write(tmp_path, HEADER + "Jubail,SA,2020,,,,,\n"))
    jubail = City.objects.get()

    out, _err = run_import(write(tmp_path, HEADER + "Al Jubayl,SA,2020,5,,,,\n", "other.csv"))

    assert "0 created, 1 updated, 0 unchanged" in out
    assert "line 2: Al Jubayl (SA) taken as Jubail, the same place (GeoNames 109435)" in out
    assert list(City.objects.values_list("pk", "name", "population")) == [(jubail.pk, "Jubail", 5)]


def test_import_members_spelling_variant_of_another_place_not_merged(tmp_path):
    # "Cork County" is found as Cork only once "County" is taken off: it may be
    # another member, so it is not taken for the city of Cork.
    run_import(write(tmp_path, HEADER + "Cork,IE,2016,,,,,\n"))

    out, _err = run_import(write(tmp_path, HEADER + "Cork County,IE,2019,,,,,\n", "county.csv"))

    assert "1 created" in out
    assert City.objects.count() == 2


# --- spreadsheet tolerance -----------------------------------------------------


def test_import_members_empty_trailing_columns_ignored(tmp_path):
    text = "city,country,joined,,,\nEspoo,FI,2016,,,\nCork,IE,2016\n"

    out, _err = run_import(write(tmp_path, text))

    assert "2 created" in out


def test_import_members_value_under_unnamed_column_refused(tmp_path):
    text = "city,country,joined,,,\nEspoo,FI,2016,,,\nCork,IE,2016,,x,\n"

    err = refused(write(tmp_path, text))

    assert err.strip() == "line 3: the row has “x” in column 5, which has no name in the header."


def test_import_members_short_row_missing_optional_cells_accepted(tmp_path):
    out, _err = run_import(write(tmp_path, PERIODS + "Cork,IE,2016\nGalway,IE,2016,\n"))

    assert "2 created" in out


def test_import_members_short_row_missing_required_cell_refused(tmp_path):
    err = refused(write(tmp_path, "city,country,joined\nCork,IE\n"))

    assert "line 2: the joined cell is empty." in err
