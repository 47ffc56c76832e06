"""The secretariat's register screens: find a city, edit it, end a membership, locate places.

Every view needs ``network.change_register`` (the secretariat and operators);
objects are fetched through the ``*_for_register`` queries, so an id that is
missing or not visible answers 404. Writes go through the network domain
(activity logged, register revision bumped: public pages and statistics
change on the next request); its refusals come back as form errors.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.views.errors import show_error

from ..domain.cities import CityChangeError, place_city, update_city
from ..domain.memberships import end_membership
from ..domain.queries.register import (
    cities_for_register,
    memberships_for_register,
    places_to_locate_for_user,
)
from ..enums import LocationIssue, MembershipStatus
from ..exceptions import NetworkError
from ..gazetteer import default_gazetteer, describe_place
from ..interfaces.register_forms import CityForm, MembershipEndForm, RegisterSearchForm
from ..models import City, Membership

PAGE_SIZE = 50
CHANGE_REGISTER = "network.change_register"


def _page(request: HttpRequest, queryset):
    """Return the requested page and the query string without ``page`` (for its links)."""
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def _search(request: HttpRequest) -> tuple[RegisterSearchForm, str]:
    form = RegisterSearchForm(request.GET or None)
    return form, (form.cleaned_data["q"] if form.is_valid() else "")


def activity_query(obj) -> str:
    """Return the ``object=`` value that filters the workspace's activity log to ``obj``."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return f"{content_type.pk}:{obj.pk}"


@require_safe
@permission_required(CHANGE_REGISTER)
def register(request: HttpRequest) -> HttpResponse:
    """List the cities of the register, searched by name, area or country, to edit them."""
    form, q = _search(request)
    page, query = _page(request, cities_for_register(request.user, q=q))
    return render(
        request,
        "network/workspace/cities.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "to_locate": places_to_locate_for_user(request.user).count(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(CHANGE_REGISTER)
def register_city(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a city's names, area, location, population, website, description and contact."""
    city = get_object_for_user_or_404(request.user, cities_for_register, pk=pk)
    form = CityForm(request.POST or None, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_city(city, actor=request.user, **form.changes())
        except CityChangeError as error:
            form.add_domain_error(error)
        else:
            if changed:
                messages.success(request, _("%(name)s has been saved.") % {"name": city.name})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("network:register-city", pk=city.pk)
    memberships = list(memberships_for_register(request.user).filter(city=city))
    return render(
        request,
        "network/workspace/city.html",
        {
            "city": city,
            "form": form,
            "memberships": memberships,
            "active": MembershipStatus.ACTIVE,
            "is_public": bool(memberships),
            "activity_query": activity_query(city),
            "issue": LocationIssue(city.location_issue).label if city.location_issue else "",
            "tiles_url": getattr(settings, "LC_MAP_TILES_URL", ""),
            "tiles_attribution": getattr(settings, "LC_MAP_TILES_ATTRIBUTION", ""),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(CHANGE_REGISTER)
def membership_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a city's membership lapsed or was withdrawn, with its date and reason."""
    membership: Membership = get_object_for_user_or_404(
        request.user, memberships_for_register, pk=pk
    )
    city = membership.city
    if membership.status != MembershipStatus.ACTIVE:
        messages.info(
            request,
            _("This membership of %(city)s has already ended.") % {"city": city.name},
        )
        return redirect("network:register-city", pk=city.pk)
    form = MembershipEndForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            end_membership(
                membership,
                status=data["status"],
                ended_on=data["ended_on"],
                reason=data["reason"],
                actor=request.user,
            )
        except NetworkError as error:
            show_error(request, error, form)
        else:
            messages.success(
                request,
                _("The membership of %(city)s has ended; the register shows it now.")
                % {"city": city.name},
            )
            return redirect("network:register-city", pk=city.pk)
    return render(
        request,
        "network/workspace/membership_end.html",
        {"membership": membership, "city": city, "form": form},
    )


@require_safe
@permission_required(CHANGE_REGISTER)
def places(request: HttpRequest) -> HttpResponse:
    """List the cities without coordinates (the gazetteer could not place them) to work through."""
    form, q = _search(request)
    page, query = _page(request, places_to_locate_for_user(request.user, q=q))
    for city in page.object_list:
        city.issue = LocationIssue(city.location_issue).label if city.location_issue else ""
    return render(
        request,
        "network/workspace/places.html",
        {"form": form, "page": page, "query": query},
    )


def _candidates(city: City) -> list:
    """Return the gazetteer places ``city``'s name and area may be (with coordinates)."""
    resolution = default_gazetteer().resolve(city.name, city.country_id, admin_area=city.admin_area)
    found = list(resolution.candidates)
    if resolution.match is not None and resolution.match not in found:
        found.insert(0, resolution.match)
    return [place for place in found if place.has_location]


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(CHANGE_REGISTER)
def place(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer the gazetteer's candidate places for a city of the worklist; pick one."""
    city = get_object_for_user_or_404(request.user, cities_for_register, pk=pk)
    candidates = [] if city.has_location else _candidates(city)
    error = ""
    if request.method == "POST" and not city.has_location:
        chosen = _chosen_place(candidates, request.POST.get("place", ""))
        if chosen is None:
            error = _("Choose one of the places listed.")
        else:
            try:
                place_city(city, actor=request.user, place=chosen)
            except NetworkError as refusal:
                error = refusal.message  # beside the list of places, as the choice's error
            else:
                messages.success(
                    request,
                    _("%(name)s has been placed at %(place)s.")
                    % {"name": city.name, "place": describe_place(chosen)},
                )
                return redirect("network:register-places")
    return render(
        request,
        "network/workspace/place.html",
        _place_context(city, candidates, error),
        status=400 if error else 200,
    )


def _chosen_place(candidates: list, gazetteer_id: str):
    """Return the candidate place of ``gazetteer_id``, or None if none is."""
    return next((c for c in candidates if c.gazetteer_id == gazetteer_id), None)


def _place_context(city: City, candidates: list, error: str) -> dict:
    return {
        "city": city,
        "candidates": [{"place": c, "label": describe_place(c)} for c in candidates],
        "issue": LocationIssue(city.location_issue).label if city.location_issue else "",
        "errors": {"place": [error]} if error else {},
    }
