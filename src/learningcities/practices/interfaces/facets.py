"""The names of facet values, in the active language (for the library's filters)."""

from django.db.models import F
from django.utils.translation import get_language

from learningcities.common.languages import language_name
from learningcities.common.memo import LocalMemo
from learningcities.common.translated import shown
from learningcities.frameworks.models import Area, Criterion
from learningcities.network.enums import Region
from learningcities.network.models.countries import localised_country_name

from ..domain.revision import practices_revision
from ..enums import SDG_GOALS, ClusterCode, FacetKind, TargetGroup


def _is_id(value: str) -> bool:
    """Whether a value from the address can be a row's number (no overflow)."""
    return value.isascii() and value.isdigit() and len(value) < 10


# Names of areas and features read already, by kind, language and library revision.
_framework_names = LocalMemo(max_entries=64)


def _framework_labels(kind: str, values: list[str]) -> dict[str, str]:
    """Return the codes and titles of the areas or features ``values`` name.

    Kept by the process for the library's revision (the pages that show them
    are cached under it too): a search reads only the names it has not read.
    """
    key = f"{kind}:{get_language()}:{practices_revision()}"
    known: dict[str, str] | None = _framework_names.get(key)
    if known is None:
        known = {}
        _framework_names.set(key, known)
    missing = [int(value) for value in values if value not in known and _is_id(value)]
    if missing:
        model, language = (
            (Area, "section__framework__language")
            if kind == FacetKind.AREA
            else (Criterion, "framework__language")
        )
        rows = model.objects.filter(pk__in=missing).annotate(framework_language=F(language))
        found = {}
        for row in rows:
            row._original_language = row.framework_language  # spares a query per row
            found[str(row.pk)] = f"{row.code} {shown(row, 'title')}"
        # A new dict: threads reading the old one never see it change.
        known = {**known, **found}
        _framework_names.set(key, known)
    return {value: known[value] for value in values if value in known}


def facet_labels(kind: str, values: list[str]) -> dict[str, str]:
    """Return ``{value: name}`` for the values of one facet kind."""
    if kind == FacetKind.REGION:
        return {value: str(Region(value).label) for value in values if value in Region.values}
    if kind == FacetKind.COUNTRY:
        return {value: localised_country_name(value) for value in values}
    if kind in (FacetKind.AREA, FacetKind.FEATURE):
        return _framework_labels(kind, values)
    if kind == FacetKind.SDG:
        return {
            value: f"{value}. {SDG_GOALS[int(value)]}"
            for value in values
            if _is_id(value) and int(value) in SDG_GOALS
        }
    if kind == FacetKind.CLUSTER:
        return {v: str(ClusterCode(v).label) for v in values if v in ClusterCode.values}
    if kind == FacetKind.TARGET_GROUP:
        return {v: str(TargetGroup(v).label) for v in values if v in TargetGroup.values}
    if kind == FacetKind.LANGUAGE:
        return {value: language_name(value) for value in values}
    return {value: value for value in values}
