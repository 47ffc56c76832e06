"""Schemas of the network's REST API v1 (a stable interface: see DESIGN.md)."""

import datetime as dt

from ninja import Field, Schema

from learningcities.api.pagination import PageOut

REGION_NAMES_DOC = (
    '"Africa", "Arab States", "Asia and the Pacific", "Europe and North America", '
    '"Latin America and the Caribbean"'
)


class RegionCounts(Schema):
    africa: int = Field(alias="Africa")
    arab_states: int = Field(alias="Arab States")
    asia_pacific: int = Field(alias="Asia and the Pacific")
    europe_north_america: int = Field(alias="Europe and North America")
    latin_america_caribbean: int = Field(alias="Latin America and the Caribbean")


class NetworkStatsOut(Schema):
    as_of: dt.date = Field(description="The day the figures hold for.")
    member_cities: int = Field(description="Cities that are members on that day.")
    countries: int = Field(description="Countries with at least one member city.")
    population: int = Field(
        description="Sum of the known populations of the member cities (unknown counts as 0)."
    )
    by_region: RegionCounts = Field(
        description="Member cities per UNESCO region; all five regions are always present."
    )


class CityOut(Schema):
    id: int
    name: str = Field(examples=["Son La"])
    local_name: str = Field(examples=["Sơn La"])
    admin_area: str
    country: str = Field(examples=["VN"])
    country_name: str
    region: str | None
    population: int | None
    population_year: int | None
    latitude: float | None
    longitude: float | None
    gazetteer_id: str = Field(examples=["geonames:1567681"])
    is_member: bool = Field(description="Whether the city is a member today.")
    joined: str | None = Field(examples=["2024-02-14", "2016"])
    cohort: str | None
    url: str = Field(description="The city's public page.")
    synthetic: bool = Field(description="Generated for tests and benchmarks, not a real city.")


class MembershipOut(Schema):
    joined: str
    precision: str = Field(description="year, month or day.")
    member_from: dt.date
    cohort: str | None
    cohort_id: int | None
    status: str
    ended_on: dt.date | None


class CityDetailOut(CityOut):
    memberships: list[MembershipOut] = Field(description="Every membership, oldest first.")


class CityPage(PageOut):
    results: list[CityOut]


class CohortOut(Schema):
    id: int
    name: str
    slug: str
    announced_on: dt.date
    member_count: int
    countries: int
    synthetic: bool


class CohortCityOut(Schema):
    id: int
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    region: str | None


class CohortDetailOut(CohortOut):
    cities: list[CohortCityOut] = Field(description="The cohort's cities, by name.")


class CohortPage(PageOut):
    results: list[CohortOut]


class CountryOut(Schema):
    code: str = Field(examples=["VN"])
    name: str
    region: str | None
    unesco_status: str = Field(description="member, associate or none.")
    member_cities: int


class CountryPage(PageOut):
    results: list[CountryOut]
