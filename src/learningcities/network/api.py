"""REST API v1 of the network: statistics, cities, cohorts and countries (read-only, public).

Every answer is computed once per register revision (and day, host and
language) and then served from the cache, so a list costs two or three
queries when computed and one (the revision) when served.
"""

import re
from typing import Annotated

import pycountry
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.errors import HttpError
from pydantic import WithJsonSchema

from learningcities.api.errors import REFUSALS, NotFoundOut, invalid_parameter
from learningcities.api.pagination import (
    DEFAULT_PAGE_SIZE,
    PageCursor,
    PageNumber,
    PageSize,
    paginate,
)
from learningcities.common.text import fold

from .dates import PartialDateError, as_of_problem, format_partial_iso, parse_iso_day
from .domain.queries.api import (
    cities_for_api,
    cities_for_cohort,
    city_for_api,
    city_page_for_api,
    cohorts_for_api,
    countries_for_api,
    memberships_for_city,
)
from .domain.queries.stats import network_stats
from .enums import REGION_API_NAMES, Region
from .interfaces.api_cache import cached_json_response
from .models import City, Cohort, Country
from .schemas import (
    CityDetailOut,
    CityPage,
    CohortDetailOut,
    CohortPage,
    CountryPage,
    NetworkStatsOut,
)

router = Router(tags=["network"])

MAX_ID = 2**63 - 1  # the largest key a BigAutoField holds
_COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")
_REGIONS_BY_FOLDED_NAME = {
    **{fold(name): region for region, name in REGION_API_NAMES.items()},
    **{fold(region.value): region for region in Region},
}
_REGION_PARAM_DOC = (
    "UNESCO region, by its name or its code (case ignored): "
    + ", ".join(f'"{name}" ({region.value})' for region, name in REGION_API_NAMES.items())
    + "; empty: no filter; anything else is refused."
)
_ERRORS_AND_404 = {**REFUSALS, 404: NotFoundOut}

# A query string has no null: an optional parameter is absent or has a value.
# Each is documented as that value in the form the handler accepts (pydantic
# would say "a string, or null"), so clients and generated tests know it; an
# empty value counts as absent, as a form left blank sends it. Their Query()
# repeats the default None: with a type that carries its own schema, pydantic
# would otherwise take the parameter for a required one.
_EMPTY = {"type": "string", "enum": [""]}
AsOfParam = Annotated[
    str | None,
    WithJsonSchema(
        {
            "anyOf": [
                # The pattern holds the years statistics may be asked for (as_of_problem).
                {
                    "type": "string",
                    "format": "date",
                    "pattern": r"^(19\d\d|20\d\d|2100)-\d\d-\d\d$",
                },
                _EMPTY,
            ]
        }
    ),
]
# The codes of the countries table: pycountry's list, synchronised on every
# migrate. An enum rather than a two-letter pattern, as a code no country has
# (ZZ) is refused too; lower case is accepted as well ("case ignored").
_ISO_COUNTRY_CODES = sorted(entry.alpha_2 for entry in pycountry.countries)
CountryParam = Annotated[
    str | None, WithJsonSchema({"type": "string", "enum": [*_ISO_COUNTRY_CODES, ""]})
]
RegionParam = Annotated[
    str | None,
    WithJsonSchema(
        {
            "type": "string",
            "enum": [*REGION_API_NAMES.values(), *(region.value for region in Region), ""],
        }
    ),
]
SearchParam = Annotated[str | None, WithJsonSchema({"type": "string", "maxLength": 200})]
FlagParam = Annotated[bool | None, WithJsonSchema({"type": "boolean"})]


# Parameters ------------------------------------------------------------------


def _country_code(value: str | None) -> str | None:
    """Return ``value`` as an upper-case alpha-2 code, refusing anything else."""
    if value is None or not value.strip():
        return None
    code = value.strip()
    if not _COUNTRY_CODE.match(code):
        raise invalid_parameter(
            "query",
            "country",
            _("“%(value)s” is not an ISO 3166-1 alpha-2 code such as VN or DE.")
            % {"value": code[:50]},
        )
    return code.upper()


def _require_country_exists(code: str | None) -> None:
    if code and not Country.objects.filter(pk=code).exists():
        raise invalid_parameter(
            "query", "country", _("There is no country with the code %(code)s.") % {"code": code}
        )


def _region(value: str | None) -> Region | None:
    """Return the region named by its API name or its code, refusing unknown names."""
    if value is None or not value.strip():
        return None
    region = _REGIONS_BY_FOLDED_NAME.get(fold(value))
    if region is None:
        raise invalid_parameter(
            "query",
            "region",
            _("“%(value)s” is not a UNESCO region; use one of %(names)s.")
            % {"value": value[:100], "names": ", ".join(REGION_API_NAMES.values())},
        )
    return region


