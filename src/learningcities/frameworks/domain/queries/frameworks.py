"""Reads of criteria frameworks, each in a fixed number of queries."""

from django.db.models import Count, Prefetch, QuerySet

from ...models import Area, Criterion, Framework, Indicator, Section


def frameworks_for_public() -> QuerySet[Framework]:
    """Return every loaded framework version with its number of criteria (one query)."""
    return Framework.objects.annotate(criteria_count=Count("criteria")).order_by(
        "code", "-loaded_at", "-pk"
    )


def framework_tree_by_version(code: str, version: str) -> Framework | None:
    """Return the framework version with sections > areas > criteria > indicators, or None.

    Five queries whatever the size: the framework and one per level. Read the
    tree through ``framework.sections.all()``, ``section.areas.all()``,
    ``area.criteria.all()`` and ``criterion.indicators.all()``, in order.
    """
    return _with_tree(Framework.objects.filter(code=code, version=version)).first()


def _with_tree(frameworks: QuerySet[Framework]) -> QuerySet[Framework]:
    return frameworks.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("order")),
        Prefetch("sections__areas", queryset=Area.objects.order_by("order")),
        Prefetch("sections__areas__criteria", queryset=Criterion.objects.order_by("order")),
        Prefetch(
            "sections__areas__criteria__indicators", queryset=Indicator.objects.order_by("order")
        ),
    )


def criteria_for_framework(framework: Framework) -> QuerySet[Criterion]:
    """Return the framework's criteria in order, each with its area and section (one query)."""
    return (
        Criterion.objects.filter(framework=framework)
        .select_related("area__section")
        .order_by("order")
    )
