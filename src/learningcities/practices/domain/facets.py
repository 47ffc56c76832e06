"""The facet values of a practice, kept as rows the library's search counts.

A published practice has one ``PracticeFacet`` row per value it carries
(its region and country, each Key Features area and feature, goal, cluster,
language with a text in it, year it ran, target group); a practice that is
not published has none, so counting rows counts what a visitor may find.
"""

from ..enums import FacetKind
from ..models import Practice, PracticeFacet

# The most years a practice spans in the year facet (a long-running one counts in each).
MAX_YEARS = 30


def facet_values(practice: Practice) -> set[tuple[str, str]]:
    """Return the ``(kind, value)`` pairs of ``practice``."""
    values: set[tuple[str, str]] = set()
    cities = [practice.city, *practice.partner_cities.all()]
    for city in cities:
        country = city.country
        values.add((FacetKind.COUNTRY, country.code))
        if country.region:
            values.add((FacetKind.REGION, country.region))
    values.update((FacetKind.AREA, str(pk)) for pk in practice.areas.values_list("pk", flat=True))
    values.update(
        (FacetKind.FEATURE, str(pk)) for pk in practice.features.values_list("pk", flat=True)
    )
    values.update((FacetKind.SDG, str(goal)) for goal in practice.sdgs)
    values.update(
        (FacetKind.CLUSTER, code) for code in practice.clusters.values_list("code", flat=True)
    )
    values.update((FacetKind.TARGET_GROUP, group) for group in practice.target_groups)
    values.update((FacetKind.LANGUAGE, code) for code in practice.languages_available())
    if practice.started_year:
        last = practice.ended_year or max(practice.started_year, _this_year())
        last = min(last, practice.started_year + MAX_YEARS - 1)
        values.update(
            (FacetKind.YEAR, str(year)) for year in range(practice.started_year, last + 1)
        )
    return values


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def refresh_facets(practice: Practice) -> None:
    """Write the facet rows of ``practice`` (none unless it is published)."""
    wanted = facet_values(practice) if practice.is_published else set()
    existing = {
        (kind, value): pk
        for pk, kind, value in PracticeFacet.objects.filter(practice=practice).values_list(
            "pk", "kind", "value"
        )
    }
    gone = [pk for pair, pk in existing.items() if pair not in wanted]
    if gone:
        PracticeFacet.objects.filter(pk__in=gone).delete()
    PracticeFacet.objects.bulk_create(
        [
            PracticeFacet(practice=practice, kind=kind, value=value)
            for kind, value in sorted(wanted - existing.keys())
        ]
    )
