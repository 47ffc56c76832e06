"""The clusters' pages: the seven clusters, one cluster, asking to join, deciding, writing to it.

Everyone reads the clusters; a coordinator of a member city asks to join one;
the secretariat and the cluster's lead cities' coordinators decide the
requests and write to its cities; the secretariat names the lead cities.
Every action is a POST checked against the ``practices.*cluster*`` rules
(``domain.clusters``) before the domain checks them again.
"""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcities.common.views.errors import show_error

from ..domain.clusters import (
    ask_to_join,
    cities_that_may_join,
    cluster_sections,
    coordinated_city_ids,
    decide_request,
    set_cluster_role,
    write_to_cluster,
)
from ..domain.errors import PracticeError
from ..domain.queries.clusters import (
    cluster_cities,
    cluster_practice_count,
    cluster_practices,
    clusters_with_counts,
    pending_requests,
)
from ..enums import ClusterRequestStatus, ClusterRole
from ..interfaces.cluster_forms import (
    ClusterMessageForm,
    ClusterRoleForm,
    DecisionForm,
    JoinClusterForm,
)
from ..models import Cluster


def _cluster(code: str) -> Cluster:
    return get_object_or_404(Cluster, code=code)


@require_safe
def cluster_list(request: HttpRequest) -> HttpResponse:
    """The seven clusters, each with its number of cities and lead cities."""
    return render(request, "practices/clusters/list.html", {"clusters": clusters_with_counts()})


def _cluster_page(
    request: HttpRequest, cluster: Cluster, *, join_form: JoinClusterForm | None = None, status=200
) -> HttpResponse:
    user = request.user
    cities = cluster_cities(cluster)
    may_decide = rules.has_perm("practices.decide_cluster_request", user, cluster)
    if join_form is None and user.is_authenticated:
        joinable = cities_that_may_join(user, cluster)
        if joinable:
            join_form = JoinClusterForm(cities=joinable)
    context = {
        "cluster": cluster,
        "leads": [m for m in cities if m.role == ClusterRole.LEAD],
        "members": [m for m in cities if m.role != ClusterRole.LEAD],
        "city_count": len(cities),
        "practices": cluster_practices(cluster),
        "practice_count": cluster_practice_count(cluster),
        "sections": cluster_sections(cluster),
        "join_form": join_form,
        "may_decide": may_decide,
        "requests": list(pending_requests(cluster)) if may_decide else [],
        "may_write": rules.has_perm("practices.write_to_cluster", user, cluster),
        "may_change_roles": rules.has_perm("practices.change_cluster_role", user, cluster),
        "own_requests": _own_requests(user, cluster),
    }
    return render(request, "practices/clusters/cluster.html", context, status=status)


def _own_requests(user, cluster: Cluster) -> list:
    """Return the requests of the person's cities still waiting, so they see theirs is known."""
    cities = coordinated_city_ids(user)
    if not cities:
        return []
    return list(
        cluster.memberships.filter(
            city_id__in=cities, status=ClusterRequestStatus.REQUESTED
        ).select_related("city")
    )


@require_safe
def cluster_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A cluster: its lead and member cities, practices and the sections of other apps."""
    return _cluster_page(request, _cluster(code))


@require_POST
@login_required
def cluster_join(request: HttpRequest, code: str) -> HttpResponse:
    """A coordinator asks, for their member city, to join the cluster."""
    cluster = _cluster(code)
    if not rules.has_perm("practices.join_cluster", request.user, cluster):
        raise PermissionDenied
    form = JoinClusterForm(request.POST, cities=cities_that_may_join(request.user, cluster))
    if not form.is_valid():
        return _cluster_page(request, cluster, join_form=form, status=400)
    city = form.chosen_city()
    try:
        ask_to_join(
            cluster, city=city, actor=request.user, motivation=form.cleaned_data["motivation"]
        )
    except PracticeError as error:
        status = show_error(request, error, form)
        return _cluster_page(request, cluster, join_form=form, status=status)
    messages.success(
        request,
        _("%(city)s asked to join the cluster; the secretariat and the lead cities decide.")
        % {"city": city.name},
    )
    return redirect(cluster)


@require_POST
@login_required
def cluster_decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The secretariat or a lead city accepts or declines a city's request to join."""
    cluster = _cluster(code)
    if not rules.has_perm("practices.decide_cluster_request", request.user, cluster):
        raise PermissionDenied
    membership = get_object_or_404(cluster.memberships.select_related("city"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline the request."))
        return redirect(cluster)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        decide_request(membership, accept=accept, actor=request.user)
    except PracticeError as error:
        show_error(request, error)
        return redirect(cluster)
    if accept:
        text = _("%(city)s is now in the cluster.")
    else:
        text = _("The request of %(city)s was declined.")
    messages.success(request, text % {"city": membership.city.name})
    return redirect(cluster)


@require_POST
@login_required
def cluster_role(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The secretariat makes a city of the cluster one of its lead cities, or a member again."""
    cluster = _cluster(code)
    if not rules.has_perm("practices.change_cluster_role", request.user, cluster):
        raise PermissionDenied
    membership = get_object_or_404(
        cluster.memberships.select_related("city"),
        pk=pk,
        status=ClusterRequestStatus.ACCEPTED,
    )
    form = ClusterRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role in the cluster."))
        return redirect(cluster)
    try:
        set_cluster_role(membership, role=form.cleaned_data["role"], actor=request.user)
    except PracticeError as error:
        show_error(request, error)
        return redirect(cluster)
    messages.success(
        request,
        _("%(city)s is now: %(role)s.")
        % {"city": membership.city.name, "role": ClusterRole(form.cleaned_data["role"]).label},
    )
    return redirect(cluster)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def cluster_message(request: HttpRequest, code: str) -> HttpResponse:
    """A lead city's coordinator or the secretariat writes to every city of the cluster."""
    cluster = _cluster(code)
    if not rules.has_perm("practices.write_to_cluster", request.user, cluster):
        raise PermissionDenied
    form = ClusterMessageForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                count = write_to_cluster(
                    cluster,
                    actor=request.user,
                    subject=form.cleaned_data["subject"],
                    message=form.cleaned_data["message"],
                )
            except PracticeError as error:
                status = show_error(request, error, form)
            else:
                messages.success(
                    request,
                    ngettext(
                        "The message is on its way to the coordinators of %(count)s city.",
                        "The message is on its way to the coordinators of %(count)s cities.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(cluster)
        else:
            status = 400
    return render(
        request,
        "practices/clusters/message.html",
        {"cluster": cluster, "form": form, "city_count": len(cluster_cities(cluster))},
        status=status,
    )
