"""Reads of criteria frameworks, each in a fixed number of queries."""

from django.db.models import Count, Prefetch, QuerySet

from learningcities.common.translated import localise

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
        .select_related("area__section", "framework")
        .order_by("order")
    )


def localised_criteria(framework: Framework | int, language: str | None = None) -> list:
    """Return the framework's criteria (with area and section) for display in ``language``.

    Default: the active language. Every text (criterion, area, section) is a
    ``Shown`` string: its translation, else the original (one query).
    """
    criteria = list(criteria_for_framework(framework))
    if criteria:
        # Each criterion has its own instances of its area and section.
        rows = [row for c in criteria for row in (c, c.area, c.area.section)]
        localise(_knowing_language(rows, criteria[0].framework.language), language)
    return criteria


def localised_framework_tree(code: str, version: str) -> Framework | None:
    """Return ``framework_tree_by_version`` with every text localised in the active language."""
    framework = framework_tree_by_version(code, version)
    if framework is not None:
        localise(_tree_rows(framework))
    return framework


def framework_rows(framework: Framework) -> list:
    """Return every row holding a text of ``framework``: itself and its tree (five queries)."""
    return _tree_rows(_with_tree(Framework.objects.filter(pk=framework.pk)).get())


def _tree_rows(framework: Framework) -> list:
    """Return the framework and every row of its prefetched tree, in order."""
    rows: list = []
    for section in framework.sections.all():
        rows.append(section)
        for area in section.areas.all():
            rows.append(area)
            for criterion in area.criteria.all():
                rows.append(criterion)
                rows.extend(criterion.indicators.all())
    return [framework, *_knowing_language(rows, framework.language)]


def _knowing_language(rows: list, language: str) -> list:
    """Tell each row of a framework's tree the framework's language (spares reading it)."""
    for row in rows:
        row._original_language = language
    return rows
