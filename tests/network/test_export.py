import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from learningcities.demo.domain.synthetic_network import generate_network
from learningcities.network.domain.queries.stats import compute_network_stats
from learningcities.network.interfaces.members_csv import EXPORT_COLUMNS
from learningcities.network.models import City, Cohort, Membership, NetworkRevision
from tests.factories import CityFactory, CohortFactory, country, make_member

pytestmark = pytest.mark.django_db


def export(*options) -> str:
    out = io.StringIO()
    call_command("export-members", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def make_network():
    cohort = CohortFactory(name="2022 cohort", announced_on=dt.date(2022, 9, 2))
    make_member(
        joined="2022-09-02",
        cohort=cohort,
        name="Sơn La",
        country=country("VN"),
        local_name="Sơn La",
        admin_area="Sơn La",
        population=106052,
        latitude=21.3256,
        longitude=103.91882,
    )
    make_member(joined="2016", name="Qwxzzy", country=country("IE"), population=None)
    lapsed = make_member(
        joined="2017-03", ended=dt.date(2019, 1, 1), name="Lapsed", country=country("FR")
    )
    make_member(lapsed.city, joined="2022-09-02", cohort=cohort)
    make_member(joined="2018", ended=dt.date(2020, 1, 1), name="Gone", country=country("DE"))
    CityFactory(name="Never a member", country=country("DE"))


def test_export_members_csv_one_row_per_membership_in_order():
    make_network()

    text = export()

    lines = text.splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS)
    assert lines[1:] == [
        "Gone,DE,2018,100000,50.0,8.0,,,,,lapsed,2020-01-01",
        "Lapsed,FR,2017-03,100000,50.0,8.0,,,,,lapsed,2019-01-01",
        "Lapsed,FR,2022-09-02,100000,50.0,8.0,,,2022 cohort,,active,",
        "Qwxzzy,IE,2016,,50.0,8.0,,,,,active,",
        "Sơn La,VN,2022-09-02,106052,21.3256,103.91882,Sơn La,Sơn La,2022 cohort,,active,",
    ]


def test_export_members_columns_keep_the_original_order_then_status_and_ended():
    assert EXPORT_COLUMNS == (
        "city",
        "country",
        "joined",
        "population",
        "latitude",
        "longitude",
        "local_name",
        "admin_area",
        "cohort",
        "source",
        "status",
        "ended",
    )


def test_export_members_json_list_of_objects():
    make_network()

    items = json.loads(export("--format", "json"))

    assert len(items) == 5
    cork = next(item for item in items if item["city"] == "Qwxzzy")
    gone = next(item for item in items if item["city"] == "Gone")
    assert cork == {
        "city": "Qwxzzy",
        "country": "IE",
        "joined": "2016",
        "population": None,
        "latitude": 50.0,
        "longitude": 8.0,
        "local_name": "",
        "admin_area": "",
        "cohort": "",
        "source": "",
        "status": "active",
        "ended": None,
    }
    assert (gone["status"], gone["ended"]) == ("lapsed", "2020-01-01")


def test_export_members_to_file(tmp_path):
    make_network()
    path = tmp_path / "members.csv"

    stdout = export(str(path))

    assert stdout == ""
    assert path.read_text(encoding="utf-8") == export()


def test_export_members_empty_network_header_only():
    assert export() == ",".join(EXPORT_COLUMNS) + "\n"


def test_export_then_import_into_empty_database_round_trips(tmp_path):
    make_network()
    path = tmp_path / "members.csv"
    export(str(path))
    before = export()
    Membership.objects.all().delete()
    City.objects.all().delete()
    Cohort.objects.all().delete()

    call_command("import-members", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert export() == before
    assert City.objects.count() == 4
    assert Cohort.objects.get().announced_on == dt.date(2022, 9, 2)


def test_export_then_import_into_same_database_changes_nothing(tmp_path):
    make_network()
    path = tmp_path / "members.csv"
    export(str(path))
    out = io.StringIO()

    call_command("import-members", str(path), stdout=out, stderr=io.StringIO())

    assert "0 created, 0 updated, 5 unchanged" in out.getvalue()


def _register() -> tuple[dict, list]:
    """Return every city's memberships (by country and name) and the cohorts."""
    memberships: dict[tuple[str, str], list] = {}
    for m in Membership.objects.select_related("city", "cohort").order_by("member_from", "pk"):
        memberships.setdefault((m.city.country_id, m.city.name), []).append(
            (
                m.joined_iso,
                m.member_from,
                m.status,
                m.ended_on,
                m.cohort.name if m.cohort else None,
                m.source,
            )
        )
    cohorts = sorted(Cohort.objects.values_list("name", "announced_on"))
    return memberships, cohorts


def _dates_to_compare() -> list[dt.date]:
    """Return the days around every joining, lapse and cohort, and each new year."""
    days = set()
    for member_from, ended_on in Membership.objects.values_list("member_from", "ended_on"):
        for day in (member_from, ended_on):
            if day is not None:
                days.update(day + dt.timedelta(days=d) for d in (-1, 0, 1))
    for announced_on in Cohort.objects.values_list("announced_on", flat=True):
        days.update(announced_on + dt.timedelta(days=d) for d in (-1, 0, 1, 30))
    days.update(dt.date(year, 1, 1) for year in range(2015, 2027))
    return sorted(days)


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_then_import_into_empty_database_gives_back_the_generated_network(
    tmp_path, file_format
):
    network = generate_network(cities=120, seed=11, cohorts=6)
    path = tmp_path / f"members.{file_format}"
    export("--format", file_format, str(path))
    days = _dates_to_compare()
    stats_before = [compute_network_stats(day) for day in days]
    register_before = _register()
    Membership.objects.all().delete()
    City.objects.all().delete()
    Cohort.objects.all().delete()

    out = io.StringIO()
    call_command("import-members", str(path), stdout=out, stderr=io.StringIO())

    assert network.lapsed > 0
    assert network.readmitted > 0
    assert len(days) >= 20
    assert [compute_network_stats(day) for day in days] == stats_before
    assert _register() == register_before
    assert f"{network.memberships} created, 0 updated, 0 unchanged" in out.getvalue()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_export_then_import_again_changes_nothing_nor_the_revision(tmp_path, file_format):
    network = generate_network(cities=60, seed=11, cohorts=6)
    path = tmp_path / f"members.{file_format}"
    export("--format", file_format, str(path))
    revision = NetworkRevision.objects.get().number
    out = io.StringIO()

    call_command("import-members", str(path), stdout=out, stderr=io.StringIO())

    assert f"0 created, 0 updated, {network.memberships} unchanged" in out.getvalue()
    assert NetworkRevision.objects.get().number == revision
