"""Pages of the register: a city, the countries, a country, the cohorts, a cohort."""

from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_safe

from learningcities.common.collation import sorted_by

from ..domain.city_sections import built_sections, sections_revision
from ..domain.queries.directory import (
    city_for_public,
    cohorts_for_public,
    countries_for_public,
    memberships_for_cohort,
    memberships_for_country,
)
from ..enums import MembershipStatus, Region
from ..models import Cohort, Country
from ..models.cities import City
from .caching import Page, cached_page


def region_label(region: str) -> str:
    return str(Region(region).label) if region in Region.values else ""


def coordinates_text(city: City) -> dict | None:
    """Return the city's coordinates as absolute degrees with their hemispheres."""
    if not city.has_location:
        return None
    return {
        "lat": abs(city.latitude),
        "lon": abs(city.longitude),
        "north": city.latitude >= 0,
        "east": city.longitude >= 0,
    }


def build_city(pk: int) -> Page:
    city = city_for_public(pk)
    if city is None:
        raise Http404
    today = timezone.localdate()
    history = city.membership_history
    current = next((m for m in history if _member_on(m, today)), None)
    return (
        "network/city.html",
        {
            "city": city,
            "history": history,
            "current": current,
            "upcoming": [m for m in history if m.member_from > today],
            "coordinates": coordinates_text(city),
            # The link shows the site's host: a full address may not fit a phone.
            "website_host": urlsplit(city.website).hostname or city.website,
            "region": region_label(city.country.region),
            "active": MembershipStatus.ACTIVE,
            # What other apps show of the city (domain.city_sections).
            "sections": built_sections(city),
        },
    )


@require_safe
def city_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a city: where it is, how many live there, its memberships."""
    return cached_page(request, f"city|{sections_revision()}", lambda: build_city(pk))


def build_countries() -> Page:
    grouped = countries_for_public()
    regions = [
        {
            "value": region,
            "label": region_label(region),
            "countries": summaries,
            "current": sum(s.current_members for s in summaries),
            "former": sum(s.former_members for s in summaries),
        }
        for region, summaries in grouped.items()
    ]
    return (
        "network/countries.html",
        {
            "regions": regions,
            "country_count": sum(len(r["countries"]) for r in regions),
            "current_total": sum(r["current"] for r in regions),
        },
    )


@require_safe
def countries(request: HttpRequest) -> HttpResponse:
    """List the countries with member cities, grouped by region, with counts."""
    return cached_page(request, "countries", build_countries)


def _latest_memberships(memberships) -> list:
    """Return one membership per city (its latest), by city name in the active language.

    The timeline keeps every joining.
    """
    latest: dict[int, object] = {}
    for membership in memberships:
        latest[membership.city_id] = membership
    return sorted_by(latest.values(), lambda membership: membership.city.name)


def _member_on(membership, day) -> bool:
    return membership.member_from <= day and (
        membership.ended_on is None or membership.ended_on > day
    )


def _timeline(memberships) -> list[dict]:
    """Return the joinings grouped by cohort (or by date when there is no cohort), in order."""
    timeline: list[dict] = []
    for membership in memberships:
        key = (membership.cohort_id, membership.joined_on, membership.joined_precision)
        if timeline and timeline[-1]["key"] == key:
            timeline[-1]["memberships"].append(membership)
        else:
            timeline.append({"key": key, "first": membership, "memberships": [membership]})
    return timeline


def build_country(code: str) -> Page:
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise Http404
    country = get_object_or_404(Country, pk=code.upper())
    today = timezone.localdate()
    memberships = memberships_for_country(country)
    cities = _latest_memberships(memberships)
    current = [m for m in cities if _member_on(m, today)]
    timeline = _timeline(memberships)
    return (
        "network/country.html",
        {
            "country": country,
            "region": region_label(country.region),
            "cities": cities,
            "current_count": len(current),
            "former_count": len(cities) - len(current),
            "timeline": timeline,
            "today": today,
        },
    )


@require_safe
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show a country's member cities and when they joined."""
    if code != code.lower():
        # The API gives codes in upper case (FR); its links should still land here.
        if len(code) == 2 and code.isalpha():
            return redirect("network:country", code=code.lower(), permanent=True)
        raise Http404
    return cached_page(request, "country", lambda: build_country(code))


def build_cohorts() -> Page:
    cohorts = cohorts_for_public()
    return ("network/cohorts.html", {"cohorts": cohorts})


@require_safe
def cohorts(request: HttpRequest) -> HttpResponse:
    """List every cohort with its date and how many cities it admitted."""
    return cached_page(request, "cohorts", build_cohorts)


def _by_region_and_country(memberships) -> list[dict]:
    """Return the memberships (ordered by region and country) grouped by region, then country.

    Each region has its label and the count of its memberships.
    """
    regions: list[dict] = []
    for membership in memberships:
        country = membership.city.country
        if not regions or regions[-1]["value"] != country.region:
            regions.append(
                {"value": country.region, "label": region_label(country.region), "countries": []}
            )
        countries = regions[-1]["countries"]
        if not countries or countries[-1]["country"].pk != country.pk:
            countries.append({"country": country, "memberships": []})
        countries[-1]["memberships"].append(membership)
    for region in regions:
        region["count"] = sum(len(c["memberships"]) for c in region["countries"])
    return regions


def build_cohort(slug: str) -> Page:
    cohort = get_object_or_404(Cohort, slug=slug)
    memberships = memberships_for_cohort(cohort)
    regions = _by_region_and_country(memberships)
    return (
        "network/cohort.html",
        {
            "cohort": cohort,
            "regions": regions,
            "city_count": len(memberships),
            "country_count": len({m.city.country_id for m in memberships}),
        },
    )


@require_safe
def cohort_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a cohort's cities by region, then country."""
    return cached_page(request, "cohort", lambda: build_cohort(slug))
