import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from learningcities.network.interfaces.members_csv import EXPORT_COLUMNS
from learningcities.network.models import City, Cohort, Membership
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


def test_export_members_csv_one_row_per_member_city_current_or_latest():
    make_network()

    text = export()

    lines = text.splitlines()
    assert lines[0] == ",".join(EXPORT_COLUMNS)
    assert lines[1:] == [
        "Gone,DE,2018,100000,50.0,8.0,,,,",
        "Lapsed,FR,2022-09-02,100000,50.0,8.0,,,2022 cohort,",
        "Qwxzzy,IE,2016,,50.0,8.0,,,,",
        "Sơn La,VN,2022-09-02,106052,21.3256,103.91882,Sơn La,Sơn La,2022 cohort,",
    ]


def test_export_members_json_list_of_objects():
    make_network()

    items = json.loads(export("--format", "json"))

    assert len(items) == 4
    cork = next(item for item in items if item["city"] == "Qwxzzy")
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
    }


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

    assert "0 created, 0 updated, 4 unchanged" in out.getvalue()
