"""The secretariat's pages of events: the list, an event's settings and status, its venues,
rooms and participant categories. Every page needs ``events.manage_events``; every
write goes through ``domain.events``.
"""

import copy

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcities.common.access import permission_required
from learningcities.common.views.errors import show_error

from ..domain.errors import EventError
from ..domain.events import (
    add_room,
    add_venue,
    create_category,
    create_event,
    delete_category,
    delete_room,
    delete_venue,
    event_machine,
    move_event,
    update_category,
    update_event,
    update_room,
    update_venue,
)
from ..domain.queries.events import (
    categories_for_secretariat,
    event_for_secretariat,
    events_for_secretariat,
    venues_with_rooms,
)
from ..enums import EventKind, EventStatus
from ..interfaces.event_forms import CategoryForm, EventForm, RoomForm, VenueForm
from ..models import Event, ParticipantCategory, Room, Venue

PERM = "events.manage_events"
# Moves that cannot be undone: the page asks for the "I understand" box.
FINAL_STATUSES = frozenset({EventStatus.HELD, EventStatus.CANCELLED})


def _posted(request: HttpRequest):
    """The posted data, or None for a GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def _event(slug: str) -> Event:
    event = event_for_secretariat(slug)
    if event is None:
        raise Http404
    return event


def _moves(event: Event) -> list[dict]:
    """The status buttons of ``event``: each allowed move, whether it needs the box."""
    return [
        {"status": status, "label": EventStatus(status).label, "final": status in FINAL_STATUSES}
        for status in EventStatus.values
        if event_machine.allows(event.status, status)
    ]


@require_safe
@permission_required(PERM)
def event_list(request: HttpRequest) -> HttpResponse:
    """List every event, newest first, filtered by ``kind`` and ``status`` (query string)."""
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    events = list(events_for_secretariat(kind=kind, status=status))
    return render(
        request,
        "events/manage/list.html",
        {
            "events": events,
            "kinds": EventKind.choices,
            "statuses": EventStatus.choices,
            "kind": kind,
            "status": status,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def event_create(request: HttpRequest) -> HttpResponse:
    """Show the form of a new event; POST creates it (planned) through ``create_event``."""
    form = EventForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            organisers = list(form.cleaned_data["organisers"])
            try:
                event = create_event(
                    actor=request.user, organisers=organisers, **form.event_fields()
                )
            except EventError as error:
                status = show_error(request, error, form)
            else:
                messages.success(request, _("The event is created."))
                return redirect("events:manage-edit", slug=event.slug)
    return render(request, "events/manage/event_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Show an event's settings and status buttons; POST saves the settings (``update_event``)."""
    event = _event(slug)
    # The form works on a copy: the domain compares the event before and after.
    form = EventForm(_posted(request), instance=copy.copy(event))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            organisers = list(form.cleaned_data["organisers"])
            try:
                update_event(
                    event, actor=request.user, organisers=organisers, **form.event_fields()
                )
            except EventError as error:
                status = show_error(request, error, form)
            else:
                messages.success(request, _("The event is saved."))
                return redirect("events:manage-edit", slug=event.slug)
    context = {"event": event, "form": form, "moves": _moves(event)}
    return render(request, "events/manage/event_edit.html", context, status=status)


@require_POST
@permission_required(PERM)
def event_move(request: HttpRequest, slug: str) -> HttpResponse:
    """Move the event to the status posted (``to_status``) through ``move_event``.

    A move that cannot be undone (held, cancelled) needs ``confirm=yes``.
    """
    event = _event(slug)
    to_status = request.POST.get("to_status", "")
    if to_status in FINAL_STATUSES and request.POST.get("confirm") != "yes":
        messages.error(request, _("The status was not changed: tick the box to confirm."))
        return redirect("events:manage-edit", slug=event.slug)
    try:
        move_event(event, to_status, actor=request.user)
    except EventError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("The event's status is now “%(status)s”.") % {"status": event.get_status_display()},
        )
    return redirect("events:manage-edit", slug=event.slug)