def _search_words(value: str | None) -> list[str]:
    return fold(value or "").split()


# Items -------------------------------------------------------------------------


def _region_name(code: str) -> str | None:
    return REGION_API_NAMES.get(code) if code else None


def _city_url(request: HttpRequest, pk: int) -> str:
    try:
        path = reverse("network:city", kwargs={"pk": pk})
    except NoReverseMatch:  # the public city page is not wired (yet)
        path = f"/cities/{pk}/"
    return request.build_absolute_uri(path)


def _city_item(request: HttpRequest, city: City) -> dict:
    joined = (
        format_partial_iso(city.latest_joined_on, city.latest_joined_precision)
        if city.latest_joined_on
        else None
    )
    return {
        "id": city.pk,
        "name": city.name,
        "local_name": city.local_name,
        "admin_area": city.admin_area,
        "country": city.country_id,
        "country_name": city.country.display_name,
        "region": _region_name(city.country.region),
        "population": city.population,
        "population_year": city.population_year,
        "latitude": city.latitude,
        "longitude": city.longitude,
        "gazetteer_id": city.gazetteer_id,
        "is_member": city.is_member,
        "joined": joined,
        "cohort": city.latest_cohort_name,
        "url": _city_url(request, city.pk),
        "synthetic": city.is_synthetic,
    }


def _cohort_item(cohort: Cohort) -> dict:
    return {
        "id": cohort.pk,
        "name": cohort.name,
        "slug": cohort.slug,
        "announced_on": cohort.announced_on,
        "member_count": cohort.member_count,
        "countries": cohort.country_count,
        "synthetic": cohort.is_synthetic,
    }


def _country_item(country: Country) -> dict:
    return {
        "code": country.code,
        "name": country.display_name,
        "region": _region_name(country.region),
        "unesco_status": country.unesco_status,
        "member_cities": country.member_cities,
    }


# Endpoints ---------------------------------------------------------------------


@router.get(
    "/network/stats",
    response={200: NetworkStatsOut, **REFUSALS},
    by_alias=True,
    summary="Network statistics on a date",
    description=(
        "Member cities, countries, population reached and member cities per UNESCO region "
        "on `as_of`. A membership counts from the last day of the period its joining date "
        "names (2016 counts from 2016-12-31) until the day before it ended."
    ),
    operation_id="network_stats",
)
def get_network_stats(
    request: HttpRequest,
    as_of: Annotated[
        AsOfParam,
        Query(
            None,
            description=(
                "The day to count on, YYYY-MM-DD, from 1900-01-01 to 2100-12-31 "
                "(absent or empty: today)."
            ),
            example="2024-02-14",
        ),
    ] = None,
) -> HttpResponse:
    today = timezone.localdate()
    if as_of is None or as_of == "":
        day = today
    else:
        # Parsed here, not by pydantic, whose lax mode takes 0 or 1699920000 for a date.
        try:
            day = parse_iso_day(as_of)
        except PartialDateError as error:
            raise invalid_parameter("query", "as_of", str(error)) from None
        if problem := as_of_problem(day, today):
            raise invalid_parameter("query", "as_of", problem)
    return cached_json_response(
        request,
        {"as_of": day.isoformat()},
        lambda: NetworkStatsOut.model_validate(network_stats(day).as_api()),
    )


