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
from ..enums import DatePrecision, LocationIssue, LocationSource, MembershipStatus
from ..exceptions import NetworkError
from ..gazetteer import (
    Gazetteer,
    Resolution,
    Status,
    default_gazetteer,
    describe_place,
    unresolved_place,
)
from ..models import City, Cohort, Country, Membership
from .cities import save_city
from .cohorts import create_cohort
from .memberships import admit_city, correct_joining, end_membership


@dataclass(frozen=True)
class MemberRow:
    """One validated row of a member list: one membership period of a city.

    ``line`` is its physical line in a CSV file, or its position in a JSON
    list (``unit`` then is "item"). ``status`` is "" when the file does not
    say (an open membership); ``ended`` is given exactly when the status is
    lapsed or withdrawn.
    """

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
    status: str = ""
    ended: dt.date | None = None
    unit: str = "line"

    @property
    def key(self) -> tuple[str, str]:
        return (self.country.upper(), fold(self.city))

    @property
    def is_open(self) -> bool:
        return self.ended is None


@dataclass(frozen=True)
class RowError:
    """A reason a member list was refused, with the line (or JSON item) it concerns.

    ``line`` None: the whole file.
    """

    line: int | None
    message: str
    unit: str = "line"

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        if self.unit == "item":
            return _("item %(line)d: %(message)s") % {"line": self.line, "message": self.message}
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
    unit: str = "line"


@dataclass(frozen=True)
class SamePlace:
    """A row taken as an existing city of another name: the gazetteer knows them as one place."""

    line: int
    city: str  # the name in the file
    country: str
    existing: str  # the name in the register
    place: str  # the gazetteer place, for people ("GeoNames 109435")
    unit: str = "line"


