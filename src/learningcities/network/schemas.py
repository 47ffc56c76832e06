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
    local_name: str = Field(description="Name with its diacritics or script.", examples=["Sơn La"])
    admin_area: str = Field(description="Administrative area (province, state), if known.")
    country: str = Field(description="ISO 3166-1 alpha-2 code.", examples=["VN"])
    country_name: str = Field(description="Country name in the request's language.")
    region: str | None = Field(description=f"UNESCO region: one of {REGION_NAMES_DOC}.")
    population: int | None
    population_year: int | None = Field(description="Year of the population figure.")
    latitude: float | None
    longitude: float | None
    gazetteer_id: str = Field(examples=["geonames:1567681"])
    is_member: bool = Field(description="Whether the city is a member today.")
    joined: str | None = Field(
        description=(
            "Joining date of the current (or latest) membership, as precise as known: "
            "YYYY, YYYY-MM or YYYY-MM-DD."
        ),
        examples=["2024-02-14", "2016"],
    )
    cohort: str | None = Field(description="Name of that membership's cohort, if any.")
    url: str = Field(description="The city's public page.")
    synthetic: bool = Field(description="Generated for tests and benchmarks, not a real city.")


class MembershipOut(Schema):
    joined: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD, as precise as known.")
    precision: str = Field(description="year, month or day.")
    member_from: dt.date = Field(
        description="The day membership counts from: the last day of a partial date's period."
    )
    cohort: str | None
    cohort_id: int | None
    status: str = Field(description="active, lapsed or withdrawn.")
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
    member_count: int = Field(description="Memberships that began with this cohort.")
    countries: int = Field(description="Distinct countries of those cities.")
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
    code: str = Field(description="ISO 3166-1 alpha-2 code.", examples=["VN"])
    name: str = Field(description="Country name in the request's language.")
    region: str | None = Field(description=f"UNESCO region: one of {REGION_NAMES_DOC}.")
    unesco_status: str = Field(description="member, associate or none.")
    member_cities: int = Field(description="Its member cities today.")


class CountryPage(PageOut):
    results: list[CountryOut]
