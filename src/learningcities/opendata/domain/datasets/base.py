"""A dataset: its fields (name, type, unit, meaning), its rows and what keys them.

One definition drives everything published about a dataset: the files (CSV,
JSON, Excel, GeoJSON), the data dictionary on the open data page and the
Frictionless Data Package (``datapackage.json``) that describes every field.

``rows()`` yields one dict per row, keyed by the fields' names, with plain
values (str, int, float, bool, date, None), read in the active language where
a value has one (a country's name, a region's). ``revision()`` changes whenever
the rows may: the files generated for one revision are reused until it moves.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Frictionless Table Schema types the datasets use.
TYPES = frozenset({"string", "integer", "number", "boolean", "date", "datetime", "year"})


@dataclass(frozen=True)
class Field:
    """One column: ``name`` (stable, ASCII), its Table Schema ``type``, its title and meaning."""

    name: str
    type: str
    title: str
    description: str
    unit: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    # A list of values in one cell (CSV: separated by this; JSON: an array).
    separator: str = ""

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"{self.name}: unknown field type {self.type!r}")


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    rows: Callable[[], Iterable[dict]]
    revision: Callable[[], str]
    primary_key: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    # (latitude field, longitude field) for a dataset of places: it has a GeoJSON file.
    geometry: tuple[str, str] | None = None
    # How often it changes, in DCAT's frequency vocabulary's terms.
    frequency: str = "IRREGULAR"

    @property
    def formats(self) -> tuple[str, ...]:
        return ("csv", "json", "xlsx", "geojson") if self.geometry else ("csv", "json", "xlsx")

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


DATASETS: dict[str, Dataset] = {}


def register(dataset: Dataset) -> Dataset:
    """Add ``dataset`` to the open data page (in the order registered)."""
    if dataset.name in DATASETS:
        raise ValueError(f"dataset {dataset.name!r} is registered twice")
    DATASETS[dataset.name] = dataset
    return dataset


def dataset(name: str) -> Dataset | None:
    """Return the dataset ``name``, or None."""
    return DATASETS.get(name)
