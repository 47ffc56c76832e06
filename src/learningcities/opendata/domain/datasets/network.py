"""The register's datasets: member cities, their membership periods, countries, cohorts."""

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcities.network.dates import format_partial_iso
from learningcities.network.domain.queries.api import (
    annotate_current_membership,
    cohorts_for_api,
    countries_for_api,
)
from learningcities.network.domain.queries.directory import cities_for_public
from learningcities.network.domain.queries.revision import current_revision
from learningcities.network.domain.queries.stats import memberships_active_on
from learningcities.network.enums import MembershipStatus, Region
from learningcities.network.models import Membership
from learningcities.network.models.countries import localised_country_name

from .base import Dataset, Field, register


def register_revision() -> str:
    """The register's revision and the day (who is a member depends on the date)."""
    return f"{current_revision()}-{timezone.localdate().isoformat()}"


def _region_name(code: str) -> str:
    return str(Region(code).label) if code in Region.values else ""


REGIONS = tuple(Region.values)

COUNTRY_CODE = Field(
    "country_code",
    "string",
    _("Country code"),
    _("The country's ISO 3166-1 alpha-2 code."),
    required=True,
)
COUNTRY = Field("country", "string", _("Country"), _("The country's name."), required=True)
REGION = Field(
    "region",
    "string",
    _("UNESCO region code"),
    _("The UNESCO region of the country, by its code."),
    enum=REGIONS,
)
REGION_NAME = Field("region_name", "string", _("UNESCO region"), _("The region's name."))
CITY_ID = Field(
    "city_id", "integer", _("City id"), _("The city (see member-cities)."), required=True
)
CITY = Field("city", "string", _("City"), _("The city's name in English."), required=True)

# Standing today: a member, a member on hold (its progress report is overdue),
# a former member, or admitted from a later date.
STANDINGS = ("member", "on_hold", "former_member", "admitted")


def _standing(row) -> str:
    if row["is_member"]:
        return "on_hold" if row["on_hold"] else "member"
    if row["latest_joined_on"] and row["latest_member_from"] > timezone.localdate():
        return "admitted"
    return "former_member"


def _member_cities():
    today = timezone.localdate()
    latest = Membership.objects.filter(city=OuterRef("pk")).order_by("-member_from", "-pk")
    cities = (
        annotate_current_membership(cities_for_public(), today=today)
        .annotate(
            on_hold=Exists(
                memberships_active_on(today).filter(
                    city=OuterRef("pk"), on_hold_since__isnull=False
                )
            ),
            latest_member_from=Subquery(latest.values("member_from")[:1]),
        )
        .order_by("pk")
        .values(
            "pk",
            "name",
            "local_name",
            "admin_area",
            "country_id",
            "country__region",
            "population",
            "population_year",
            "latitude",
            "longitude",
            "website",
            "is_member",
            "on_hold",
            "latest_joined_on",
            "latest_joined_precision",
            "latest_member_from",
            "latest_cohort_name",
        )
    )
    for row in cities.iterator(chunk_size=2000):
        yield {
            "id": row["pk"],
            "name": row["name"],
            "local_name": row["local_name"],
            "admin_area": row["admin_area"],
            "country_code": row["country_id"],
            "country": localised_country_name(row["country_id"]),
            "region": row["country__region"],
            "region_name": _region_name(row["country__region"]),
            "population": row["population"],
            "population_year": row["population_year"],
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "standing": _standing(row),
            "joined": (
                format_partial_iso(row["latest_joined_on"], row["latest_joined_precision"])
                if row["latest_joined_on"]
                else ""
            ),
            "cohort": row["latest_cohort_name"] or "",
            "website": row["website"],
        }


register(
    Dataset(
        name="member-cities",
        title=_("Member cities"),
        description=_(
            "Every city admitted to the network, ever: current members, members on hold, "
            "former members and cities admitted from a later date, with their country, "
            "population, location and latest membership."
        ),
        fields=(
            Field("id", "integer", _("Id"), _("The city's number in the register."), required=True),
            Field("name", "string", _("Name"), _("The city's name in English."), required=True),
            Field("local_name", "string", _("Local name"), _("The city's name in its language.")),
            Field(
                "admin_area",
                "string",
                _("Administrative area"),
                _("The province, state or region the city belongs to."),
            ),
            COUNTRY_CODE,
            COUNTRY,
            REGION,
            REGION_NAME,
            Field(
                "population",
                "integer",
                _("Population"),
                _("The city's population, as last reported."),
                unit=_("inhabitants"),
            ),
            Field(
                "population_year",
                "year",
                _("Population year"),
                _("The year the population figure refers to."),
            ),
            Field(
                "latitude",
                "number",
                _("Latitude"),
                _("The city's latitude (WGS 84)."),
                unit=_("decimal degrees"),
            ),
            Field(
                "longitude",
                "number",
                _("Longitude"),
                _("The city's longitude (WGS 84)."),
                unit=_("decimal degrees"),
            ),
            Field(
                "standing",
                "string",
                _("Standing"),
                _(
                    "Today: member; on_hold (a member whose progress report is overdue); "
                    "former_member; admitted (a member from a later date)."
                ),
                required=True,
                enum=STANDINGS,
            ),
            Field(
                "joined",
                "string",
                _("Joined"),
                _("When the latest membership began: a year, a month (YYYY-MM) or a day."),
            ),
            Field("cohort", "string", _("Cohort"), _("The cohort of the latest membership.")),
            Field("website", "string", _("Website"), _("The city's website.")),
        ),
        rows=_member_cities,
        revision=register_revision,
        primary_key=("id",),
        keywords=("learning cities", "UNESCO", "GNLC", "cities"),
        geometry=("latitude", "longitude"),
    )
)


