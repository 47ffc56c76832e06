"""Importing a list of member cities into the register, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from learningcities.common.text import fold

from ..dates import PartialDate
from ..enums import DatePrecision, LocationSource, MembershipStatus
from ..exceptions import NetworkError
from ..gazetteer import Gazetteer, Status, default_gazetteer, unresolved_place
from ..models import City, Cohort, Country, Membership
from .cities import save_city
from .cohorts import create_cohort
from .memberships import admit_city, correct_joining


@dataclass(frozen=True)
class MemberRow:
    """One validated row of a member list; ``line`` is its physical line in the file."""

    line: int
    city: str
    country: str
    joined: PartialDate
    population: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    local_name: str = ""
    admin_area: str = ""
    cohort: str = ""
    source: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.country.upper(), fold(self.city))


@dataclass(frozen=True)
class RowError:
    """A reason a member list was refused, with the line it concerns (None: the whole file)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class MembersImportError(NetworkError):
    """A member list was refused; ``errors`` holds every reason, by line."""

    def __init__(self, errors: Sequence[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class UnresolvedLocation:
    line: int
    city: str
    country: str
    reason: str
    candidates: str = ""


@dataclass
class ImportResult:
    """What an import changed (or, for a dry run, would change)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    cohorts_created: list[str] = field(default_factory=list)
    unresolved: list[UnresolvedLocation] = field(default_factory=list)
    # (line, city, country, "created"/"updated", changed field names)
    changes: list[tuple[int, str, str, str, list[str]]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class _DryRun(Exception):
    """Raised to roll back everything a dry run wrote."""


@dataclass
class _Plan:
    row: MemberRow
    country: Country
    city: City | None
    memberships: list[Membership]
    membership: Membership | None  # the one to correct; None: admit a new one
    cohort: Cohort | None
    cohort_name: str  # a cohort created by this import


def duplicate_errors(rows: Iterable[MemberRow]) -> list[RowError]:
    """Return an error for every row naming a city (country + folded name) an earlier row named."""
    first_line: dict[tuple[str, str], MemberRow] = {}
    errors = []
    for row in rows:
        earlier = first_line.get(row.key)
        if earlier is None:
            first_line[row.key] = row
            continue
        errors.append(duplicate_error(row.city, row.country, earlier.line, row.line))
    return errors


def duplicate_error(city: str, country: str, first: int, line: int) -> RowError:
    """Return the error for a city named again on ``line`` after ``first``."""
    return RowError(
        line,
        _("%(city)s (%(country)s) is listed twice: on line %(first)d and line %(line)d.")
        % {"city": city, "country": country, "first": first, "line": line},
    )


def _cohort_in_period(cohorts: list[Cohort], joined: PartialDate) -> Cohort | None:
    """Return the one cohort announced within the joining period (day or month), or None."""
    if joined.precision == DatePrecision.YEAR:
        return None
    within = [c for c in cohorts if joined.start <= c.announced_on <= joined.end]
    return within[0] if len(within) == 1 else None


def import_members(
    rows: Sequence[MemberRow], *, dry_run: bool = False, gazetteer: Gazetteer | None = None
) -> ImportResult:
    """Create or update the cities and memberships of a member list, all or nothing.

    For each row: the city (matched by country and folded name) is created or
    its given fields updated; missing coordinates and population are looked up
    in the gazetteer (a value in the file always wins); its active membership is
    corrected to the joining date, cohort and source given, or a new membership
    is admitted when it has none. Cohorts named but unknown are created,
    announced on the (earliest) full joining date given with them.

    Raises MembersImportError listing every refused row; then nothing is
    written. A dry run does everything and then rolls it back. Effects: city,
    membership and cohort rows; the register revision is bumped once per change,
    so importing the same list twice changes nothing and bumps nothing.
    """
    gazetteer = gazetteer or default_gazetteer()
    errors = duplicate_errors(rows)
    if not rows:
        errors.append(RowError(None, _("The file has no data rows.")))
    countries = Country.objects.in_bulk({row.country.upper() for row in rows})
    for row in rows:
        if row.country.upper() not in countries:
            errors.append(
                RowError(
                    row.line,
                    _("%(code)s is not an ISO 3166-1 alpha-2 code.") % {"code": row.country},
                )
            )
    if errors:
        raise MembersImportError(sorted(errors, key=_error_order))

    cohorts = list(Cohort.objects.all())
    cohorts_by_name = {fold(c.name): c for c in cohorts}
    new_cohorts = _cohorts_to_create(rows, cohorts_by_name, errors)
    plans = _plan(rows, countries, cohorts, cohorts_by_name, new_cohorts, errors)
    if errors:
        raise MembersImportError(sorted(errors, key=_error_order))

    result = ImportResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            created_cohorts = {
                key: create_cohort(name=name, announced_on=day)
                for key, (name, day) in new_cohorts.items()
            }
            result.cohorts_created = [name for name, _day in new_cohorts.values()]
            for plan in plans:
                _apply(plan, created_cohorts, gazetteer, result, errors)
            if errors:
                raise MembersImportError(sorted(errors, key=_error_order))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _error_order(error: RowError) -> tuple[int, str]:
    return (error.line or 0, error.message)


def _cohorts_to_create(
    rows: Sequence[MemberRow], known: dict[str, Cohort], errors: list[RowError]
) -> dict[str, tuple[str, dt.date]]:
    """Return the unknown cohorts the rows name, each announced on its earliest full date."""
    days: dict[str, tuple[str, dt.date]] = {}
    for row in rows:
        key = fold(row.cohort)
        if not key or key in known or row.joined.precision != DatePrecision.DAY:
            continue
        name, day = days.get(key, (row.cohort, row.joined.start))
        days[key] = (name, min(day, row.joined.start))
    for row in rows:
        key = fold(row.cohort)
        if key and key not in known and key not in days:
            errors.append(
                RowError(
                    row.line,
                    _(
                        "There is no cohort “%(cohort)s”; to create it, give the joining "
                        "date of one of its cities as a full date (YYYY-MM-DD), the day "
                        "the cohort was announced."
                    )
                    % {"cohort": row.cohort},
                )
            )
    return days


def _plan(
    rows: Sequence[MemberRow],
    countries: dict[str, Country],
    cohorts: list[Cohort],
    cohorts_by_name: dict[str, Cohort],
    new_cohorts: dict[str, tuple[str, dt.date]],
    errors: list[RowError],
) -> list[_Plan]:
    """Decide what each row does, and refuse the rows that break the register's rules."""
    folded = {row.key[1] for row in rows}
    existing: dict[tuple[str, str], City] = {}
    queryset = City.objects.filter(
        country__in=list(countries), name_folded__in=folded
    ).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("cohort"))
    )
    for city in queryset:
        existing[(city.country_id, city.name_folded)] = city
    # Cohorts this import creates count for linking rows without a cohort.
    pending = [Cohort(name=name, announced_on=day) for name, day in new_cohorts.values()]
    plans = []
    for row in rows:
        cc = row.country.upper()
        city = existing.get((cc, row.key[1]))
        memberships = list(city.memberships.all()) if city else []
        cohort_key = fold(row.cohort)
        cohort = cohorts_by_name.get(cohort_key) if cohort_key else None
        cohort_name = new_cohorts[cohort_key][0] if cohort_key in new_cohorts else ""
        if not cohort_key:
            derived = _cohort_in_period([*cohorts, *pending], row.joined)
            if derived is not None and derived.pk is None:
                cohort_name = derived.name
            else:
                cohort = derived
        target = _membership_to_correct(row, city, memberships, errors)
        if target is not None and not cohort_key and cohort is None and not cohort_name:
            cohort = target.cohort  # keep the cohort the register knows
        plans.append(_Plan(row, countries[cc], city, memberships, target, cohort, cohort_name))
    return plans


