"""The participants of an event, for the secretariat and the host organisers."""

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode

from ..domain.queries import registrations as queries
from ..enums import RegistrationStatus
from ..interfaces.participant_exports import participant_lines
from ..interfaces.registration_forms import ParticipantFilterForm
from ..models import Event

PAGE_SIZE = 100


def _event_for(request, slug: str) -> Event:
    event = get_object_or_404(Event, slug=slug)
    if not rules.has_perm("events.view_participants", request.user, event):
        raise PermissionDenied
    return event


def _filtered(event: Event, form: ParticipantFilterForm):
    found = queries.event_participants(event)
    if not form.is_valid():
        return found.none()
    return queries.filter_participants(found, **form.cleaned_data)


def _counts(event: Event) -> list[tuple[str, int]]:
    counts = queries.registration_counts(event)
    return [(label, counts.get(value, 0)) for value, label in RegistrationStatus.choices]


@login_required
def participants(request, slug):
    event = _event_for(request, slug)
    form = ParticipantFilterForm(request.GET or None, event=event)
    rows = _filtered(event, form) if request.GET else queries.event_participants(event)
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    context = {
        "event": event,
        "form": form,
        "page": page,
        "paginator": paginator,
        "page_links": paginator.get_elided_page_range(page.number),
        "query": query,
        "counts": _counts(event),
    }
    return render(request, "events/registration/participants.html", context)


@login_required
def participants_csv(request, slug):
    event = _event_for(request, slug)
    form = ParticipantFilterForm(request.GET or None, event=event)
    rows = _filtered(event, form) if request.GET else queries.event_participants(event)
    response = StreamingHttpResponse(
        participant_lines(rows.iterator(chunk_size=500)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="participants-{event.slug}.csv"'
    return response