def _memberships():
    rows = (
        Membership.objects.filter(city__in=cities_for_public())
        .order_by("city_id", "member_from", "pk")
        .values(
            "pk",
            "city_id",
            "city__name",
            "city__country_id",
            "joined_on",
            "joined_precision",
            "member_from",
            "cohort__name",
            "status",
            "ended_on",
            "on_hold_since",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        yield {
            "id": row["pk"],
            "city_id": row["city_id"],
            "city": row["city__name"],
            "country_code": row["city__country_id"],
            "joined": format_partial_iso(row["joined_on"], row["joined_precision"]),
            "member_from": row["member_from"],
            "cohort": row["cohort__name"] or "",
            "status": row["status"],
            "ended_on": row["ended_on"],
            "on_hold_since": row["on_hold_since"],
        }


register(
    Dataset(
        name="memberships",
        title=_("Membership periods"),
        description=_(
            "One row per membership period of each city: when it began, from which "
            "cohort, and whether and when it ended (a city that rejoined has a row per "
            "period). The network's statistics as of any date count these periods."
        ),
        fields=(
            Field("id", "integer", _("Id"), _("The period's number."), required=True),
            CITY_ID,
            CITY,
            COUNTRY_CODE,
            Field(
                "joined",
                "string",
                _("Joined"),
                _("When the period began, as precisely as known: YYYY, YYYY-MM or YYYY-MM-DD."),
                required=True,
            ),
            Field(
                "member_from",
                "date",
                _("Member from"),
                _("The day from which the city counts as a member (the end of a partial date)."),
                required=True,
            ),
            Field("cohort", "string", _("Cohort"), _("The cohort the city was admitted with.")),
            Field(
                "status",
                "string",
                _("Status"),
                _("active, lapsed (it stopped reporting) or withdrawn."),
                required=True,
                enum=tuple(MembershipStatus.values),
            ),
            Field("ended_on", "date", _("Ended on"), _("The day the period ended, if it did.")),
            Field(
                "on_hold_since",
                "date",
                _("On hold since"),
                _("The day an overdue progress report put the membership on hold."),
            ),
        ),
        rows=_memberships,
        revision=register_revision,
        primary_key=("id",),
        keywords=("learning cities", "membership"),
    )
)


def _countries():
    for country in countries_for_api(today=timezone.localdate()).iterator():
        yield {
            "code": country.code,
            "name": localised_country_name(country.code),
            "region": country.region,
            "region_name": _region_name(country.region),
            "member_cities": country.member_cities,
        }


register(
    Dataset(
        name="countries",
        title=_("Countries"),
        description=_(
            "Every country with its UNESCO region and the number of its cities that are "
            "members today."
        ),
        fields=(
            Field("code", "string", _("Code"), _("ISO 3166-1 alpha-2 code."), required=True),
            Field("name", "string", _("Name"), _("The country's name."), required=True),
            REGION,
            REGION_NAME,
            Field(
                "member_cities",
                "integer",
                _("Member cities"),
                _("How many of its cities are members today."),
                unit=_("cities"),
                required=True,
            ),
        ),
        rows=_countries,
        revision=register_revision,
        primary_key=("code",),
        keywords=("countries", "UNESCO regions"),
    )
)


def _cohorts():
    for cohort in cohorts_for_api().iterator():
        yield {
            "slug": cohort.slug,
            "name": cohort.name,
            "announced_on": cohort.announced_on,
            "member_count": cohort.member_count,
            "country_count": cohort.country_count,
        }


register(
    Dataset(
        name="cohorts",
        title=_("Cohorts"),
        description=_("The cohorts of cities admitted together, with their size."),
        fields=(
            Field("slug", "string", _("Slug"), _("The cohort's short name."), required=True),
            Field("name", "string", _("Name"), _("The cohort's name."), required=True),
            Field(
                "announced_on",
                "date",
                _("Announced on"),
                _("The day it was announced."),
                required=True,
            ),
            Field(
                "member_count",
                "integer",
                _("Cities"),
                _("How many cities were admitted with it."),
                unit=_("cities"),
            ),
            Field(
                "country_count",
                "integer",
                _("Countries"),
                _("How many countries those cities are in."),
                unit=_("countries"),
            ),
        ),
        rows=_cohorts,
        revision=register_revision,
        primary_key=("slug",),
        keywords=("cohorts",),
    )
)