def _membership_to_correct(
    row: MemberRow, city: City | None, memberships: list[Membership], errors: list[RowError]
) -> Membership | None:
    """Return the membership a row describes (None: a new one), or record why it cannot be."""
    if city is None:
        return None
    same = [
        m
        for m in memberships
        if m.joined_on == row.joined.start and m.joined_precision == row.joined.precision
    ]
    if same:
        return same[0]
    active = next((m for m in memberships if m.status == MembershipStatus.ACTIVE), None)
    member_from = row.joined.end
    for earlier in memberships:
        if earlier is active or earlier.ended_on is None:
            continue
        if earlier.ended_on >= member_from:
            errors.append(
                RowError(
                    row.line,
                    _(
                        "%(city)s (%(country)s) joined on %(joined)s, but its earlier "
                        "membership only ended on %(ended)s; a city can rejoin only after "
                        "its membership ended."
                    )
                    % {
                        "city": row.city,
                        "country": row.country,
                        "joined": row.joined.isoformat(),
                        "ended": earlier.ended_on.isoformat(),
                    },
                )
            )
            return None
    return active


def _apply(
    plan: _Plan,
    created_cohorts: dict[str, Cohort],
    gazetteer: Gazetteer,
    result: ImportResult,
    errors: list[RowError],
) -> None:
    row, city = plan.row, plan.city
    fields = _city_fields(row, city)
    needs_location = row.latitude is None and not (city and city.has_location)
    # A city already placed was looked up when it was created: asking again on
    # every import would only cost time (and the file can give the population).
    needs_population = row.population is None and (
        city is None or (city.population is None and not city.has_location)
    )
    if needs_location or needs_population:
        admin_area = row.admin_area or (city.admin_area if city else "")
        resolution = gazetteer.resolve(row.city, row.country.upper(), admin_area=admin_area)
        match = resolution.match
        found = resolution.status in {Status.FOUND, Status.NO_COORDINATES} and match is not None
        if found and needs_location and match.has_location:
            fields.update(
                latitude=match.latitude,
                longitude=match.longitude,
                gazetteer_id=match.gazetteer_id,
                location_source=match.source,
            )
        if found and needs_population and match.population is not None:
            fields.update(population=match.population, population_year=match.population_year)
        if needs_location and "latitude" not in fields:
            place = unresolved_place(resolution, city=row.city, country=row.country.upper())
            result.unresolved.append(
                UnresolvedLocation(
                    row.line, row.city, row.country.upper(), place.reason, place.candidates
                )
            )
    saved, changed = save_city(country=plan.country, name=row.city, city=city, **fields)
    cohort = created_cohorts[fold(plan.cohort_name)] if plan.cohort_name else plan.cohort
    try:
        if plan.membership is None:
            admit_city(saved, joined=row.joined, cohort=cohort, source=row.source)
            changed.append("membership")
        else:
            fixed = correct_joining(
                plan.membership, joined=row.joined, cohort=cohort, source=row.source or None
            )
            changed.extend(f"membership.{f}" for f in fixed)
    except NetworkError as error:
        errors.append(RowError(row.line, str(error)))
        return
    if city is None:
        result.created += 1
        result.changes.append((row.line, row.city, row.country.upper(), "created", changed))
    elif changed:
        result.updated += 1
        result.changes.append((row.line, row.city, row.country.upper(), "updated", changed))
    else:
        result.unchanged += 1


def _city_fields(row: MemberRow, city: City | None) -> dict:
    """Return the city fields the row gives (an empty cell gives nothing)."""
    fields: dict = {}
    if row.local_name:
        fields["local_name"] = row.local_name
    if row.admin_area:
        fields["admin_area"] = row.admin_area
    if row.population is not None and (city is None or city.population != row.population):
        fields["population"] = row.population
        fields["population_year"] = None
    given = (row.latitude, row.longitude)
    if None not in given and (city is None or (city.latitude, city.longitude) != given):
        fields.update(
            latitude=row.latitude,
            longitude=row.longitude,
            gazetteer_id="",
            location_source=LocationSource.IMPORTED,
        )
    return fields
