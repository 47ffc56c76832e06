"""Events and adopted outcome documents in the site's search (what a visitor may see)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format

from learningcities.common.site_search import Found
from learningcities.common.translated import shown

from ..domain.queries.events import public_events
from ..enums import OutcomeStatus
from ..models import OutcomeDocument

MAX_WORDS = 8


def _matching(rows, query: str, fields: tuple[str, ...]):
    for word in query.split()[:MAX_WORDS]:
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(condition)
    return rows


def find_events(query: str, limit: int) -> tuple[int, list[Found]]:
    """Return how many public events match every word of ``query`` and the newest ``limit``."""
    events = _matching(public_events(), query, ("title", "theme", "host_city__name"))
    found = events.order_by("-starts_on", "pk")[:limit]
    return events.count(), [
        Found(
            title=shown(event, "title"),
            url=event.get_absolute_url(),
            detail=date_format(event.starts_on, "DATE_FORMAT"),
        )
        for event in found
    ]


def find_outcomes(query: str, limit: int) -> tuple[int, list[Found]]:
    """Return how many adopted outcome documents match ``query`` and the newest ``limit``."""
    outcomes = _matching(
        OutcomeDocument.objects.filter(
            status=OutcomeStatus.ADOPTED, event__is_synthetic=False
        ).select_related("event"),
        query,
        ("title", "summary"),
    )
    found = outcomes.order_by("-event__starts_on", "pk")[:limit]
    return outcomes.count(), [
        Found(
            title=shown(outcome, "title"),
            url=reverse("events:outcome", kwargs={"pk": outcome.pk}),
            detail=shown(outcome.event, "title"),
        )
        for outcome in found
    ]
