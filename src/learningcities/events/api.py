"""REST API v1 of events: events, their programme and outcome documents (public); registrations.

Public and read-only: the events a visitor sees on the pages (all but
synthetic ones), each event's programme sessions with their presentations
(times in ISO 8601 with the offset of the event's time zone), and the adopted
outcome documents across events. Texts come in the language of
Accept-Language when translated (else in their original), labels always.

Registrations of an event need a session (401 without one) and follow the
pages' rules (``domain.queries.registrations.registrations_for_user``): the
secretariat and the host's organisers see every registration of the event, the
managers of a delegation those of their delegation, a National Commission
those it approves, a person their own; anyone else 403 (code
``not_permitted``). A passport number is never part of any answer. The session
is checked by the handler rather than by ninja's ``django_auth``, so the
document lists this operation's 401 without a security scheme.
"""

import zoneinfo
from typing import Annotated

import rules
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.security import django_auth
from pydantic import WithJsonSchema

from learningcities.accounts.enums import Scope
from learningcities.accounts.interfaces.api_auth import TokenAuth, session_or_anonymous
from learningcities.api.errors import (
    BODY_REFUSALS,
    REFUSALS,
    SESSION_REFUSALS,
    NotFoundOut,
    RefusalOut,
    UnauthorizedOut,
    query_choice,
)
from learningcities.api.pagination import (
    DEFAULT_PAGE_SIZE,
    PageCursor,
    PageNumber,
    PageSize,
    paginate,
)
from learningcities.common.translated import shown
from learningcities.network.interfaces.api_cache import cached_json_response

from .domain.errors import EventError
from .domain.queries.events import event_for_public, public_events
from .domain.queries.outcomes import outcome_list_for_user
from .domain.queries.programme import event_zone, places_left, sessions_for_event
from .domain.queries.registrations import (
    delegation_options,
    delegations_for_user,
    registrations_for_user,
)
from .domain.registrations import create_delegation
from .domain.revision import events_revision
from .enums import EventKind, EventStatus, OutcomeStatus, RegistrationStatus, SessionKind
from .models import Event, OutcomeDocument, ProgrammeSession, Registration
from .schemas import (
    DelegationIn,
    DelegationOut,
    EventDetailOut,
    EventPage,
    OutcomePage,
    RegistrationPage,
    SessionListOut,
)

router = Router(tags=["events"])

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
EventSlug = Annotated[
    str,
    Path(
        description="The event's address name, as in its page's URL.",
        pattern=SLUG_PATTERN,
        max_length=100,
        example="jubail-2024",
    ),
]
_EMPTY = ""
KindParam = Annotated[
    str | None, WithJsonSchema({"type": "string", "enum": [*EventKind.values, _EMPTY]})
]
StatusParam = Annotated[
    str | None, WithJsonSchema({"type": "string", "enum": [*EventStatus.values, _EMPTY]})
]
RegistrationStatusParam = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "enum": [*RegistrationStatus.values, _EMPTY]}),
]
YearParam = Annotated[
    int | None, WithJsonSchema({"type": "integer", "minimum": 1900, "maximum": 2100})
]
_PUBLIC = {**REFUSALS}
_PUBLIC_404 = {**REFUSALS, 404: NotFoundOut}


def _not_found(slug: str) -> Status:
    return Status(
        404, {"detail": _("There is no event with the address %(slug)s.") % {"slug": slug}}
    )


# Items -------------------------------------------------------------------------


def _city(city) -> dict | None:
    return {"id": city.pk, "name": city.name} if city is not None else None


def _event_item(request: HttpRequest, event: Event) -> dict:
    country = event.host_country or (event.host_city.country if event.host_city else None)
    return {
        "id": event.pk,
        "slug": event.slug,
        "kind": event.kind,
        "kind_label": str(EventKind(event.kind).label),
        "title": shown(event, "title"),
        "edition": event.edition,
        "theme": shown(event, "theme"),
        "status": event.status,
        "status_label": str(EventStatus(event.status).label),
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "time_zone": event.time_zone,
        "attendance": event.attendance,
        "host_city": _city(event.host_city),
        "host_country": country.code if country else None,
        "host_country_name": country.display_name if country else None,
        "languages": list(event.languages or []),
        "interpretation": list(event.interpretation or []),
        "url": request.build_absolute_uri(event.get_absolute_url()),
    }


def _session_item(session: ProgrammeSession, zone: zoneinfo.ZoneInfo) -> dict:
    room = session.room
    return {
        "id": session.pk,
        "kind": session.kind,
        "kind_label": str(SessionKind(session.kind).label),
        "title": shown(session, "title"),
        "description": shown(session, "description"),
        "starts_at": session.starts_at.astimezone(zone),
        "ends_at": session.ends_at.astimezone(zone),
        "room": {"name": room.name, "venue": room.venue.name} if room else None,
        "place": session.place,
        "capacity": session.capacity,
        "places_left": places_left(session),
        "presentations": [
            {
                "id": presentation.pk,
                "title": presentation.title,
                "city": _city(presentation.city),
                "city_id": presentation.city_id,
            }
            for presentation in session.presentations.all()
        ],
    }


