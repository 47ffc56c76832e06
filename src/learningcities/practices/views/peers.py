"""Cities like mine, and writing to another city through the platform.

A city's coordinators (and the secretariat, to read) see the cities matched
with theirs and why (``domain.peers``); a coordinator writes to another city
from there or from ``contact-city``, and the platform relays the message to
that city's coordinators: no page and no message shows an address of the
other side.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcities.common.views.errors import show_error
from learningcities.network.models import City

from ..domain.clusters import coordinated_city_ids
from ..domain.errors import PracticeError
from ..domain.peers import (
    contact_requests_left,
    peers_for_city,
    reachable_city_ids,
    send_contact_request,
)
from ..interfaces.cluster_forms import ContactCityForm


@login_required
@require_safe
def city_peers(request: HttpRequest, pk: int) -> HttpResponse:
    """The cities matched with the city, each with why, and a form to write to each."""
    city = get_object_or_404(City.objects.select_related("country"), pk=pk)
    if not rules.has_perm("practices.view_peers", request.user, city):
        raise PermissionDenied
    matches = peers_for_city(city)
    writes = city.pk in coordinated_city_ids(request.user)
    reachable = reachable_city_ids(m.city.pk for m in matches) if writes and matches else set()
    for match in matches:
        match.form = (
            ContactCityForm(cities=[city], auto_id=f"id_%s_{match.city.pk}")
            if match.city.pk in reachable
            else None
        )
    return render(
        request,
        "practices/peers/peers.html",
        {
            "city": city,
            "peer_matches": matches,
            "writes": writes,
            "left": contact_requests_left(city) if writes else None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact_city(request: HttpRequest, pk: int) -> HttpResponse:
    """Write to a city in the name of one's own; the platform relays it to its coordinators."""
    to_city = get_object_or_404(City.objects.select_related("country"), pk=pk)
    if not rules.has_perm("practices.contact_city", request.user, to_city):
        raise PermissionDenied
    cities = list(
        City.objects.filter(pk__in=coordinated_city_ids(request.user) - {to_city.pk})
        .select_related("country")
        .order_by("name")
    )
    form = ContactCityForm(request.POST if request.method == "POST" else None, cities=cities)
    status = 200
    if form.is_bound:
        if form.is_valid():
            from_city = form.chosen_city()
            try:
                send_contact_request(
                    from_city=from_city,
                    to_city=to_city,
                    actor=request.user,
                    message=form.cleaned_data["message"],
                )
            except PracticeError as error:
                status = show_error(request, error, form)
            else:
                messages.success(
                    request,
                    _("Your message to %(city)s is on its way; they answer through the platform.")
                    % {"city": to_city.name},
                )
                return redirect("practices:peers", pk=from_city.pk)
        else:
            status = 400
    return render(
        request,
        "practices/peers/contact.html",
        {"to_city": to_city, "form": form, "reachable": bool(reachable_city_ids([to_city.pk]))},
        status=status,
    )
