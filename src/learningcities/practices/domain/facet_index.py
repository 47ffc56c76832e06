"""The library's facets in memory: one compressed bitmap of practice ids per facet value.

A search's filters and its facet counts are set operations on these bitmaps
(pyroaring, CRoaring's compressed bitmaps): the practices a filter keeps are
the union of its values' bitmaps, kinds combined by intersection, and the
count of a facet value in a result is the size of the intersection of its
bitmap with the result's ids. Both take microseconds whatever the size of the
library, where the same in SQL reads every facet row of every practice found.

The index is built from the ``PracticeFacet`` rows (one query, grouped by
value) for the library's revision: every write that changes a published
practice's facets moves the revision on (``domain.practices.refresh_public_copy``),
so an index never answers for facets that have changed. It is kept in the
shared cache, serialised (a few megabytes for 100,000 practices), and each
process keeps the last one it read (``LocalMemo``). An index read inside a
transaction is not kept: the transaction may roll back and its revision
number be used again for other facets.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connections
from pyroaring import BitMap, FrozenBitMap

from learningcities.common.memo import LocalMemo

from ..models import PracticeFacet
from .revision import practices_revision

FACET_TABLE = PracticeFacet._meta.db_table
# The shape of the cached entries (a new one is a new key: old entries are never read).
FORMAT = 2
# Entries live this long in the shared cache (each revision has its own key).
CACHE_SECONDS = 24 * 3600

_local = LocalMemo(max_entries=4)


@dataclass(frozen=True)
class FacetIndex:
    """The practice ids of each ``(kind, value)`` of the published practices."""

    values: dict[tuple[str, str], FrozenBitMap]
    # How many published practices hold a facet value: all (each has its country).
    size: int = 0

    def matching(self, filters: dict[str, list[str]]) -> FrozenBitMap | None:
        """Return the ids kept by ``filters`` (any value of a kind, every kind); None if none."""
        if not filters:
            return None
        kept = None
        for kind, values in filters.items():
            either = BitMap()
            for value in values:
                either |= self.values.get((kind, value), FrozenBitMap())
            kept = either if kept is None else kept & either
            if not kept:
                break
        return FrozenBitMap(kept)

    def counts(self, ids: FrozenBitMap | BitMap | None) -> list[tuple[str, str, int]]:
        """Return ``(kind, value, count)`` of the values ``ids`` hold (all ids if None)."""
        rows = []
        for (kind, value), holders in self.values.items():
            count = len(holders) if ids is None else holders.intersection_cardinality(ids)
            if count:
                rows.append((kind, value, count))
        return rows

    def union(self, pairs) -> FrozenBitMap:
        """Return the ids holding any of the ``(kind, value)`` pairs."""
        found = [self.values[pair] for pair in pairs if pair in self.values]
        return FrozenBitMap.union(*found) if found else FrozenBitMap()

    def serialise(self) -> dict:
        return {
            "size": self.size,
            "values": {key: bitmap.serialize() for key, bitmap in self.values.items()},
        }

    @classmethod
    def deserialise(cls, data: dict) -> "FacetIndex":
        values = {key: FrozenBitMap.deserialize(raw) for key, raw in data["values"].items()}
        return cls(values, data["size"])


def build_facet_index(using: str) -> FacetIndex:
    """Read the facet rows of the published practices into bitmaps (one query)."""
    connection = connections[using]
    aggregate = (
        "string_agg(practice_id::text, ',')"
        if connection.vendor == "postgresql"
        else "group_concat(practice_id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, value, {aggregate} FROM {FACET_TABLE} GROUP BY kind, value"  # noqa: S608 - table names only
        )
        rows = cursor.fetchall()
    values = {
        (kind, value): FrozenBitMap(map(int, ids.split(","))) for kind, value, ids in rows if ids
    }
    size = len(FrozenBitMap.union(*values.values())) if values else 0
    return FacetIndex(values, size)


def facet_index(using: str) -> FacetIndex:
    """Return the facet index of the library's current revision on the database ``using``."""
    connection = connections[using]
    key = f"practices:facet-index:{FORMAT}:{using}:{practices_revision()}"
    found = _local.get(key)
    if found is not None:
        return found
    if connection.in_atomic_block:
        # Not kept: the revision of a transaction that rolls back is used again.
        return build_facet_index(using)
    data = cache.get(key)
    if data is not None:
        found = FacetIndex.deserialise(data)
    else:
        found = build_facet_index(using)
        cache.set(key, found.serialise(), CACHE_SECONDS)
    _local.set(key, found)
    return found
