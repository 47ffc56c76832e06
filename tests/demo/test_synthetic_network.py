import datetime as dt
import io
import time

import pytest
from django.core.management import call_command

from learningcities.demo.domain.synthetic_network import generate_network
from learningcities.network.domain.queries.revision import current_revision
from learningcities.network.domain.queries.stats import compute_network_stats
from learningcities.network.enums import REGION_API_NAMES, MembershipStatus
from learningcities.network.models import City, Cohort, Membership
from tests.factories import country, make_member

pytestmark = pytest.mark.django_db


def snapshot():
    cities = list(
        City.objects.order_by("pk").values_list(
            "name", "country_id", "latitude", "longitude", "population"
        )
    )
    memberships = list(
        Membership.objects.order_by("pk").values_list(
            "city__name", "joined_on", "joined_precision", "status", "ended_on", "cohort__name"
        )
    )
    return cities, memberships


def generate(*options) -> str:
    out = io.StringIO()
    call_command("generate-network", *options, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_generate_network_same_seed_same_data():
    generate("--cities", "300", "--seed", "7")
    first = snapshot()

    generate("--cities", "300", "--seed", "7", "--replace")

    assert snapshot() == first
    assert City.objects.count() == 300


def test_generate_network_other_seed_other_data():
    generate("--cities", "50", "--seed", "1")
    first = snapshot()

    generate("--cities", "50", "--seed", "2", "--replace")

    assert snapshot()[0] != first[0]


def test_generate_network_marked_synthetic_in_all_regions():
    generate("--cities", "200", "--seed", "3", "--cohorts", "4")

    assert City.objects.filter(is_synthetic=False).count() == 0
    assert all(name.endswith("(synthetic)") for name in City.objects.values_list("name", flat=True))
    assert Cohort.objects.filter(is_synthetic=True).count() == 4
    assert Cohort.objects.filter(name__startswith="Synthetic cohort").count() == 4
    regions = set(City.objects.values_list("country__region", flat=True))
    assert len(regions) == len(REGION_API_NAMES)
    assert City.objects.filter(latitude__isnull=True).count() == 0


def test_generate_network_has_lapsed_and_readmitted_members():
    generate("--cities", "500", "--seed", "11")

    lapsed = Membership.objects.filter(status=MembershipStatus.LAPSED).count()
    readmitted = City.objects.filter(memberships__status=MembershipStatus.LAPSED).filter(
        memberships__status=MembershipStatus.ACTIVE
    )
    assert lapsed > 0
    assert readmitted.exists()


def test_generate_network_keeps_real_cities_and_bumps_revision_once():
    real = make_member(name="Cork", country=country("IE")).city
    revision = current_revision()

    generate("--cities", "20", "--seed", "5")
    generate("--cities", "20", "--seed", "5", "--replace")

    assert current_revision() == revision + 2
    assert City.objects.filter(is_synthetic=False).get() == real
    assert City.objects.filter(is_synthetic=True).count() == 20


def test_generate_network_keeps_search_fields_like_save_city():
    generate("--cities", "5", "--seed", "9")

    city = City.objects.select_related("country").first()
    assert city.name_folded == city.name.lower().replace("(", "").replace(")", "").strip()
    assert city.country.code.lower() in city.search_text.split()


def test_generate_network_stats_equal_independent_count():
    generate_network(cities=400, seed=21, cohorts=6)
    memberships = list(
        Membership.objects.values_list(
            "city_id", "member_from", "ended_on", "city__country_id", "city__population"
        )
    )

    for as_of in (dt.date(2017, 12, 31), dt.date(2020, 6, 1), dt.date(2026, 1, 1)):
        members = {
            city: (country_code, population)
            for city, start, end, country_code, population in memberships
            if start <= as_of and (end is None or end > as_of)
        }
        stats = compute_network_stats(as_of)
        assert stats.member_cities == len(members)
        assert stats.countries == len({c for c, _p in members.values()})
        assert stats.population == sum(p for _c, p in members.values())


def test_generate_network_ten_thousand_cities_fast():
    started = time.monotonic()

    generate_network(cities=10_000, seed=1)

    assert time.monotonic() - started < 30
    assert City.objects.count() == 10_000
