import datetime as dt

import pytest
from django.db import transaction

from learningcities.common.models import ActivityLogEntry
from learningcities.network.dates import PartialDate
from learningcities.network.domain.cities import save_city
from learningcities.network.domain.memberships import admit_city, end_membership
from learningcities.network.exceptions import NetworkError
from learningcities.network.models import City
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db


def test_save_city_records_creation_and_changed_fields_only():
    city, _ = save_city(country=country("IE"), name="Cork", population=200)
    save_city(country=country("IE"), name="Cork", population=224004, city=city)

    entries = list(
        ActivityLogEntry.objects.filter(
            object_id=str(city.pk), action__startswith="network.city"
        ).order_by("pk")
    )

    assert [e.action for e in entries] == ["network.city.create", "network.city.update"]
    assert entries[1].changes == {"population": [200, 224004]}
    assert entries[1].object_repr == "Cork"


def test_save_city_without_changes_records_nothing():
    city, _ = save_city(country=country("IE"), name="Cork", population=200)
    count = ActivityLogEntry.objects.count()

    save_city(country=country("IE"), name="Cork", population=200, city=city)

    assert ActivityLogEntry.objects.count() == count


def test_admit_and_end_membership_record_the_transition():
    membership = make_member(joined="2019-07-17")
    end_membership(membership, status="lapsed", ended_on=dt.date(2022, 1, 1))

    actions = list(
        ActivityLogEntry.objects.filter(
            object_id=str(membership.pk), action__startswith="network.membership"
        )
        .order_by("pk")
        .values_list("action", "changes")
    )

    assert actions[0][0] == "network.membership.admit"
    assert actions[1] == (
        "network.membership.end",
        {"status": ["active", "lapsed"], "ended_on": [None, "2022-01-01"]},
    )


def test_failed_write_leaves_neither_change_nor_log_entry():
    city = CityFactory(name="Aswan", country=country("EG"))
    admit_city(city, joined=PartialDate.parse("2016"))
    entries = ActivityLogEntry.objects.count()

    def update_then_readmit():
        with transaction.atomic():
            save_city(country=city.country, name="Aswan", population=1_500_000, city=city)
            admit_city(city, joined=PartialDate.parse("2020"))  # refused: already a member

    with pytest.raises(NetworkError, match="already a member"):
        update_then_readmit()

    city.refresh_from_db()
    assert city.population == 100_000
    assert ActivityLogEntry.objects.count() == entries
    assert City.objects.get(pk=city.pk).memberships.count() == 1