@router.get(
    "/cities",
    response={200: CityPage, **REFUSALS},
    summary="Cities",
    description=(
        "The cities that are or have been members of the network, by name, in pages: "
        "current members, former members, and cities admitted from a later date. A city "
        "that has only applied to a call is never listed. Filters combine (all must hold)."
    ),
    operation_id="list_cities",
)
def list_cities(
    request: HttpRequest,
    country: Annotated[
        CountryParam,
        Query(
            None,
            description=(
                "ISO 3166-1 alpha-2 code of the country (case ignored; empty: no filter); "
                "a code no country has is refused."
            ),
            example="VN",
            max_length=10,
        ),
    ] = None,
    region: Annotated[
        RegionParam,
        Query(None, description=_REGION_PARAM_DOC, example="Arab States", max_length=100),
    ] = None,
    q: Annotated[
        SearchParam,
        Query(
            None,
            description=(
                "Text search in name, local name, administrative area and country; case and "
                "diacritics ignored, every word must match (`son la` finds Sơn La)."
            ),
            example="son la",
            max_length=200,
        ),
    ] = None,
    member: Annotated[
        FlagParam,
        Query(
            None,
            description=(
                "`true`: only cities that are members today; `false`: only former members "
                "(and cities admitted from a later date), never a city that has only applied. "
                "Absent: both."
            ),
            example=True,
        ),
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> HttpResponse:
    code = _country_code(country)
    region_code = _region(region)
    words = _search_words(q)
    params = {
        key: value
        for key, value in {
            "country": code,
            "region": region_code.value if region_code else None,
            "q": " ".join(words) or None,
            "member": None if member is None else str(member).lower(),
        }.items()
        if value is not None
    }

    def build() -> CityPage:
        _require_country_exists(code)
        today = timezone.localdate()
        cities = cities_for_api(
            today=today, country=code, region=region_code, words=words, member=member
        )
        return CityPage.model_validate(
            paginate(
                request,
                cities,
                params=params,
                page=page,
                page_size=page_size,
                cursor=cursor,
                prepare=lambda qs: city_page_for_api(qs, today=today),
                item=lambda city: _city_item(request, city),
            )
        )

    return cached_json_response(
        request, {**params, "page": page, "page_size": page_size, "cursor": cursor}, build
    )


@router.get(
    "/cities/{id}",
    response={200: CityDetailOut, **_ERRORS_AND_404},
    summary="One city",
    description=(
        "A city as in the list, with every membership it has had. A city that is not in "
        "the list (one that has only applied) answers 404, as a missing id does."
    ),
    operation_id="get_city",
)
def get_city(
    request: HttpRequest,
    id: Annotated[int, Path(ge=1, le=MAX_ID, description="The city's id.", example=1)],
) -> HttpResponse:
    def build() -> CityDetailOut:
        today = timezone.localdate()
        city = city_for_api(id, today=today)
        if city is None:
            raise HttpError(404, _("There is no city with the id %(id)s.") % {"id": id})
        memberships = [
            {
                "joined": m.joined_iso,
                "precision": m.joined_precision,
                "member_from": m.member_from,
                "cohort": m.cohort.name if m.cohort else None,
                "cohort_id": m.cohort_id,
                "status": m.status,
                "ended_on": m.ended_on,
            }
            for m in memberships_for_city(city)
        ]
        return CityDetailOut.model_validate(
            {**_city_item(request, city), "memberships": memberships}
        )

    return cached_json_response(request, {}, build)


@router.get(
    "/cohorts",
    response={200: CohortPage, **REFUSALS},
    summary="Cohorts",
    description="Cohorts of cities admitted together, newest first, in pages.",
    operation_id="list_cohorts",
)
def list_cohorts(
    request: HttpRequest,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> HttpResponse:
    def build() -> CohortPage:
        return CohortPage.model_validate(
            paginate(
                request,
                cohorts_for_api(),
                params={},
                page=page,
                page_size=page_size,
                cursor=cursor,
                item=_cohort_item,
            )
        )

    return cached_json_response(
        request, {"page": page, "page_size": page_size, "cursor": cursor}, build
    )


@router.get(
    "/cohorts/{id}",
    response={200: CohortDetailOut, **_ERRORS_AND_404},
    summary="One cohort",
    description="A cohort with its cities, by name.",
    operation_id="get_cohort",
)
def get_cohort(
    request: HttpRequest,
    id: Annotated[int, Path(ge=1, le=MAX_ID, description="The cohort's id.", example=1)],
) -> HttpResponse:
    def build() -> CohortDetailOut:
        cohort = cohorts_for_api().filter(pk=id).first()
        if cohort is None:
            raise HttpError(404, _("There is no cohort with the id %(id)s.") % {"id": id})
        cities = [
            {
                "id": city.pk,
                "name": city.name,
                "country": city.country_id,
                "region": _region_name(city.country.region),
            }
            for city in cities_for_cohort(cohort)
        ]
        return CohortDetailOut.model_validate({**_cohort_item(cohort), "cities": cities})

    return cached_json_response(request, {}, build)


@router.get(
    "/countries",
    response={200: CountryPage, **REFUSALS},
    summary="Countries",
    description=(
        "Countries and territories (ISO 3166-1) with their UNESCO status and region and "
        "their member cities today, by English name, in pages."
    ),
    operation_id="list_countries",
)
def list_countries(
    request: HttpRequest,
    region: Annotated[
        RegionParam,
        Query(None, description=_REGION_PARAM_DOC, example="Africa", max_length=100),
    ] = None,
    member: Annotated[
        FlagParam,
        Query(
            None,
            description=(
                "`true`: only countries with a member city today; `false`: only those without."
            ),
            example=True,
        ),
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
) -> HttpResponse:
    region_code = _region(region)
    params = {
        key: value
        for key, value in {
            "region": region_code.value if region_code else None,
            "member": None if member is None else str(member).lower(),
        }.items()
        if value is not None
    }

    def build() -> CountryPage:
        return CountryPage.model_validate(
            paginate(
                request,
                countries_for_api(today=timezone.localdate(), region=region_code, member=member),
                params=params,
                page=page,
                page_size=page_size,
                cursor=cursor,
                item=_country_item,
            )
        )

    return cached_json_response(
        request, {**params, "page": page, "page_size": page_size, "cursor": cursor}, build
    )
