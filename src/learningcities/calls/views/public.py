"""The public "Join the network" pages: how membership works, the calls, the award's winners.

Open to everyone and cached for anonymous visitors like the register's pages
(network.views.caching), under a key that changes when a call changes (its
revision), opens or closes, when an award win is recorded, and with the
register's revision (a release bumps it).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from learningcities.network.views.caching import Page, cached_page

from ..domain.calls import CallPhase, call_phase
from ..domain.profile import asks_whole_profile
from ..domain.queries.public import (
    award_editions,
    call_for_public,
    call_texts,
    calls_for_join_page,
    join_page_key,
    required_documents,
    who_may_apply,
)
from ..enums import CallKind
from ..models import Call


def call_summary(call: Call, now) -> dict:
    """Return what the pages show of one call: phase, timeline in its zone, rules, documents.

    ``whole_profile``: whether the city's profile is asked for in full (a call
    for presentations asks for a contact and a motivation only).
    """
    return {
        "call": call,
        "is_award": call.kind == CallKind.AWARD,
        "whole_profile": asks_whole_profile(call),
        "phase": call_phase(call, now=now),
        "rules": who_may_apply(call),
        "documents": required_documents(call),
        **call_texts(call),
    }


def build_join() -> Page:
    now = timezone.now()
    calls = [call_summary(call, now) for call in calls_for_join_page(now)]
    return (
        "calls/public/join.html",
        {
            "open_calls": [item for item in calls if item["phase"] == CallPhase.OPEN],
            "upcoming_calls": [item for item in calls if item["phase"] == CallPhase.UPCOMING],
            "editions": award_editions(),
        },
    )


@require_safe
def join(request: HttpRequest) -> HttpResponse:
    """Explain how a city joins the network; list the open and upcoming calls and the winners."""
    return cached_page(request, "join|" + join_page_key(), build_join)


def build_call(pk: int) -> Page:
    call = call_for_public(pk)
    if call is None:
        raise Http404
    return ("calls/public/call.html", {"item": call_summary(call, timezone.now())})


@require_safe
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one call in full: who may apply, its timeline, documents and texts."""
    return cached_page(request, f"join-call|{join_page_key()}", lambda: build_call(pk))
