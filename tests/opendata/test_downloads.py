"""The open data page, its files and the data package that describes them."""

import csv
import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from frictionless import Package, validate
from openpyxl import load_workbook

from learningcities.calls.domain.eligibility import record_award_win
from learningcities.network.domain.memberships import hold_membership
from learningcities.opendata.domain.datasets import DATASETS
from learningcities.practices.enums import ClusterRole
from learningcities.practices.models import Cluster, ClusterMembership
from tests.events.factories_outcomes import attach_pdf, make_outcome, past_event
from tests.factories import CohortFactory, make_member
from tests.practices.factories import make_practice
from tests.reports.factories import Network, make_cycle

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_of(client, name: str, language: str = "") -> list[dict]:
    response = client.get(f"{language}/open-data/{name}.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))


@pytest.fixture
def network():
    """Members of every standing, a cohort, a published practice, a reporting cycle."""
    cohort = CohortFactory(name="Cohort 2020")
    member = make_member(name="Cork", country=_ie(), joined="2020-09", cohort=cohort)
    former = make_member(name="Former", joined="2015", ended=dt.date(2021, 1, 1))
    later = make_member(
        name="Later", joined=(timezone.localdate() + dt.timedelta(days=30)).isoformat()
    )
    on_hold = make_member(name="Overdue", joined="2019")
    hold_membership(on_hold, since=timezone.localdate())
    make_practice(publish=True, title="Parks that teach", sdgs=[4, 11])
    record_award_win(member.city, year=2021, actor=None, source="Award ceremony 2021")
    health = Cluster.objects.get(code="health")
    ClusterMembership.objects.create(
        cluster=health, city=member.city, role=ClusterRole.LEAD, status="accepted"
    )
    Network("VN")  # a member with a coordinator: expected in the cycle
    make_cycle(code="2025-2027")
    conference = past_event(
        slug="iclc-2019", title="Fourth conference", host_city=member.city, languages=["en", "es"]
    )
    attach_pdf(make_outcome(conference, title="Medellín Manifesto"), "es")
    make_outcome(conference, title="A draft", status="draft")
    past_event(slug="test-synthetic", is_synthetic=True)
    return {"member": member, "former": former, "later": later, "on_hold": on_hold}


def _ie():
    from learningcities.network.models import Country

    return Country.objects.get(code="IE")


def test_every_csv_reads_back_with_the_data_package_schema(network, tmp_path):
    client = Client()
    descriptor = json.loads(body(client.get("/open-data/datapackage.json")))
    assert [r["name"] for r in descriptor["resources"]] == list(DATASETS)
    for resource in descriptor["resources"]:
        path = reverse("opendata:download", kwargs={"name": resource["name"], "format": "csv"})
        assert resource["path"] == f"http://testserver{path}"
        (tmp_path / f"{resource['name']}.csv").write_bytes(body(client.get(path)))
        resource["path"] = f"{resource['name']}.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    # Every row against its schema (types, required, values, keys), and each file's size and hash.
    report = validate(str(tmp_path / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    assert package.get_resource("member-cities").read_rows()  # read back, typed
    assert {r.name: len(r.read_rows()) for r in package.resources}["reporting-rates"] > 1

    # The check can fail: a standing the schema does not list is caught.
    cities = tmp_path / "member-cities.csv"
    cities.write_text(cities.read_text().replace(",member,", ",honorary,"), encoding="utf-8")
    errors = validate(str(tmp_path / "datapackage.json")).flatten(["type", "fieldName"])
    assert ["constraint-error", "standing"] in errors


def test_member_cities_say_each_city_s_standing_today(network):
    rows = {row["name"]: row for row in rows_of(Client(), "member-cities")}

    assert rows["Cork"]["standing"] == "member"
    assert rows["Cork"]["joined"] == "2020-09"
    assert rows["Cork"]["cohort"] == "Cohort 2020"
    assert rows["Cork"]["country_code"] == "IE"
    assert rows["Former"]["standing"] == "former_member"
    assert rows["Later"]["standing"] == "admitted"
    assert rows["Overdue"]["standing"] == "on_hold"


def test_award_winners_and_cluster_members(network):
    client = Client()
    [win] = rows_of(client, "award-winners")
    [lead] = rows_of(client, "cluster-members")

    assert (win["year"], win["city"], win["country_code"]) == ("2021", "Cork", "IE")
    assert (lead["cluster"], lead["city"], lead["role"]) == ("health", "Cork", "lead")
    assert lead["cluster_name"] == "Health and well-being"


def test_the_award_winners_follow_a_win_recorded_since(network):
    client = Client()
    rows_of(client, "award-winners")

    record_award_win(network["on_hold"].city, year=2022, actor=None)

    assert [w["city"] for w in rows_of(client, "award-winners")] == ["Cork", "Overdue"]


def test_events_and_their_adopted_outcome_documents(network):
    client = Client()
    [event] = rows_of(client, "events")  # the synthetic one is not published
    [outcome] = rows_of(client, "outcome-documents")  # nor is the draft

    assert (event["slug"], event["host_city"], event["host_country_code"]) == (
        "iclc-2019",
        "Cork",
        "IE",
    )
    assert (event["starts_on"], event["status"], event["languages"]) == (
        "2019-10-01",
        "held",
        "en;es",
    )
    assert (outcome["title"], outcome["event"], outcome["adopted_on"]) == (
        "Medellín Manifesto",
        "iclc-2019",
        "2019-10-03",
    )
    assert (outcome["languages"], outcome["endorsements"]) == ("es", "0")


def test_memberships_keep_every_period_and_its_end(network):
    rows = {row["city"]: row for row in rows_of(Client(), "memberships")}

    assert rows["Former"]["status"] == "lapsed"
    assert rows["Former"]["ended_on"] == "2021-01-01"
    assert rows["Former"]["joined"] == "2015"
    assert rows["Overdue"]["on_hold_since"] == timezone.localdate().isoformat()


def test_names_come_in_the_language_of_the_page(network):
    french = {row["code"]: row for row in rows_of(Client(), "countries", "/fr")}

    assert french["DE"]["name"] == "Allemagne"
    assert french["IE"]["region_name"] == "Europe et Amérique du Nord"
    assert int(french["IE"]["member_cities"]) == 1


def test_a_file_is_generated_again_when_its_data_changes(network):
    client = Client()
    assert "Galway" not in {row["name"] for row in rows_of(client, "member-cities")}

    make_member(name="Galway", country=_ie(), joined="2022")

    assert "Galway" in {row["name"] for row in rows_of(client, "member-cities")}


def test_every_format_of_a_place_dataset(network):
    client = Client()
    geo = json.loads(body(client.get("/open-data/member-cities.geojson")))
    data = json.loads(body(client.get("/open-data/member-cities.json")))
    book = load_workbook(io.BytesIO(body(client.get("/open-data/member-cities.xlsx"))))

    cork = next(f for f in geo["features"] if f["properties"]["name"] == "Cork")
    assert cork["geometry"] == {"type": "Point", "coordinates": [8.0, 50.0]}
    assert {row["name"] for row in data} >= {"Cork", "Former", "Later", "Overdue"}
    assert [cell.value for cell in book["member-cities"][1]][:2] == ["id", "name"]
    assert book["member-cities"].max_row == len(data) + 1
    practices = json.loads(body(client.get("/open-data/practices.json")))
    assert practices[0]["sdgs"] == ["4", "11"]


def test_a_client_that_has_the_file_gets_304(network):
    client = Client()
    first = client.get("/open-data/countries.csv")

    again = client.get("/open-data/countries.csv", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["Content-Disposition"] == 'attachment; filename="countries.csv"'


@pytest.mark.parametrize(
    "path", ["/open-data/nothing.csv", "/open-data/countries.geojson", "/open-data/countries.exe"]
)
def test_unknown_datasets_and_formats_are_not_found(path):
    assert Client().get(path).status_code == 404


def test_the_page_lists_every_dataset_with_its_rows_date_licence_and_fields(network):
    page = Client().get("/").content.decode()
    assert 'href="/open-data/"' in page  # the main menu

    page = Client().get("/open-data/").content.decode()

    for item in DATASETS.values():
        assert f'id="dataset-{item.name}"' in page
        assert f'href="/open-data/{item.name}.csv"' in page
    assert "creativecommons.org/licenses/by/4.0/" in page
    assert "<code>standing</code>" in page


def test_a_file_gone_from_the_storage_is_generated_again(network):
    from learningcities.common.storage import private_storage
    from learningcities.opendata.domain.datasets import dataset
    from learningcities.opendata.domain.files import dataset_files

    client = Client()
    kept = rows_of(client, "countries")
    private_storage().delete(dataset_files(dataset("countries")).files["csv"].name)

    assert rows_of(client, "countries") == kept