@dataclass
class ImportResult:
    """What an import changed (or, for a dry run, would change); counts are rows."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    cohorts_created: list[str] = field(default_factory=list)
    unresolved: list[UnresolvedLocation] = field(default_factory=list)
    same_place: list[SamePlace] = field(default_factory=list)
    # (line, city, country, "created"/"updated", changed field names, unit)
    changes: list[tuple[int, str, str, str, list[str], str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class _DryRun(Exception):
    """Raised to roll back everything a dry run wrote."""


@dataclass
class _Group:
    """The rows of one city (its membership periods, in order) and what they apply to."""

    rows: list[MemberRow]
    country: Country
    city: City | None
    resolution: Resolution | None = None
    same_place: SamePlace | None = None


def _where(unit: str, line: int) -> str:
    if unit == "item":
        return _("item %(line)d") % {"line": line}
    return _("line %(line)d") % {"line": line}


def row_error(row: MemberRow, message: str) -> RowError:
    """Return an error about ``row``, placed at its line (or JSON item)."""
    return RowError(row.line, message, row.unit)


def follows(earlier: MemberRow, later: MemberRow) -> bool:
    """Return whether ``later`` is a later membership period of the city ``earlier`` names.

    True when ``earlier`` ended before ``later`` counts (the last day of its
    joining period), as the register requires of a city that rejoins.
    """
    return earlier.ended is not None and earlier.ended < later.joined.end


def duplicate_errors(rows: Iterable[MemberRow]) -> list[RowError]:
    """Return an error for every row naming a city an earlier row named, unless it follows it.

    Several rows for one city (country + folded name) are its membership
    periods: each must have ended before the next one joined. Any other
    repetition (the same or an overlapping period, two open ones, periods out
    of order) is a city listed twice.
    """
    previous: dict[tuple[str, str], MemberRow] = {}
    errors = []
    for row in rows:
        earlier = previous.get(row.key)
        previous[row.key] = row
        if earlier is not None and not follows(earlier, row):
            errors.append(
                duplicate_error(row.city, row.country, earlier.line, row.line, unit=row.unit)
            )
    return errors


def duplicate_error(
    city: str, country: str, first: int, line: int, *, unit: str = "line"
) -> RowError:
    """Return the error for a city named again on ``line`` after ``first``."""
    message = _("%(city)s (%(country)s) is listed twice: on %(first)s and %(line)s.") % {
        "city": city,
        "country": country,
        "first": _where(unit, first),
        "line": _where(unit, line),
    }
    message += " " + _(
        "A city may have several rows only for distinct membership periods, in order, "
        "each ended (status and ended) before the next one joined."
    )
    return RowError(line, message, unit)


def _cohort_in_period(cohorts: list[Cohort], joined: PartialDate) -> Cohort | None:
    """Return the one cohort announced within the joining period (day or month), or None."""
    if joined.precision == DatePrecision.YEAR:
        return None
    within = [c for c in cohorts if joined.start <= c.announced_on <= joined.end]
    return within[0] if len(within) == 1 else None


def import_members(
    rows: Sequence[MemberRow],
    *,
    dry_run: bool = False,
    gazetteer: Gazetteer | None = None,
    actor=None,
) -> ImportResult:
    """Create or update the cities and memberships of a member list, all or nothing.

    Each row is one membership period of a city; a city may have several rows,
    one per period, in order. For each city (matched by country and folded
    name, or else by the gazetteer place its name resolves to): the city is
    created or its given fields updated; missing coordinates and population
    are looked up in the gazetteer (a value in the file always wins). For each
    row: the membership of the same joining date, else the active one, is
    corrected to the joining date, cohort and source given, or a new
    membership is admitted; a row with status lapsed or withdrawn ends it on
    its ``ended`` date (an ended membership is never reopened or re-ended).
    Cohorts named but unknown are created, announced on the (earliest) full
    joining date given with them. Two cities of the file that the gazetteer
    takes for one place are refused.

    Raises MembersImportError listing every refused row; then nothing is
    written. A dry run does everything and then rolls it back. Effects: city,
    membership and cohort rows, each write recorded as activity of ``actor``;
    the register revision is bumped once per change, so importing the same
    list twice changes nothing and bumps nothing.
    """
    gazetteer = gazetteer or default_gazetteer()
    countries = Country.objects.in_bulk({row.country.upper() for row in rows})
    errors = _list_errors(rows, countries)
    _refuse_if_any(errors)

    cohorts = list(Cohort.objects.all())
    cohorts_by_name = {fold(c.name): c for c in cohorts}
    new_cohorts = _cohorts_to_create(rows, cohorts_by_name, errors)
    groups = _groups(rows, countries, gazetteer, errors)
    _refuse_if_any(errors)

    result = ImportResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            _write_import(groups, new_cohorts, cohorts, cohorts_by_name, result, actor)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _write_import(
    groups: list[_Group],
    new_cohorts: dict[str, tuple[str, dt.date]],
    cohorts: list[Cohort],
    cohorts_by_name: dict[str, Cohort],
    result: ImportResult,
    actor,
) -> None:
    """Create the new cohorts, then write every group; raise MembersImportError on refused rows."""
    created = {
        key: create_cohort(name=name, announced_on=day, actor=actor)
        for key, (name, day) in new_cohorts.items()
    }
    result.cohorts_created = [name for name, _day in new_cohorts.values()]
    cohorts_by_name.update(created)
    all_cohorts = [*cohorts, *created.values()]
    errors: list[RowError] = []
    for group in groups:
        _apply(group, cohorts_by_name, all_cohorts, result, errors, actor)
    _refuse_if_any(errors)


def _list_errors(rows: Sequence[MemberRow], countries: dict[str, Country]) -> list[RowError]:
    """Return the problems of the list as a whole: no rows, a city twice, unknown countries."""
    errors = duplicate_errors(rows)
    if not rows:
        errors.append(RowError(None, _("The file has no data rows.")))
    errors += [_unknown_country_error(row) for row in rows if row.country.upper() not in countries]
    return errors


def _unknown_country_error(row: MemberRow) -> RowError:
    return row_error(row, _("%(code)s is not an ISO 3166-1 alpha-2 code.") % {"code": row.country})


def _refuse_if_any(errors: list[RowError]) -> None:
    """Raise MembersImportError listing ``errors`` in the order of the file, if there are any."""
    if errors:
        raise MembersImportError(sorted(errors, key=_error_order))


def _error_order(error: RowError) -> tuple[int, str]:
    return (error.line or 0, error.message)


def _cohorts_to_create(
    rows: Sequence[MemberRow], known: dict[str, Cohort], errors: list[RowError]
) -> dict[str, tuple[str, dt.date]]:
    """Return the unknown cohorts the rows name, each announced on its earliest full date.

    A row naming an unknown cohort that no row gives a full date for is refused in ``errors``.
    """
    days: dict[str, tuple[str, dt.date]] = {}
    for row in rows:
        key = fold(row.cohort)
        if _names_new_cohort(key, known) and row.joined.precision == DatePrecision.DAY:
            name, day = days.get(key, (row.cohort, row.joined.start))
            days[key] = (name, min(day, row.joined.start))
    errors.extend(
        _undated_cohort_error(row)
        for row in rows
        if _names_new_cohort(fold(row.cohort), known) and fold(row.cohort) not in days
    )
    return days


def _names_new_cohort(key: str, known: dict[str, Cohort]) -> bool:
    return bool(key) and key not in known


def _undated_cohort_error(row: MemberRow) -> RowError:
    return row_error(
        row,
        _(
            "There is no cohort “%(cohort)s”; to create it, give the joining "
            "date of one of its cities as a full date (YYYY-MM-DD), the day "
            "the cohort was announced."
        )
        % {"cohort": row.cohort},
    )


def _place_id(resolution: Resolution, name: str) -> str:
    """Return the gazetteer place ``name`` itself resolves to ("" if none, or only a variant).

    Only the name as written (or one of the place's alternate names) counts: a
    name found after taking off "County" or "City" may be another place.
    """
    match = resolution.match
    if match is None or resolution.status not in {Status.FOUND, Status.NO_COORDINATES}:
        return ""
    folded = fold(name)
    if resolution.spelling not in {folded, folded.replace(" ", "")}:
        return ""
    return match.gazetteer_id


def _groups(
    rows: Sequence[MemberRow],
    countries: dict[str, Country],
    gazetteer: Gazetteer,
    errors: list[RowError],
) -> list[_Group]:
    """Return the rows by city, in the order of the file, each with the city it applies to.

    Refuses two cities of the file that resolve to one gazetteer place.
    """
    by_key: dict[tuple[str, str], list[MemberRow]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    existing = _existing_cities(countries, {key[1] for key in by_key})
    groups = []
    place_ids: dict[tuple[str, str], MemberRow] = {}
    for (cc, _name), group_rows in by_key.items():
        first = group_rows[0]
        city = existing.get((cc, first.key[1]))
        admin_area = first.admin_area or (city.admin_area if city else "")
        group = _Group(group_rows, countries[cc], city)
        group.resolution = gazetteer.resolve(first.city, cc, admin_area=admin_area)
        if place_id := _place_id(group.resolution, first.city):
            other = place_ids.setdefault((cc, place_id), first)
            if other is not first:
                errors.append(_same_place_error(first, other, group.resolution))
        groups.append(group)
    _match_by_place(groups)
    return groups


def _memberships_prefetch() -> Prefetch:
    return Prefetch("memberships", queryset=Membership.objects.select_related("cohort"))


def _existing_cities(
    countries: dict[str, Country], folded: set[str]
) -> dict[tuple[str, str], City]:
    """Return the register's cities of ``countries`` by (country, folded name)."""
    cities = City.objects.filter(country__in=list(countries), name_folded__in=folded)
    return {
        (city.country_id, city.name_folded): city
        for city in cities.prefetch_related(_memberships_prefetch())
    }


def _same_place_error(first: MemberRow, other: MemberRow, resolution: Resolution) -> RowError:
    return row_error(
        first,
        _(
            "%(city)s (%(line)s) and %(other)s (%(other_line)s) are the same "
            "place (%(place)s); list it once, under one name."
        )
        % {
            "city": first.city,
            "line": _where(first.unit, first.line),
            "other": other.city,
            "other_line": _where(other.unit, other.line),
            "place": describe_place(resolution.match),
        },
    )


def _match_by_place(groups: list[_Group]) -> None:
    """Give each group without a city the register's one city of its gazetteer place.

    A city not found by its name may be in the register under another name
    of the same place ("Jubail" for "Al Jubayl").
    """
    unknown = {
        (g.rows[0].country.upper(), _place_id(g.resolution, g.rows[0].city)): g
        for g in groups
        if g.city is None and _place_id(g.resolution, g.rows[0].city)
    }
    if not unknown:
        return
    candidates = _cities_by_place(set(unknown))
    for key, group in unknown.items():
        found = candidates.get(key, [])
        if len(found) == 1:
            _match_to(group, found[0])


def _cities_by_place(keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[City]]:
    """Return the register's cities of the (country, gazetteer place) ``keys``, by key."""
    candidates: dict[tuple[str, str], list[City]] = {}
    queryset = City.objects.filter(
        country__in={cc for cc, _id in keys},
        gazetteer_id__in={place_id for _cc, place_id in keys},
    ).prefetch_related(_memberships_prefetch())
    for city in queryset:
        candidates.setdefault((city.country_id, city.gazetteer_id), []).append(city)
    return candidates


def _match_to(group: _Group, city: City) -> None:
    """Apply the group's rows to ``city``, noting that it is the same place under another name."""
    first = group.rows[0]
    group.city = city
    group.same_place = SamePlace(
        first.line,
        first.city,
        first.country.upper(),
        city.name,
        describe_place(group.resolution.match),
        first.unit,
    )


def _apply(
    group: _Group,
    cohorts_by_name: dict[str, Cohort],
    cohorts: list[Cohort],
    result: ImportResult,
    errors: list[RowError],
    actor,
) -> None:
    """Write the city of a group and each of its membership periods."""
    city = group.city
    created = city is None
    if group.same_place is not None:
        result.same_place.append(group.same_place)
    for index, row in enumerate(group.rows):
        if index == 0:
            city, changed = _save_city(group, row, city, result, actor)
        else:
            city, changed = save_city(
                country=group.country,
                name=city.name,
                city=city,
                actor=actor,
                **_city_fields(row, city),
            )
        try:
            changed += _apply_membership(row, city, group.rows, cohorts_by_name, cohorts, actor)
        except NetworkError as error:
            errors.append(row_error(row, str(error)))
            return
        cc = row.country.upper()
        if created:
            result.created += 1
            result.changes.append((row.line, row.city, cc, "created", changed, row.unit))
        elif changed:
            result.updated += 1
            result.changes.append((row.line, row.city, cc, "updated", changed, row.unit))
        else:
            result.unchanged += 1


def _needs_location(row: MemberRow, city: City | None) -> bool:
    return row.latitude is None and not (city and city.has_location)


def _needs_population(row: MemberRow, city: City | None) -> bool:
    # A city already placed was looked up when it was created: its place is
    # not looked up again on every import (and the file can give the population).
    if row.population is not None:
        return False
    return city is None or (city.population is None and not city.has_location)


def _gazetteer_fields(
    resolution: Resolution, *, needs_location: bool, needs_population: bool
) -> dict:
    """Return the city fields the gazetteer's place gives for what the city still needs."""
    match = resolution.match
    if match is None or resolution.status not in {Status.FOUND, Status.NO_COORDINATES}:
        return {}
    fields: dict = {}
    if needs_location and match.has_location:
        fields.update(
            latitude=match.latitude,
            longitude=match.longitude,
            gazetteer_id=match.gazetteer_id,
            location_source=match.source,
        )
    if needs_population and match.population is not None:
        fields.update(population=match.population, population_year=match.population_year)
    return fields


def _unresolved_location(row: MemberRow, resolution: Resolution) -> UnresolvedLocation:
    place = unresolved_place(resolution, city=row.city, country=row.country.upper())
    return UnresolvedLocation(
        row.line, row.city, row.country.upper(), place.reason, place.candidates, row.unit
    )


def _save_city(
    group: _Group, row: MemberRow, city: City | None, result: ImportResult, actor
) -> tuple[City, list[str]]:
    """Create or update the city of the group's first row, completing it from the gazetteer."""
    fields = _city_fields(row, city)
    needs_location = _needs_location(row, city)
    resolution = group.resolution
    if resolution is not None:
        fields.update(
            _gazetteer_fields(
                resolution,
                needs_location=needs_location,
                needs_population=_needs_population(row, city),
            )
        )
        if needs_location and "latitude" not in fields:
            # Kept on the city: the secretariat's worklist of places to locate.
            fields["location_issue"] = resolution.issue or LocationIssue.NO_COORDINATES
            result.unresolved.append(_unresolved_location(row, resolution))
    if city is not None and city.location_issue and "latitude" in fields:
        fields["location_issue"] = ""
    # A city matched through the gazetteer keeps the name the register has.
    name = city.name if city is not None else row.city
    return save_city(country=group.country, name=name, city=city, actor=actor, **fields)


def _apply_membership(
    row: MemberRow,
    city: City,
    rows: list[MemberRow],
    cohorts_by_name: dict[str, Cohort],
    cohorts: list[Cohort],
    actor,
) -> list[str]:
    """Correct, admit and end the membership ``row`` describes; return what changed."""
    memberships = list(city.memberships.select_related("cohort").order_by("member_from", "pk"))
    target = _membership_for(row, memberships, rows)
    cohort = _cohort_for(row, target, cohorts_by_name, cohorts)
    changed: list[str] = []
    if target is None:
        target = admit_city(city, joined=row.joined, cohort=cohort, source=row.source, actor=actor)
        changed.append("membership")
    else:
        fixed = correct_joining(
            target, joined=row.joined, cohort=cohort, source=row.source or None, actor=actor
        )
        changed.extend(f"membership.{f}" for f in fixed)
    if row.ended is not None:
        changed += _end_membership(row, target, actor)
    elif row.status == MembershipStatus.ACTIVE and target.status != MembershipStatus.ACTIVE:
        raise NetworkError(
            _(
                "the register has this membership %(status)s, ended on %(ended)s; the import "
                "does not reopen it (a city that rejoined gets a new row with its new "
                "joining date)."
            )
            % _ended_membership(target)
        )
    return changed


def _cohort_for(
    row: MemberRow,
    target: Membership | None,
    cohorts_by_name: dict[str, Cohort],
    cohorts: list[Cohort],
) -> Cohort | None:
    """Return the cohort of the row's membership (None: none).

    The cohort the row names; else the one announced within its joining
    period; else the one the register knows for the membership.
    """
    if cohort_key := fold(row.cohort):
        return cohorts_by_name[cohort_key]
    cohort = _cohort_in_period(cohorts, row.joined)
    if cohort is None and target is not None:
        return target.cohort
    return cohort


def _end_membership(row: MemberRow, target: Membership, actor) -> list[str]:
    """End the active membership as the row says; return what changed.

    An ended membership is never re-ended: NetworkError if the row ends it otherwise.
    """
    if target.status == MembershipStatus.ACTIVE:
        end_membership(target, status=row.status, ended_on=row.ended, actor=actor)
        return ["membership.status", "membership.ended_on"]
    if (target.status, target.ended_on) != (row.status, row.ended):
        raise NetworkError(
            _(
                "the register has this membership %(status)s, ended on %(ended)s; "
                "the import does not change a membership that has ended."
            )
            % _ended_membership(target)
        )
    return []


def _ended_membership(membership: Membership) -> dict[str, str]:
    return {
        "status": MembershipStatus(membership.status).label.lower(),
        "ended": membership.ended_on.isoformat(),
    }


def _membership_for(
    row: MemberRow, memberships: list[Membership], rows: list[MemberRow]
) -> Membership | None:
    """Return the membership a row describes (None: a new one); raise NetworkError if it cannot.

    The membership of the same joining date; else the active one, unless
    another row of the city names it by its date (the row then corrects its
    joining date).
    """
    same = [
        m
        for m in memberships
        if m.joined_on == row.joined.start and m.joined_precision == row.joined.precision
    ]
    if same:
        return same[0]
    active = _active_unnamed(row, memberships, rows)
    _check_rejoined_after_end(row, [m for m in memberships if m is not active])
    return active


def _active_unnamed(
    row: MemberRow, memberships: list[Membership], rows: list[MemberRow]
) -> Membership | None:
    """Return the active membership unless another row of the city names it by its date."""
    named = {(r.joined.start, r.joined.precision) for r in rows if r is not row}
    return next(
        (
            m
            for m in memberships
            if m.status == MembershipStatus.ACTIVE
            and (m.joined_on, m.joined_precision) not in named
        ),
        None,
    )


def _check_rejoined_after_end(row: MemberRow, earlier: list[Membership]) -> None:
    """Raise NetworkError if one of the ``earlier`` memberships ended on or after the row joined."""
    member_from = row.joined.end
    for membership in earlier:
        if membership.ended_on is not None and membership.ended_on >= member_from:
            raise NetworkError(
                _(
                    "%(city)s (%(country)s) joined on %(joined)s, but its earlier "
                    "membership only ended on %(ended)s; a city can rejoin only after "
                    "its membership ended."
                )
                % {
                    "city": row.city,
                    "country": row.country,
                    "joined": row.joined.isoformat(),
                    "ended": membership.ended_on.isoformat(),
                }
            )


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
    if _new_coordinates(row, city):
        fields.update(
            latitude=row.latitude,
            longitude=row.longitude,
            gazetteer_id="",
            location_source=LocationSource.IMPORTED,
        )
    return fields


def _new_coordinates(row: MemberRow, city: City | None) -> bool:
    """Return whether the row gives coordinates the city does not have yet."""
    given = (row.latitude, row.longitude)
    return None not in given and (city is None or (city.latitude, city.longitude) != given)
