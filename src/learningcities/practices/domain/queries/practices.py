"""Reads of practices: who sees which, the library's pages, the moderation queue."""

from django.db.models import Q, QuerySet

from learningcities.accounts.rules import is_secretariat

from ...enums import PracticeStatus
from ...models import Practice, PracticeTransition
from ...rules import coordinated_organisation_ids


def practices_for_user(user) -> QuerySet[Practice]:
    """Return the practices ``user`` may see: the published ones, their city's, or all."""
    practices = Practice.objects.select_related("city__country", "organisation")
    if is_secretariat(user):
        return practices
    own = coordinated_organisation_ids(user)
    visible = Q(status=PracticeStatus.PUBLISHED)
    if own:
        visible |= Q(organisation_id__in=own)
    return practices.filter(visible)


def published_practices() -> QuerySet[Practice]:
    return Practice.objects.filter(status=PracticeStatus.PUBLISHED).select_related("city__country")


def practices_by_ids(ids: list[int]) -> list[Practice]:
    """Return the published practices of ``ids`` in that order (a page of search hits)."""
    # By key alone, the status checked here: SQLite would rather read every
    # published practice from the index on the status than look 20 keys up.
    found = {
        practice.pk: practice
        for practice in Practice.objects.filter(pk__in=ids)
        .select_related("city__country")
        .defer("body", "results")
        .order_by()
        if practice.status == PracticeStatus.PUBLISHED
    }
    return [found[pk] for pk in ids if pk in found]


def city_published_practices(city_id: int) -> QuerySet[Practice]:
    """Return a city's published practices (its own and those it is a partner of)."""
    return (
        published_practices()
        .filter(Q(city_id=city_id) | Q(partner_cities=city_id))
        .distinct()
        .order_by("-published_at", "-pk")
    )


def moderation_queue() -> QuerySet[Practice]:
    """Return the practices waiting for the secretariat, oldest submission first."""
    return (
        Practice.objects.filter(status=PracticeStatus.SUBMITTED)
        .select_related("city__country")
        .order_by("submitted_at", "pk")
    )


def history(practice: Practice) -> QuerySet[PracticeTransition]:
    return practice.transitions.select_related("actor").order_by("created_at", "pk")


def last_comment(practice: Practice) -> PracticeTransition | None:
    """Return the latest move with a comment (what the secretariat asked, or why it withdrew)."""
    return (
        practice.transitions.exclude(comment="")
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def recently_moderated(limit: int = 20) -> QuerySet[PracticeTransition]:
    """Return the latest moves made by the secretariat (published, returned, unpublished)."""
    return (
        PracticeTransition.objects.filter(
            to_state__in=(
                PracticeStatus.PUBLISHED,
                PracticeStatus.RETURNED,
                PracticeStatus.UNPUBLISHED,
            )
        )
        .select_related("practice__city", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )
