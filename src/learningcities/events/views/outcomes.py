"""Outcome documents for everyone: the list across events, a document's page and its files.

Coordinators of member cities also act here: they endorse an adopted
document on their city's behalf (or withdraw it) and comment on a draft
shared for comment. The secretariat's pages are in ``outcomes_manage``.
"""

import re

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcities.common.access import get_object_for_user_or_404
from learningcities.common.storage import private_storage
from learningcities.common.views.errors import show_error

from ..domain.errors import EventError
from ..domain.outcomes import comment_on_outcome, endorse_outcome, withdraw_outcome_endorsement
from ..domain.queries.outcomes import (
    events_with_outcomes_for_user,
    member_cities_for_user,
    outcome_files_for_user,
    outcome_list_for_user,
    outcome_page_for_user,
    outcomes_for_user,
)
from ..enums import OutcomeStatus
from ..interfaces.outcome_forms import CityForm, CommentForm
from ..models import Event

SLUG = re.compile(r"[-a-zA-Z0-9_]+")


@require_safe
def outcome_list(request: HttpRequest) -> HttpResponse:
    """List the outcome documents across events: adopted first, then drafts the person may read.

    ``?event=<slug>`` keeps one event's; an unknown event answers 404.
    """
    event = None
    slug = request.GET.get("event", "").strip()
    if slug:
        # Not a slug (NUL bytes, spaces): no event has it, and PostgreSQL refuses NUL.
        event = Event.objects.filter(slug=slug).first() if SLUG.fullmatch(slug) else None
        if event is None:
            raise Http404
    outcomes = list(outcome_list_for_user(request.user, event=event))
    return render(
        request,
        "events/outcomes/list.html",
        {
            "outcomes": outcomes,
            "event": event,
            "events": events_with_outcomes_for_user(request.user),
            "can_manage": request.user.has_perm("events.manage_events"),
        },
    )


def _outcome_page(request, outcome, *, comment_form=None, status=200) -> HttpResponse:
    page = outcome_page_for_user(request.user, outcome)
    if comment_form is None and page.open_for_comment and page.my_cities:
        comment_form = CommentForm(cities=member_cities_for_user(request.user))
    return render(
        request,
        "events/outcomes/detail.html",
        {
            "page": page,
            "outcome": outcome,
            "event": outcome.event,
            "comment_form": comment_form,
            "can_manage": request.user.has_perm("events.manage_events"),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def outcome_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an outcome document: summary, adoption, files by language, endorsing cities.

    A coordinator of a member city sees the buttons to endorse on the
    city's behalf (or withdraw) and, on a draft open for comment, the
    comment form, which POSTs here (``comment_on_outcome``); the
    secretariat reads the comments. A draft the person may not read is 404.
    """
    outcome = get_object_for_user_or_404(request.user, outcomes_for_user, pk=pk)
    if request.method != "POST":
        return _outcome_page(request, outcome)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    cities = _member_cities_or_403(request.user)
    form = CommentForm(request.POST, cities=cities)
    if form.is_valid():
        try:
            comment_on_outcome(
                outcome,
                city=form.cleaned_data["city"],
                author=request.user,
                text=form.cleaned_data["text"],
            )
        except EventError as error:
            return _outcome_page(
                request, outcome, comment_form=form, status=show_error(request, error, form)
            )
        messages.success(
            request,
            _("The comment of %(city)s is sent to the secretariat.")
            % {"city": form.cleaned_data["city"]},
        )
        return redirect("events:outcome", pk=outcome.pk)
    return _outcome_page(request, outcome, comment_form=form, status=400)


def _member_cities_or_403(user):
    """Return the member cities ``user`` coordinates; 403 for a person who coordinates none."""
    cities = member_cities_for_user(user)
    if not cities.exists():
        raise PermissionDenied
    return cities


def _city_action(request, pk: int, action) -> HttpResponse:
    outcome = get_object_for_user_or_404(request.user, outcomes_for_user, pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("events:outcome", kwargs={"pk": outcome.pk}))
    cities = _member_cities_or_403(request.user)
    form = CityForm(request.POST, cities=cities)
    if not form.is_valid():
        messages.error(request, _("Choose one of the member cities you coordinate."))
        return _outcome_page(request, outcome, status=400)
    city = form.cleaned_data["city"]
    try:
        message = action(outcome, city=city, actor=request.user)
    except EventError as error:
        return _outcome_page(request, outcome, status=show_error(request, error))
    messages.success(request, message % {"city": city})
    return redirect("events:outcome", pk=outcome.pk)


def _endorse(outcome, *, city, actor) -> str:
    endorse_outcome(outcome, city=city, actor=actor)
    return _("%(city)s now endorses this outcome document.")


def _withdraw(outcome, *, city, actor) -> str:
    withdraw_outcome_endorsement(outcome, city=city, actor=actor)
    return _("%(city)s no longer endorses this outcome document.")


@require_POST
def outcome_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    """Endorse an adopted outcome document on behalf of a member city the person coordinates."""
    return _city_action(request, pk, _endorse)


@require_POST
def outcome_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a member city's endorsement of an outcome document."""
    return _city_action(request, pk, _withdraw)


@require_safe
def outcome_file(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    """Stream an outcome document's text in ``language`` to a person who may read the document.

    Anyone once it is adopted (cached by shared caches a short while); a
    draft's file only to the secretariat and, once shared, to member cities'
    coordinators (never cached by shared caches). Others get 404. Served like
    every stored document: no sniffing, the content sandboxed.
    """
    found = get_object_for_user_or_404(
        request.user, outcome_files_for_user, outcome_id=pk, language=language
    )
    document = found.document
    try:
        handle = private_storage().open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    if found.outcome.status == OutcomeStatus.ADOPTED:
        patch_cache_control(response, public=True, max_age=300)
    else:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
        response["Vary"] = "Cookie"
    return response
