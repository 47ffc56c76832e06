"""The public pages of events: the list and archive, and each event's page."""

import rules
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..domain.queries.events import (
    award_winners,
    categories_open_for_registration,
    co_organiser_lines,
    event_for_public,
    event_language_names,
    events_for_public_list,
    proposals_phase,
    public_event_years,
)
from ..domain.queries.outcomes import outcome_list_for_user
from ..enums import EventKind


def _year(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and 1900 < int(value) < 3000 else None


@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    """List the events to come (soonest first), then the archive (newest first).

    Filtered by ``kind`` and ``year`` (query string); an unknown value is ignored.
    """
    kind = request.GET.get("kind", "")
    kind = kind if kind in EventKind.values else ""
    year = _year(request.GET.get("year", ""))
    found = events_for_public_list(kind=kind, year=year)
    return render(
        request,
        "events/public/list.html",
        {
            "upcoming": found.upcoming,
            "past": found.past,
            "kinds": EventKind.choices,
            "kind": kind,
            "years": public_event_years(),
            "year": year,
        },
    )


@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show an event: its dates, host, theme, languages, status, award and open categories."""
    event = event_for_public(slug)
    if event is None:
        raise Http404
    return render(
        request,
        "events/public/event.html",
        {
            "event": event,
            "co_organisers": co_organiser_lines(event),
            "working_languages": event_language_names(event.languages),
            "interpretation_languages": event_language_names(event.interpretation),
            "winners": award_winners(event),
            "proposals_phase": proposals_phase(event),
            "categories": categories_open_for_registration(event),
            "outcomes": list(outcome_list_for_user(request.user, event=event)),
            "may_manage": rules.has_perm("events.manage_events", request.user),
            "sees_participants": rules.has_perm("events.view_participants", request.user, event),
        },
    )
