"""The programme of an event: the public schedule, a person's agenda, sign-ups and the feeds.

The schedule is public; a logged-in confirmed participant sees, beside each
session that has places, a button to sign up, to join the waiting list, to
take or decline an offered place, or to give the place back. The iCalendar
feed of a person's agenda opens without login, by the signed token in its
address (calendar programs cannot log in).

Visitors who are not logged in get the schedule from the cache, as the
register's pages (network.views.caching): one page per event, programme
revision (domain.revision), register revision, language, day and address.
Times are drawn in the event's zone; the viewer's own zone is added in the
browser (local-time.js), so no page depends on the viewer's zone.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.db import router
from django.db.models import Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from learningcities.common.changes import watch
from learningcities.common.prepared import PreparedSelect
from learningcities.common.translated import shown
from learningcities.common.views.errors import show_error
from learningcities.network.domain.queries.revision import cached_at_revision
from learningcities.network.models import NetworkRevision
from learningcities.network.views.caching import Page, page_cache_key, page_response, render_page
from learningcities.practices.models import PracticesRevision

from ..domain import revision  # noqa: F401 (connects the receivers that move the revision on)
from ..domain.errors import EventError
from ..domain.programme import accept_offer, cancel_signup, decline_offer, sign_up
from ..domain.queries.events import public_events
from ..domain.queries.programme import (
    agenda_sessions,
    event_zone,
    group_by_day,
    pending_signups,
    places_left,
    programme_for_event,
    registration_for_person,
    sessions_for_event,
    signups_by_session,
)
from ..enums import SignupStatus
from ..interfaces.calendar import (
    agenda_calendar_name,
    agenda_token,
    programme_calendar,
    user_id_of_token,
)
from ..models import Event, ProgrammeSession, SessionSignup

CALENDAR_TYPE = "text/calendar; charset=utf-8"


def _event_or_404(slug: str) -> Event:
    event = public_events().filter(slug=slug).first()
    if event is None:
        raise Http404
    return event


def _rows(days, signups: dict) -> list[dict]:
    """Return the days for the template, each session with its places left and sign-up."""
    return [
        {
            "day": day.day,
            "sessions": [
                {
                    "session": session,
                    "places_left": places_left(session),
                    "signup": signups.get(session.pk),
                }
                for session in day.sessions
            ],
        }
        for day in days
    ]


def _schedule(slug: str, user) -> Page:
    """The schedule page of the event for ``user`` (anonymous: the page every visitor gets)."""
    event = _event_or_404(slug)
    registration = registration_for_person(event, user)
    return (
        "events/programme/schedule.html",
        {
            "event": event,
            "days": _rows(programme_for_event(event), signups_by_session(registration)),
            "registration": registration,
            "statuses": SignupStatus,
        },
    )


# The key of a visitor's schedule in one indexed read: the event the address names
# (if a visitor may see it) with its programme's revision (domain.revision), and the
# register's revision (cities and countries on the page; network.domain.revision) and the
# library's (the practices presentations link; practices.domain.revision).
_PAGE_KEY = PreparedSelect(
    lambda register, library, slug: Event.objects.filter(slug=slug).values_list(
        "pk",
        "is_synthetic",
        "updated_at",
        Subquery(NetworkRevision.objects.filter(pk=register).values("number")),
        # The library's: a linked practice's title, or its withdrawal.
        Subquery(PracticesRevision.objects.filter(pk=library).values("number")),
    ),
    (1, 2, "-"),
)


@require_safe
def programme(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the event's schedule by day, in its time zone, with the sign-up buttons."""
    # Without a session cookie the visitor is anonymous (as in network.views.caching).
    if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
        template_name, context = _schedule(slug, request.user)
        return render(request, template_name, context)
    # On PostgreSQL the process keeps the row until an event or the register changes.
    row = watch.watched(
        ("programme", slug), lambda: _PAGE_KEY.first(1, 1, slug, using=router.db_for_read(Event))
    )
    if row is None or row[1]:
        raise Http404
    pk, _synthetic, programme_revision, register, library = row
    # As network.views.caching.cached_page, with both revisions read in one query.
    name = f"programme|{pk}|{programme_revision.isoformat()}|{library or 0}"
    html = cached_at_revision(
        register or 0,
        page_cache_key(request, name),
        lambda: render_page(request, _anonymous_schedule(slug)),
    )
    return page_response(request, html)