def _outcome_item(outcome: OutcomeDocument) -> dict:
    event = outcome.event
    return {
        "id": outcome.pk,
        "title": shown(outcome, "title"),
        "summary": shown(outcome, "summary"),
        "event": {"slug": event.slug, "title": shown(event, "title")},
        "adopted_on": outcome.adopted_on,
        "languages": sorted(f.language for f in outcome.files.all()),
        "endorsements": outcome.n_endorsements,
        "source": outcome.source,
    }


def registration_item(registration: Registration) -> dict:
    """A registration as the API shows it: what the event needs, never the passport number."""
    category = registration.category
    return {
        "id": registration.pk,
        "name": registration.name,
        "email": registration.email,
        "job_title": registration.job_title,
        "organisation": registration.organisation_name,
        "city": _city(registration.city),
        "city_name": registration.city_name,
        "country": registration.country_id,
        "country_name": registration.country.display_name,
        "category": {"kind": category.kind, "name": shown(category, "name")},
        "delegation_id": registration.delegation_id,
        "status": registration.status,
        "status_label": str(RegistrationStatus(registration.status).label),
        "registered_at": registration.registered_at,
        "checked_in_at": registration.checked_in_at,
    }


# Endpoints ---------------------------------------------------------------------


@router.get(
    "/events",
    response={200: EventPage, **_PUBLIC},
    summary="Events",
    description=(
        "Conferences, members' meetings, regional and cluster meetings and webinars of the "
        "network, newest first, in pages. Filters combine (all must hold)."
    ),
    operation_id="list_events",
    url_name="list_events",
)
def list_events(
    request: HttpRequest,
    kind: Annotated[
        KindParam,
        Query(None, description="The kind of event (empty: any).", example="conference"),
    ] = None,
    year: Annotated[
        YearParam,
        Query(None, ge=1900, le=2100, description="The year it starts in.", example=2024),
    ] = None,
    status: Annotated[
        StatusParam,
        Query(None, description="Where it stands (empty: any).", example="held"),
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):
    kind = query_choice("kind", kind, EventKind.values)
    status = query_choice("status", status, EventStatus.values)
    params = {
        key: str(value)
        for key, value in {"kind": kind, "year": year, "status": status}.items()
        if value
    }

    def build() -> EventPage:
        events = public_events()
        if kind:
            events = events.filter(kind=kind)
        if year:
            events = events.filter(starts_on__year=year)
        if status:
            events = events.filter(status=status)
        return EventPage.model_validate(
            paginate(
                request,
                events.order_by("-starts_on", "pk"),
                params=params,
                page=page,
                page_size=page_size,
                cursor=cursor,
                item=lambda event: _event_item(request, event),
            )
        )

    return cached_json_response(
        request,
        {**params, "page": page, "page_size": page_size, "cursor": cursor},
        build,
        revision=events_revision,
        namespace="events",
    )


@router.get(
    "/events/{slug}",
    response={200: EventDetailOut, **_PUBLIC_404},
    summary="One event",
    description="An event as in the list, with its description, co-organisers and adopted "
    "outcome documents.",
    operation_id="get_event",
    url_name="get_event",
)
def get_event(request: HttpRequest, slug: EventSlug):
    event = event_for_public(slug)
    if event is None:
        return _not_found(slug)
    outcomes = event.outcomes.filter(status=OutcomeStatus.ADOPTED).order_by("adopted_on", "pk")
    return Status(
        200,
        {
            **_event_item(request, event),
            "description": shown(event, "description"),
            "co_organisers": [
                line.strip() for line in event.co_organisers.splitlines() if line.strip()
            ],
            "reported_participants": event.reported_participants,
            "reported_countries": event.reported_countries,
            "outcomes": [
                {
                    "id": outcome.pk,
                    "title": shown(outcome, "title"),
                    "status": outcome.status,
                    "adopted_on": outcome.adopted_on,
                }
                for outcome in outcomes
            ],
        },
    )


@router.get(
    "/events/{slug}/sessions",
    response={200: SessionListOut, **_PUBLIC_404},
    summary="An event's programme",
    description=(
        "Every session of the event by start: times in ISO 8601 with the offset of the "
        "event's time zone, room and venue, places for sessions with sign-up, and the "
        "presentations with the ids of the cities they present."
    ),
    operation_id="list_event_sessions",
    url_name="list_event_sessions",
)
def list_event_sessions(request: HttpRequest, slug: EventSlug):
    event = event_for_public(slug)
    if event is None:
        return _not_found(slug)
    zone = event_zone(event)
    return Status(
        200,
        {
            "event": {"slug": event.slug, "title": shown(event, "title")},
            "time_zone": event.time_zone,
            "sessions": [_session_item(session, zone) for session in sessions_for_event(event)],
        },
    )


@router.get(
    "/outcomes",
    response={200: OutcomePage, **_PUBLIC},
    summary="Outcome documents",
    description=(
        "The outcome documents adopted at the network's events (declarations, statements, "
        "calls to action), most recently adopted first, in pages; drafts are never listed."
    ),
    operation_id="list_outcomes",
    url_name="list_outcomes",
)
def list_outcomes(
    request: HttpRequest,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):

    def build() -> OutcomePage:
        outcomes = (
            outcome_list_for_user(AnonymousUser())
            .filter(status=OutcomeStatus.ADOPTED, event__is_synthetic=False)
            .order_by("-adopted_on", "-event__starts_on", "title", "pk")
        )
        return OutcomePage.model_validate(
            paginate(
                request,
                outcomes,
                params={},
                page=page,
                page_size=page_size,
                cursor=cursor,
                item=_outcome_item,
            )
        )

    # Every write an outcome document's item shows moves its event's revision on.
    return cached_json_response(
        request,
        {"page": page, "page_size": page_size, "cursor": cursor},
        build,
        revision=events_revision,
        namespace="outcomes",
    )


def _may_see_registrations(user, event: Event) -> bool:
    """Whether ``user`` sees all of the event's registrations or manages some of them."""
    if rules.has_perm("events.view_participants", user, event):
        return True
    return delegations_for_user(user).filter(event=event).exists()


@router.get(
    "/events/{slug}/registrations",
    response={
        200: RegistrationPage,
        401: UnauthorizedOut,
        **REFUSALS,
        404: NotFoundOut,
    },
    summary="An event's registrations you may see (session or token needed)",
    description=(
        "The secretariat and the host's organisers: every registration of the event; the "
        "managers of a delegation: their delegation's; a National Commission: those it "
        "approves; a person: their own. In registration order, in pages. 401 without a "
        "session or a token (a token needs `registrations:read`); 403 (code "
        "`not_permitted`) to anyone who may see none of them. Personal data is what the "
        "event needs; a passport number is never included."
    ),
    operation_id="list_event_registrations",
    url_name="list_event_registrations",
    auth=[TokenAuth(Scope.REGISTRATIONS_READ), session_or_anonymous],
)
def list_event_registrations(
    request: HttpRequest,
    slug: EventSlug,
    status: Annotated[
        RegistrationStatusParam,
        Query(None, description="Only registrations in this state (empty: any).", example=""),
    ] = None,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):
    user = request.user
    if not user.is_authenticated:
        return Status(401, {"detail": _("Log in to see registrations.")})
    status = query_choice("status", status, RegistrationStatus.values)
    event = event_for_public(slug)
    if event is None:
        return _not_found(slug)
    registrations = registrations_for_user(user).filter(event=event)
    if not _may_see_registrations(user, event) and not registrations.exists():
        return Status(
            403,
            {
                "detail": _("You may not see the registrations of this event."),
                "code": "not_permitted",
            },
        )
    if status:
        registrations = registrations.filter(status=status)
    return paginate(
        request,
        registrations.order_by("registered_at", "pk"),
        params={"status": status} if status else {},
        page=page,
        page_size=page_size,
        cursor=cursor,
        item=registration_item,
    )


@router.post(
    "/events/{slug}/delegations",
    response={
        201: DelegationOut,
        **SESSION_REFUSALS,
        **BODY_REFUSALS,
        404: NotFoundOut,
        409: RefusalOut,
    },
    summary="Register a delegation (a token with registrations:write, or a session)",
    description=(
        "Opens your city's or your country's delegation to an event whose registration is "
        "open, headed by you (a token's maker), as the event's registration page does; its "
        "people then add the delegates on its page (`url`). A token opens only its own "
        "organisation's delegation. 403 (code `not_permitted`) to anyone who may not open "
        "it; 409 (code `delegation_exists`) when it is open already, naming its head; 404 "
        "an event that does not exist."
    ),
    operation_id="register_delegation",
    url_name="register_delegation",
    auth=[TokenAuth(Scope.REGISTRATIONS_WRITE), django_auth],
)
def register_delegation(request: HttpRequest, slug: EventSlug, body: DelegationIn):
    user = request.user
    event = event_for_public(slug)
    if event is None:
        return _not_found(slug)
    if not rules.has_perm("events.register_delegation", user, event):
        raise EventError(
            _("You may not register a delegation to this event now."), code="not_permitted"
        )
    options = [option for option in delegation_options(user, event) if option["kind"] == body.kind]
    token = getattr(request, "api_token", None)
    if token is not None:
        options = [o for o in options if o["organisation"].pk == token.organisation_id]
    if body.city is not None:
        options = [o for o in options if o["city"] is not None and o["city"].pk == body.city]
    if not options:
        raise EventError(
            _("You may not open a delegation of this kind to this event."), code="not_permitted"
        )
    option = options[0]
    delegation = create_delegation(
        event,
        kind=option["kind"],
        organisation=option["organisation"],
        head=user,
        city=option["city"],
        country=option["country"],
    )
    return Status(
        201,
        {
            "id": delegation.pk,
            "kind": delegation.kind,
            "event": {"slug": event.slug, "title": shown(event, "title")},
            "city": _city(delegation.city),
            "country": delegation.country_id,
            "organisation": delegation.organisation.name,
            "url": request.build_absolute_uri(reverse("events:delegation", args=[delegation.pk])),
        },
    )
