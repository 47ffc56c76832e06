"""Pin the refusals of create_organisation, one per rule, with their codes."""

import pytest

from learningcities.accounts.domain.errors import OrganisationError
from learningcities.accounts.domain.organisations import create_organisation
from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.models import Organisation
from tests.accounts.factories import city_organisation, organisation
from tests.factories import CityFactory, country

pytestmark = pytest.mark.django_db


def test_create_organisation_city_takes_country_and_name_from_its_city():
    city = CityFactory()

    created = create_organisation(kind=OrganisationKind.CITY, city=city, actor=None)

    assert (created.name, created.country, created.city) == (str(city), city.country, city)


@pytest.mark.parametrize(
    ("arguments", "code"),
    [
        ({"kind": OrganisationKind.CITY}, "city_missing"),
        ({"kind": OrganisationKind.NATIONAL_COMMISSION, "name": "NatCom"}, "country_missing"),
        ({"kind": OrganisationKind.SECRETARIAT, "name": "  "}, "name_missing"),
    ],
)
def test_create_organisation_refuses_what_is_missing(arguments, code):
    with pytest.raises(OrganisationError) as refused:
        create_organisation(actor=None, **arguments)

    assert refused.value.code == code
    assert not Organisation.objects.exists()


def test_create_organisation_refuses_a_city_for_another_kind():
    with pytest.raises(OrganisationError) as refused:
        create_organisation(
            kind=OrganisationKind.SECRETARIAT, name="Secretariat", city=CityFactory(), actor=None
        )

    assert refused.value.code == "city_unexpected"


def test_create_organisation_refuses_a_second_organisation_of_a_city():
    first = city_organisation()

    with pytest.raises(OrganisationError) as refused:
        create_organisation(kind=OrganisationKind.CITY, city=first.city, actor=None)

    assert refused.value.code == "city_taken"


def test_create_organisation_refuses_a_second_national_commission_of_a_country():
    organisation(OrganisationKind.NATIONAL_COMMISSION, country=country("IE"))

    with pytest.raises(OrganisationError) as refused:
        create_organisation(
            kind=OrganisationKind.NATIONAL_COMMISSION,
            name="Another",
            country=country("IE"),
            actor=None,
        )

    assert refused.value.code == "country_taken"


def test_create_organisation_refuses_an_unknown_kind():
    with pytest.raises(OrganisationError, match="Unknown kind of organisation: club"):
        create_organisation(kind="club", name="Club", actor=None)
