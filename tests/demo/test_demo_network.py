import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from learningcities.network.dates import PartialDate
from learningcities.network.domain.memberships import correct_joining
from learningcities.network.domain.queries.revision import current_revision
from learningcities.network.models import City, Cohort, Membership

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "data" / "demo_members.csv"
DEMO = Path(__file__).parents[2] / "src" / "learningcities" / "demo" / "data" / "gnlc_members.csv"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    # load-demo keeps a stamp of what it loaded in the data directory.
    settings.DATA_DIR = tmp_path


def load_demo(*options) -> str:
    out = io.StringIO()
    call_command("load-demo", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_load_demo_creates_cohorts_and_members():
    out = load_demo("--file", str(FIXTURE))

    assert out.strip() == (
        "Demo network: 9 cities created, 0 updated, 0 unchanged, 0 without coordinates."
    )
    assert list(Cohort.objects.order_by("announced_on").values_list("name", "announced_on")) == [
        ("2019 cohort", dt.date(2019, 7, 17)),
        ("2020 cohort", dt.date(2020, 9, 22)),
        ("2022 cohort", dt.date(2022, 9, 2)),
        ("2024 cohort", dt.date(2024, 2, 14)),
        ("2025 cohort", dt.date(2025, 12, 4)),
    ]
    assert Membership.objects.get(city__name="Songpa-gu").cohort.name == "2019 cohort"
    assert City.objects.get(name="Songpa-gu").local_name == "송파구"
    assert City.objects.filter(latitude__isnull=True).count() == 0


def test_load_demo_second_run_changes_nothing():
    load_demo("--file", str(FIXTURE))
    revision = current_revision()

    out = load_demo("--file", str(FIXTURE))

    assert out.strip() == "Demo network already loaded; nothing changed."
    assert current_revision() == revision


def test_load_demo_forced_second_run_imports_nothing_new():
    load_demo("--file", str(FIXTURE))
    revision = current_revision()

    out = load_demo("--file", str(FIXTURE), "--force")

    assert "0 cities created, 0 updated, 9 unchanged" in out
    assert current_revision() == revision


def test_load_demo_after_a_change_imports_again():
    load_demo("--file", str(FIXTURE))
    cork = Membership.objects.get(city__name="Cork")
    correct_joining(cork, joined=PartialDate.parse("2015"))

    out = load_demo("--file", str(FIXTURE))

    assert "1 updated" in out
    assert Membership.objects.get(city__name="Cork").joined_iso == "2016"


@pytest.mark.skipif(not DEMO.exists(), reason="the demo data file is not there yet")
def test_load_demo_real_file_loads():
    out = load_demo()

    assert out.startswith("Demo network: ")
    assert City.objects.count() > 200
    assert Cohort.objects.count() == 5


def test_load_demo_rows_without_joining_date_left_out(tmp_path):
    path = tmp_path / "demo.csv"
    path.write_text(FIXTURE.read_text(encoding="utf-8") + "Mashhad,IR,,,,,S9\n", encoding="utf-8")

    out = load_demo("--file", str(path))

    assert "9 cities created" in out
    assert "1 rows without a joining date left out" in out
    assert not City.objects.filter(name="Mashhad").exists()