def _anonymous_schedule(slug: str) -> Page:
    template_name, context = _schedule(slug, AnonymousUser())
    # Messages wait for a page drawn for the person (the shared page shows none).
    return template_name, {**context, "messages": ()}


@require_safe
def programme_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """Return the whole programme of the event as an iCalendar feed."""
    event = _event_or_404(slug)
    body = programme_calendar(event, list(sessions_for_event(event)))
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'inline; filename="{event.slug}.ics"'
    return response


@require_safe
def agenda_ics(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """Return a person's agenda for the event as an iCalendar feed (opened by its token)."""
    event = _event_or_404(slug)
    user_id = user_id_of_token(token)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise Http404
    sessions = agenda_sessions(event, user, registration_for_person(event, user))
    body = programme_calendar(event, sessions, name=agenda_calendar_name(event))
    response = HttpResponse(body, content_type=CALENDAR_TYPE)
    response["Content-Disposition"] = f'inline; filename="{event.slug}-agenda.ics"'
    return response


@require_safe
@login_required
def agenda(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the person's own agenda: their sessions by day, offers and waiting places."""
    event = _event_or_404(slug)
    registration = registration_for_person(event, request.user)
    days = group_by_day(event, agenda_sessions(event, request.user, registration))
    return render(
        request,
        "events/programme/agenda.html",
        {
            "event": event,
            "registration": registration,
            "days": _rows(days, signups_by_session(registration)),
            "pending": pending_signups(registration),
            "statuses": SignupStatus,
            "feed_url": request.build_absolute_uri(
                reverse(
                    "events:agenda-ics", kwargs={"slug": slug, "token": agenda_token(request.user)}
                )
            ),
            "zone": event_zone(event),
        },
    )


def _back(request: HttpRequest, event: Event) -> HttpResponseRedirect:
    """Go back where the form was (the schedule or the agenda), never to another site."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("events:programme", kwargs={"slug": event.slug})
    return HttpResponseRedirect(target, status=303)


def _session_or_404(event: Event, pk: int) -> ProgrammeSession:
    session = ProgrammeSession.objects.filter(event=event, pk=pk).first()
    if session is None:
        raise Http404
    return session


def _own_signup_or_404(request: HttpRequest, event: Event, pk: int) -> SessionSignup:
    signup = (
        SessionSignup.objects.filter(
            session__event=event, session_id=pk, registration__user=request.user
        )
        .select_related("session", "registration")
        .order_by("-created_at")
        .first()
    )
    if signup is None:
        raise Http404
    return signup


SIGNUP_MESSAGES = {
    SignupStatus.SIGNED_UP: gettext_lazy("You are signed up for “%(session)s”."),
    SignupStatus.WAITING: gettext_lazy(
        "“%(session)s” is full: you are on its waiting list. We will write to you if a "
        "place is offered to you."
    ),
}


@require_POST
@login_required
def session_sign_up(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Sign the person up for a session: a place if one is free, else the waiting list."""
    event = _event_or_404(slug)
    session = _session_or_404(event, pk)
    registration = registration_for_person(event, request.user)
    if registration is None:
        messages.error(request, _("Only confirmed participants may sign up for sessions."))
        return _back(request, event)
    try:
        signup = sign_up(session, registration, actor=request.user)
    except EventError as error:
        show_error(request, error)
    else:
        messages.success(
            request, SIGNUP_MESSAGES[signup.status] % {"session": shown(session, "title")}
        )
    return _back(request, event)


def _act_on_signup(request: HttpRequest, slug: str, pk: int, action, done: str) -> HttpResponse:
    event = _event_or_404(slug)
    signup = _own_signup_or_404(request, event, pk)
    try:
        action(signup, actor=request.user)
    except EventError as error:
        show_error(request, error)
    else:
        messages.success(request, done % {"session": shown(signup.session, "title")})
    return _back(request, event)


@require_POST
@login_required
def session_cancel(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Give back the person's place (or leave the waiting list) of a session."""
    return _act_on_signup(
        request, slug, pk, cancel_signup, _("You are no longer signed up for “%(session)s”.")
    )


@require_POST
@login_required
def session_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Take the place offered to the person in a session."""
    return _act_on_signup(
        request, slug, pk, accept_offer, _("You took the place in “%(session)s”.")
    )


@require_POST
@login_required
def session_decline(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Refuse the place offered to the person; it goes to the next on the waiting list."""
    return _act_on_signup(
        request, slug, pk, decline_offer, _("You declined the place in “%(session)s”.")
    )
