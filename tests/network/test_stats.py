import datetime as dt

import pytest

from learningcities.network.domain.queries.stats import compute_network_stats, network_stats
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db


def test_network_stats_empty_network_counts_nothing():
    stats = compute_network_stats(dt.date(2024, 1, 1))

    assert (stats.member_cities, stats.countries, stats.population) == (0, 0, 0)
    assert stats.as_api()["by_region"] == {
        "Africa": 0,
        "Arab States": 0,
        "Asia and the Pacific": 0,
        "Europe and North America": 0,
        "Latin America and the Caribbean": 0,
    }


def test_network_stats_between_cohorts_counts_only_earlier_members():
    make_member(joined="2019-07-17", population=10, country=country("KR"))
    make_member(joined="2020-09-22", population=20, country=country("VN"))

    before = compute_network_stats(dt.date(2019, 7, 16))
    on_first = compute_network_stats(dt.date(2019, 7, 17))
    between = compute_network_stats(dt.date(2020, 9, 21))
    after = compute_network_stats(dt.date(2020, 9, 22))

    assert (before.member_cities, on_first.member_cities) == (0, 1)
    assert (between.member_cities, between.population, between.countries) == (1, 10, 1)
    assert (after.member_cities, after.population, after.countries) == (2, 30, 2)
    assert after.as_api()["by_region"]["Asia and the Pacific"] == 2


def test_network_stats_partial_dates_count_from_end_of_period():
    make_member(joined="2016", population=5)
    make_member(joined="2018-02", population=7)

    assert compute_network_stats(dt.date(2016, 12, 30)).member_cities == 0
    assert compute_network_stats(dt.date(2016, 12, 31)).member_cities == 1
    assert compute_network_stats(dt.date(2018, 2, 27)).member_cities == 1
    assert compute_network_stats(dt.date(2018, 2, 28)).member_cities == 2


def test_network_stats_lapsed_and_readmitted_city_counted_once_per_period():
    city = CityFactory(population=1000)
    make_member(city, joined="2016-01-10", ended=dt.date(2019, 1, 1))
    make_member(city, joined="2022-09-02")

    assert compute_network_stats(dt.date(2018, 12, 31)).member_cities == 1
    assert compute_network_stats(dt.date(2019, 1, 1)).member_cities == 0
    assert compute_network_stats(dt.date(2022, 9, 1)).population == 0
    now = compute_network_stats(dt.date(2025, 1, 1))
    assert (now.member_cities, now.population) == (1, 1000)
    assert city.memberships.count() == 2


def test_network_stats_unknown_population_counts_city_not_people():
    make_member(population=None)
    make_member(population=250)

    stats = compute_network_stats(dt.date(2025, 1, 1))

    assert (stats.member_cities, stats.population) == (2, 250)


def test_network_stats_cached_value_follows_a_write():
    make_member(joined="2020-01-01")
    first = network_stats(dt.date(2025, 1, 1))

    make_member(joined="2021-01-01")
    second = network_stats(dt.date(2025, 1, 1))

    assert (first.member_cities, second.member_cities) == (1, 2)
