"""Snapshots: the datasets as they were, kept unchanged after the register moves on."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from learningcities.opendata.domain.snapshots import take_due_snapshots, take_snapshot
from learningcities.opendata.enums import Occasion
from learningcities.opendata.models import Snapshot
from learningcities.opendata.tasks import take_open_data_snapshots
from tests.calls.releasing import release_cohort
from tests.calls.test_release_steps import JOINED, three_cities  # noqa: F401
from tests.factories import make_member
from tests.reports.factories import make_cycle

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def names_in(client, url) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return {row["name"] for row in csv.DictReader(io.StringIO(body(response).decode()))}


def test_a_snapshot_taken_before_an_import_still_returns_the_old_data(tmp_path):
    make_member(name="Before")
    snapshot = take_snapshot(Occasion.MANUAL)
    url = f"/open-data/snapshots/{snapshot.pk}/member-cities.csv"
    client = Client()
    kept = body(client.get(url))

    members = tmp_path / "members.csv"
    members.write_text("city,country,joined\nImported,DE,2024\n", encoding="utf-8")
    call_command("import-members", str(members), verbosity=0)

    assert names_in(client, "/open-data/member-cities.csv") == {"Before", "Imported"}
    assert names_in(client, url) == {"Before"}
    assert body(client.get(url)) == kept
    again = client.get(url, HTTP_IF_NONE_MATCH=client.get(url)["ETag"])
    assert again.status_code == 304


def test_the_snapshots_page_lists_each_with_its_files():
    make_member(name="Listed")
    cycle = make_cycle(code="2023-2025", due_in_days=-2)
    snapshot = take_snapshot(Occasion.CYCLE, cycle=cycle)

    page = Client().get("/open-data/snapshots/").content.decode()

    assert "Reporting cycle “Progress reports 2023-2025” closed" in page
    file = snapshot.files.get(dataset="member-cities", format="csv")
    assert file.sha256 in page
    assert f'href="/open-data/snapshots/{snapshot.pk}/member-cities.csv"' in page
    assert 'href="/open-data/snapshots/"' in Client().get("/open-data/").content.decode()


def test_a_closed_cycle_gets_one_snapshot_and_an_old_one_none():
    now = timezone.now()
    closed = make_cycle(code="closed", due_in_days=-3, now=now)
    make_cycle(code="long-ago", due_in_days=5, now=now - dt.timedelta(days=40))
    make_cycle(code="open", due_in_days=10, now=now)

    assert take_due_snapshots(now) == 1
    assert take_due_snapshots(now + dt.timedelta(hours=1)) == 0
    assert Snapshot.objects.get().cycle == closed


def test_the_periodic_job_takes_them():
    make_cycle(code="closed", due_in_days=-1)

    assert take_open_data_snapshots.call() == 1


def test_unknown_snapshot_files_are_not_found():
    snapshot = take_snapshot(Occasion.MANUAL)
    client = Client()
    assert client.get(f"/open-data/snapshots/{snapshot.pk}/member-cities.xlsx").status_code == 404
    assert client.get(f"/open-data/snapshots/{snapshot.pk + 1}/countries.csv").status_code == 404


def test_a_finished_release_takes_its_snapshot_at_once(
    three_cities,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    cities = three_cities
    with django_capture_on_commit_callbacks(execute=True):
        release = release_cohort(
            cities["call"], actor=cities["secretary"], name="2026 cohort", joined_on=JOINED
        )

    snapshot = Snapshot.objects.get(release=release)
    page = Client().get("/open-data/snapshots/").content.decode()
    assert "Cohort “2026 cohort” released" in page
    assert snapshot.files.filter(dataset="member-cities").count() == 2


def test_an_operator_takes_one_and_if_none_takes_no_second():
    out = io.StringIO()
    call_command("snapshot-open-data", stdout=out)
    call_command("snapshot-open-data", "--if-none", stdout=out)

    assert Snapshot.objects.get().occasion == Occasion.MANUAL
    assert out.getvalue().splitlines()[1] == "A snapshot exists already: none taken."
