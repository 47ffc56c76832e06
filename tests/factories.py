"""factory_boy factories for the register. Countries come from the migrated data."""

import datetime as dt

import factory

from learningcities.network.dates import PartialDate
from learningcities.network.domain.cities import save_city
from learningcities.network.domain.cohorts import create_cohort
from learningcities.network.domain.memberships import admit_city, end_membership
from learningcities.network.models import City, Cohort, Country, Membership


def country(code: str) -> Country:
    return Country.objects.get(code=code)


class CityFactory(factory.django.DjangoModelFactory):
    """A city created through the domain, in an existing country (default: Germany)."""

    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"Testcity {n}")
    country = factory.LazyFunction(lambda: Country.objects.get(code="DE"))
    population = 100_000
    latitude = 50.0
    longitude = 8.0

    @classmethod
    def _create(cls, model_class, *args, country, name, **kwargs):
        city, _changed = save_city(country=country, name=name, **kwargs)
        return city


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n}")
    announced_on = dt.date(2020, 9, 22)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return create_cohort(**kwargs)


def make_member(
    city: City | None = None,
    *,
    joined: str = "2020-09-22",
    cohort: Cohort | None = None,
    ended: dt.date | None = None,
    status: str = "lapsed",
    **city_fields,
) -> Membership:
    """Create (if needed) a city and admit it on ``joined``; end it on ``ended`` if given."""
    city = city or CityFactory(**city_fields)
    membership = admit_city(city, joined=PartialDate.parse(joined), cohort=cohort)
    if ended:
        membership = end_membership(membership, status=status, ended_on=ended)
    return membership
