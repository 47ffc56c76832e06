"""The secretariat edits an event's programme: sessions, and presentations with their speakers."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcities.common.access import permission_required

from ..domain.errors import EventError
from ..domain.programme import (
    create_presentation,
    create_session,
    delete_presentation,
    delete_session,
    update_presentation,
    update_session,
)
from ..domain.queries.programme import (
    places_left,
    programme_for_event,
    unplaced_presentations,
)
from ..interfaces.programme_forms import PresentationForm, SessionForm
from ..models import Event, Presentation, ProgrammeSession

PERMISSION = "events.manage_events"


def _event_or_404(slug: str) -> Event:
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise Http404
    return event


def _session_or_404(event: Event, pk: int) -> ProgrammeSession:
    session = ProgrammeSession.objects.filter(event=event, pk=pk).select_related("event").first()
    if session is None:
        raise Http404
    return session


def _presentation_or_404(event: Event, pk: int) -> Presentation:
    presentation = (
        Presentation.objects.filter(event=event, pk=pk)
        .select_related("event", "session", "city")
        .first()
    )
    if presentation is None:
        raise Http404
    return presentation


def _to_list(event: Event) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("events:programme-manage", kwargs={"slug": event.slug}), status=303
    )


@require_safe
@permission_required(PERMISSION)
def programme_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """List the event's sessions by day with their presentations and places taken.

    Presentations not placed in a session (accepted proposals of the event's
    call for presentations, or those of a removed session) come first, to be placed.
    """
    event = _event_or_404(slug)
    days = [
        {
            "day": day.day,
            "sessions": [{"session": s, "places_left": places_left(s)} for s in day.sessions],
        }
        for day in programme_for_event(event)
    ]
    return render(
        request,
        "events/programme/manage_list.html",
        {"event": event, "days": days, "unplaced": unplaced_presentations(event)},
    )


def _save_session(request: HttpRequest, form: SessionForm, save) -> bool:
    """Run ``save(values)`` for a valid form; put a refused change on the form. Return success."""
    if not form.is_valid():
        return False
    try:
        save(form.session_values())
    except EventError as error:
        form.add_error(None, str(error))
        return False
    return True


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a session to the programme."""
    event = _event_or_404(slug)
    form = SessionForm(request.POST or None, event=event)
    if request.method == "POST" and _save_session(
        request, form, lambda values: create_session(event, actor=request.user, **values)
    ):
        messages.success(request, _("The session was added to the programme."))
        return _to_list(event)
    return render(request, "events/programme/manage_session.html", {"event": event, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a session: times, room, places (not below the places taken)."""
    event = _event_or_404(slug)
    session = _session_or_404(event, pk)
    form = SessionForm(request.POST or None, event=event, instance=session)
    if request.method == "POST" and _save_session(
        request, form, lambda values: update_session(session, actor=request.user, **values)
    ):
        messages.success(request, _("The session was saved."))
        return _to_list(event)
    return render(
        request,
        "events/programme/manage_session.html",
        {"event": event, "form": form, "session": session},
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def session_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask, then remove a session with its sign-ups (its presentations stay, not placed)."""
    event = _event_or_404(slug)
    session = _session_or_404(event, pk)
    if request.method == "POST":
        delete_session(session, actor=request.user)
        messages.success(request, _("The session was removed from the programme."))
        return _to_list(event)
    return render(
        request,
        "events/programme/manage_delete.html",
        {"event": event, "session": session, "signups": session.signups.count()},
    )


def _save_presentation(form: PresentationForm, save) -> bool:
    if not form.is_valid():
        return False
    try:
        save(form.presentation_values())
    except EventError as error:
        form.add_error(None, str(error))
        return False
    return True


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def presentation_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add a presentation (a city, its speakers) to a session."""
    event = _event_or_404(slug)
    session = _session_or_404(event, pk)
    form = PresentationForm(request.POST or None)
    if request.method == "POST" and _save_presentation(
        form, lambda values: create_presentation(session, actor=request.user, **values)
    ):
        messages.success(request, _("The presentation was added."))
        return _to_list(event)
    return render(
        request,
        "events/programme/manage_presentation.html",
        {"event": event, "session": session, "form": form},
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def presentation_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Change a presentation's title, city, speakers or order."""
    event = _event_or_404(slug)
    presentation = _presentation_or_404(event, pk)
    form = PresentationForm(request.POST or None, instance=presentation)
    if request.method == "POST" and _save_presentation(
        form, lambda values: update_presentation(presentation, actor=request.user, **values)
    ):
        messages.success(request, _("The presentation was saved."))
        return _to_list(event)
    return render(
        request,
        "events/programme/manage_presentation.html",
        {
            "event": event,
            "session": presentation.session,
            "presentation": presentation,
            "form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERMISSION)
def presentation_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask, then remove a presentation from its session."""
    event = _event_or_404(slug)
    presentation = _presentation_or_404(event, pk)
    if request.method == "POST":
        delete_presentation(presentation, actor=request.user)
        messages.success(request, _("The presentation was removed."))
        return _to_list(event)
    return render(
        request,
        "events/programme/manage_delete.html",
        {"event": event, "presentation": presentation},
    )
