"""What the secretariat learns from an event's participants: who came, from where, as what.

A participant is a confirmed registration; one who came has also been checked
in. Counts go by country, UNESCO region (the country's), category and city,
from one grouped query; a country "without a member city" is one none of whose
cities was a member of the network on the event's first day (a city admitted
later does not count: the event is what may bring it in). Those participants
are the prospects of the next membership call (``prospects_for_event``).
"""

import datetime as dt
from dataclasses import dataclass, field

import rules
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from learningcities.common.text import fold
from learningcities.common.translated import shown
from learningcities.network.domain.queries.stats import memberships_active_on
from learningcities.network.enums import Region
from learningcities.network.models.countries import localised_country_name

from ...enums import EventStatus, RegistrationStatus
from ...models import Event, ParticipantCategory, Registration

NO_REGION = ""


@dataclass
class Tally:
    """One line of a breakdown: what it counts (``key``, ``label``) and how many."""

    key: str
    label: str
    participants: int = 0
    came: int = 0
    note: str = ""
    region: str = ""
    country: str = ""

    def add(self, participants: int, came: int) -> None:
        self.participants += participants
        self.came += came


@dataclass
class EventStatistics:
    """The breakdowns of an event's participants, each sorted by participants, then label."""

    event: Event
    as_of: dt.date
    shows_came: bool
    participants: int = 0
    came: int = 0
    countries: int = 0
    by_country: list[Tally] = field(default_factory=list)
    by_region: list[Tally] = field(default_factory=list)
    by_category: list[Tally] = field(default_factory=list)
    by_city: list[Tally] = field(default_factory=list)
    without_member: Tally | None = None
    countries_without_member: list[Tally] = field(default_factory=list)


def membership_date(event: Event) -> dt.date:
    """Return the day on which a country's membership counts for ``event``: its first day."""
    return event.starts_on


def participants_of(event: Event) -> QuerySet[Registration]:
    """Return the event's participants: its confirmed registrations."""
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)


def country_has_member_city(as_of: dt.date, country_ref: str = "country") -> Exists:
    """Return whether the country at ``country_ref`` had a member city on ``as_of``."""
    return Exists(memberships_active_on(as_of).filter(city__country=OuterRef(country_ref)))


def _grouped_rows(event: Event, as_of: dt.date) -> list[dict]:
    """One row per (country, category, city) of the participants, with both counts."""
    return list(
        participants_of(event)
        .order_by()
        .values(
            "country_id",
            "country__region",
            "category_id",
            "city_id",
            "city__name",
            "city_name",
        )
        .annotate(
            n=Count("pk"),
            came=Count("pk", filter=Q(checked_in_at__isnull=False)),
            has_member=country_has_member_city(as_of, "country_id"),
        )
    )


def _city_key(row: dict) -> tuple[str, str, str]:
    """Group a city from the register by its id, one typed in by its folded name."""
    if row["city_id"]:
        return f"{row['country_id']}:{row['city_id']}", row["city__name"], ""
    name = (row["city_name"] or "").strip()
    if not name:
        return f"{row['country_id']}:", "", "unknown"
    return f"{row['country_id']}:~{fold(name)}", name, "unregistered"


def _sorted(tallies: dict[str, Tally]) -> list[Tally]:
    return sorted(tallies.values(), key=lambda t: (-t.participants, fold(str(t.label))))


def _region_label(region: str) -> str:
    return str(Region(region).label) if region in Region.values else str(_("No region"))


def _category_tallies(event: Event) -> dict[str, Tally]:
    categories = ParticipantCategory.objects.filter(event=event).order_by("order", "pk")
    return {str(c.pk): Tally(key=c.kind, label=shown(c, "name")) for c in categories}


def _city_tally(by_city: dict[str, Tally], row: dict) -> Tally:
    key, name, note = _city_key(row)
    if key not in by_city:
        by_city[key] = Tally(
            key=key,
            label=name,
            note=note,
            region=row["country__region"] or NO_REGION,
            country=localised_country_name(row["country_id"]),
        )
    elif name[:1].isupper() and not by_city[key].label[:1].isupper():
        # A typed name is shown as someone capitalised it, whatever the order of the rows.
        by_city[key].label = name
    return by_city[key]


def _country_tally(by_country: dict[str, Tally], row: dict) -> Tally:
    code = row["country_id"]
    if code not in by_country:
        by_country[code] = Tally(
            key=code,
            label=localised_country_name(code),
            region=row["country__region"] or NO_REGION,
            note="" if row["has_member"] else "without",
        )
    return by_country[code]


def _region_tally(by_region: dict[str, Tally], row: dict) -> Tally:
    region = row["country__region"] or NO_REGION
    return by_region.setdefault(region, Tally(key=region, label=_region_label(region)))


class _Breakdowns:
    """The tallies of one event, filled row by row from the grouped query."""

    def __init__(self, event: Event):
        self.by_category = _category_tallies(event)
        self.by_country: dict[str, Tally] = {}
        self.by_region = {r.value: Tally(key=r.value, label=str(r.label)) for r in Region}
        self.by_city: dict[str, Tally] = {}
        self.without = Tally(key="without", label=str(_("Countries without a member city")))
        self.total = Tally(key="total", label="")

    def add(self, row: dict) -> None:
        tallies = [
            self.total,
            _country_tally(self.by_country, row),
            _region_tally(self.by_region, row),
            _city_tally(self.by_city, row),
            self.by_category[str(row["category_id"])],
        ]
        if not row["has_member"]:
            tallies.append(self.without)
        for tally in tallies:
            tally.add(row["n"], row["came"])


def event_statistics(event: Event) -> EventStatistics:
    """Return the breakdowns of ``event``'s participants (two queries).

    ``shows_came`` tells whether the "came" counts mean something yet: once the
    event is held, or as soon as anyone has been checked in.
    """
    as_of = membership_date(event)
    found = _Breakdowns(event)
    for row in _grouped_rows(event, as_of):
        found.add(row)
    by_country = found.by_country
    return EventStatistics(
        event=event,
        as_of=as_of,
        shows_came=event.status == EventStatus.HELD or found.total.came > 0,
        participants=found.total.participants,
        came=found.total.came,
        countries=len(by_country),
        by_country=_sorted(by_country),
        by_region=[t for t in found.by_region.values() if t.key != NO_REGION or t.participants],
        by_category=list(found.by_category.values()),
        by_city=_sorted(found.by_city),
        without_member=found.without,
        countries_without_member=_sorted(
            {k: t for k, t in by_country.items() if t.note == "without"}
        ),
    )


def prospects_for_event(event: Event) -> QuerySet[Registration]:
    """Return the participants from countries without a member city on the event's first day.

    They are the leads of the next membership call: the person, their
    organisation, city and country, category and e-mail (the secretariat's
    only). Ordered by country, then name; one query with what a row shows.
    """
    as_of = membership_date(event)
    return (
        participants_of(event)
        .filter(~country_has_member_city(as_of))
        .select_related("country", "city", "category")
        .order_by("country__name", "name", "pk")
    )


def events_for_statistics(user) -> QuerySet[Event]:
    """Return the events whose statistics ``user`` may see: every event, for the secretariat."""
    if not rules.has_perm("events.view_statistics", user):
        return Event.objects.none()
    return Event.objects.all()