# Venues and rooms


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def venue_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List the event's venues and rooms; POST adds a venue (``add_venue``)."""
    event = _event(slug)
    form = VenueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        add_venue(event, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The venue is added."))
        return redirect("events:manage-venues", slug=event.slug)
    status = 400 if form.is_bound else 200
    context = {"event": event, "venues": venues_with_rooms(event), "form": form}
    return render(request, "events/manage/venues.html", context, status=status)


def _venue(event: Event, pk: int) -> Venue:
    return get_object_or_404(Venue, event=event, pk=pk)


def _room(event: Event, pk: int) -> Room:
    return get_object_or_404(Room.objects.select_related("venue"), venue__event=event, pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def venue_edit(request: HttpRequest, slug: str, venue_pk: int) -> HttpResponse:
    """Edit a venue (``action=venue``) or add a room to it (``action=room``)."""
    event = _event(slug)
    venue = _venue(event, venue_pk)
    action = request.POST.get("action")
    form = VenueForm(request.POST if action == "venue" else None, instance=copy.copy(venue))
    room_form = RoomForm(request.POST if action == "room" else None, prefix="room")
    if form.is_bound and form.is_valid():
        update_venue(venue, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The venue is saved."))
        return redirect("events:manage-venues", slug=event.slug)
    if room_form.is_bound and room_form.is_valid():
        add_room(venue, actor=request.user, **room_form.cleaned_data)
        messages.success(request, _("The room is added."))
        return redirect("events:manage-venue-edit", slug=event.slug, venue_pk=venue.pk)
    status = 400 if request.method == "POST" else 200
    context = {"event": event, "venue": venue, "form": form, "room_form": room_form}
    return render(request, "events/manage/venue_form.html", context, status=status)


def _confirmed_delete(request, delete, obj, back: str, done: str, message) -> HttpResponse:
    """Delete ``obj`` with ``delete`` if the box was ticked; back to ``back`` on a refusal."""
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Nothing was deleted: tick the box to confirm."))
        return redirect(back)
    try:
        delete(obj, actor=request.user)
    except EventError as error:
        show_error(request, error)
        return redirect(back)
    messages.success(request, message)
    return redirect(done)


@require_POST
@permission_required(PERM)
def venue_delete(request: HttpRequest, slug: str, venue_pk: int) -> HttpResponse:
    """Delete a venue and its rooms (``delete_venue``); needs ``confirm=yes``."""
    event = _event(slug)
    venue = _venue(event, venue_pk)
    back = reverse("events:manage-venue-edit", kwargs={"slug": event.slug, "venue_pk": venue.pk})
    done = reverse("events:manage-venues", kwargs={"slug": event.slug})
    return _confirmed_delete(request, delete_venue, venue, back, done, _("The venue is deleted."))


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def room_edit(request: HttpRequest, slug: str, room_pk: int) -> HttpResponse:
    """Edit a room (``update_room``)."""
    event = _event(slug)
    room = _room(event, room_pk)
    form = RoomForm(_posted(request), instance=copy.copy(room))
    if request.method == "POST" and form.is_valid():
        update_room(room, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The room is saved."))
        return redirect("events:manage-venue-edit", slug=event.slug, venue_pk=room.venue_id)
    status = 400 if form.is_bound else 200
    context = {"event": event, "room": room, "form": form}
    return render(request, "events/manage/room_form.html", context, status=status)


@require_POST
@permission_required(PERM)
def room_delete(request: HttpRequest, slug: str, room_pk: int) -> HttpResponse:
    """Delete a room (``delete_room``); needs ``confirm=yes``."""
    event = _event(slug)
    room = _room(event, room_pk)
    back = reverse("events:manage-room-edit", kwargs={"slug": event.slug, "room_pk": room.pk})
    done = reverse(
        "events:manage-venue-edit", kwargs={"slug": event.slug, "venue_pk": room.venue_id}
    )
    return _confirmed_delete(request, delete_room, room, back, done, _("The room is deleted."))


# Participant categories


def _category(event: Event, pk: int) -> ParticipantCategory:
    return get_object_or_404(ParticipantCategory, event=event, pk=pk)


@require_safe
@permission_required(PERM)
def category_list(request: HttpRequest, slug: str) -> HttpResponse:
    """List the event's participant categories with their places and registrations."""
    event = _event(slug)
    context = {"event": event, "categories": categories_for_secretariat(event)}
    return render(request, "events/manage/categories.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def category_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the form of a new category; POST adds it (``create_category``)."""
    event = _event(slug)
    form = CategoryForm(_posted(request), event=event)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                create_category(event, actor=request.user, **form.category_fields())
            except EventError as error:
                status = show_error(request, error, form)
            else:
                messages.success(request, _("The category is added."))
                return redirect("events:manage-categories", slug=event.slug)
    context = {"event": event, "form": form}
    return render(request, "events/manage/category_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERM)
def category_edit(request: HttpRequest, slug: str, category_pk: int) -> HttpResponse:
    """Show a category's form; POST saves it (``update_category``)."""
    event = _event(slug)
    category = _category(event, category_pk)
    form = CategoryForm(_posted(request), instance=copy.copy(category), event=event)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                update_category(category, actor=request.user, **form.category_fields())
            except EventError as error:
                status = show_error(request, error, form)
            else:
                messages.success(request, _("The category is saved."))
                return redirect("events:manage-categories", slug=event.slug)
    context = {"event": event, "category": category, "form": form}
    return render(request, "events/manage/category_form.html", context, status=status)


@require_POST
@permission_required(PERM)
def category_delete(request: HttpRequest, slug: str, category_pk: int) -> HttpResponse:
    """Delete a category nobody registered in (``delete_category``); needs ``confirm=yes``."""
    event = _event(slug)
    category = _category(event, category_pk)
    back = reverse(
        "events:manage-category-edit", kwargs={"slug": event.slug, "category_pk": category.pk}
    )
    done = reverse("events:manage-categories", kwargs={"slug": event.slug})
    message = _("The category is deleted.")
    return _confirmed_delete(request, delete_category, category, back, done, message)
