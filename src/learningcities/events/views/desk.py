"""The registration desks of an event, its badges, and the participants' letters.

The desk page (secretariat and host organisers) searches participants by
name, city or badge code and checks them in; several desks work at once and
a second check-in of one person is refused, naming who checked them in,
where and when. The counts by category are on the page and on a page of
their own (for a screen beside the desks; it reloads when asked: a page that
refreshes itself fails WCAG 2.2.1); everything works without JavaScript.
Badges (PDF) for the same people; letters (PDF) for whoever may see the
registration.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from learningcities.accounts.rules import is_secretariat
from learningcities.common.access import get_object_for_user_or_404
from learningcities.common.errors import http_status

from ..domain.checkin import DESK_NAME_LENGTH, check_in, event_time, undo_check_in
from ..domain.errors import EventError
from ..domain.queries.desk import check_in_counts, find_participants
from ..domain.queries.registrations import registrations_for_user
from ..interfaces.badges import BadgeFilterForm, badge_registrations, render_badges
from ..interfaces.letters import LetterKind, letter_filename, render_letter
from ..models import Event, Registration

DESK_SESSION_KEY = "events_desk_name"
MAX_QUERY = 200


def _desk_event(request: HttpRequest, slug: str) -> Event | HttpResponse:
    """Return the event whose desk ``request`` opens, or the answer that refuses it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    event = get_object_or_404(Event, slug=slug)
    if not rules.has_perm("events.check_in", request.user, event):
        raise PermissionDenied
    return event


def _desk_name(request: HttpRequest, given: str | None) -> str:
    """Return the desk's name: the one given now (remembered in the session), else remembered."""
    if given is not None:
        name = " ".join(given.split())[:DESK_NAME_LENGTH]
        request.session[DESK_SESSION_KEY] = name
        return name
    return request.session.get(DESK_SESSION_KEY, "")


def _desk_url(event: Event, query: str = "") -> str:
    url = reverse("events:desk", kwargs={"slug": event.slug})
    return f"{url}?{urlencode({'q': query})}" if query else url


def _rows(event: Event, registrations: list[Registration]) -> list[dict]:
    return [
        {
            "registration": registration,
            "confirmed": registration.status == "confirmed",
            "checked_in_when": event_time(registration, registration.checked_in_at)
            if registration.checked_in_at
            else "",
        }
        for registration in registrations
    ]


def _desk_page(
    request: HttpRequest, event: Event, query: str, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    search = find_participants(event, query)
    counts, total = check_in_counts(event)
    context = {
        "event": event,
        "desk_name": _desk_name(request, None),
        "search": search,
        "rows": _rows(event, search.results),
        "counts": counts,
        "total": total,
        "refusal": refusal,
        "can_undo": is_secretariat(request.user),
        "badge_filters": BadgeFilterForm(event=event),
    }
    return render(request, "events/desk/desk.html", context, status=status)


@require_safe
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    """The desk page of event ``slug``: search, results with a check-in button, counts."""
    event = _desk_event(request, slug)
    if isinstance(event, HttpResponse):
        return event
    if "desk" in request.GET:
        _desk_name(request, request.GET["desk"])
    query = request.GET.get("q", "")[:MAX_QUERY]
    return _desk_page(request, event, query)


def _registration_at(event: Event, pk: int) -> Registration:
    return get_object_or_404(Registration.objects.select_related("event"), event=event, pk=pk)


@require_POST
def desk_check_in(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Check registration ``pk`` in at the desk named in the form; a refusal is shown (409)."""
    event = _desk_event(request, slug)
    if isinstance(event, HttpResponse):
        return event
    registration = _registration_at(event, pk)
    desk_name = _desk_name(request, request.POST.get("desk", ""))
    query = request.POST.get("q", "")[:MAX_QUERY]
    try:
        check_in(registration, actor=request.user, desk=desk_name)
    except EventError as error:
        return _desk_page(request, event, query, refusal=error.message, status=http_status(error))
    messages.success(request, _("%(name)s is checked in.") % {"name": registration.name})
    return redirect(_desk_url(event, query))


@require_POST
def desk_undo_check_in(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Take back the check-in of registration ``pk`` (the secretariat only)."""
    event = _desk_event(request, slug)
    if isinstance(event, HttpResponse):
        return event
    registration = _registration_at(event, pk)
    query = request.POST.get("q", "")[:MAX_QUERY]
    try:
        undo_check_in(registration, actor=request.user)
    except EventError as error:
        return _desk_page(request, event, query, refusal=error.message, status=http_status(error))
    messages.success(
        request, _("The check-in of %(name)s is taken back.") % {"name": registration.name}
    )
    return redirect(_desk_url(event, query))


@require_safe
def desk_counts(request: HttpRequest, slug: str) -> HttpResponse:
    """The counts by category: a page of their own, or its fragment alone for htmx."""
    event = _desk_event(request, slug)
    if isinstance(event, HttpResponse):
        return event
    counts, total = check_in_counts(event)
    context = {
        "event": event,
        "counts": counts,
        "total": total,
    }
    template = (
        "events/desk/_counts.html"
        if request.headers.get("HX-Request")
        else "events/desk/counts.html"
    )
    response = render(request, template, context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def badges(request: HttpRequest, slug: str) -> HttpResponse:
    """The badges of the confirmed participants of event ``slug`` (PDF), optionally filtered."""
    event = _desk_event(request, slug)
    if isinstance(event, HttpResponse):
        return event
    form = BadgeFilterForm(request.GET or None, event=event)
    if request.GET and not form.is_valid():
        return render(
            request,
            "events/desk/refused.html",
            {"event": event, "message": _("These filters do not match this event."), "form": form},
            status=400,
        )
    filters = form.cleaned_data if form.is_bound else {}
    category = filters.get("category")
    delegation = filters.get("delegation")
    people = badge_registrations(
        event,
        category_id=category.pk if category else None,
        delegation_id=delegation.pk if delegation else None,
    )
    response = HttpResponse(render_badges(event, people), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="badges-{event.slug}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def letter(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Letter ``kind`` (invitation or visa) of registration ``pk``, in the person's language.

    Open to whoever may see the registration (``registrations_for_user``);
    anyone else gets 404, as for a missing one. A registration not confirmed,
    or a visa letter nobody asked for, is refused with the reason (409).
    """
    if kind not in LetterKind.values:
        raise Http404
    registration = get_object_for_user_or_404(request.user, registrations_for_user, pk=pk)
    try:
        pdf = render_letter(registration, kind)
    except EventError as error:
        return render(
            request,
            "events/desk/refused.html",
            {"event": registration.event, "message": error.message},
            status=http_status(error),
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{letter_filename(registration, kind)}"'
    response["Cache-Control"] = "private, no-store"
    return response
