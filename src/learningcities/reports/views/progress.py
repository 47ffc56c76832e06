"""A city's progress over its cycles: for its coordinators, its Commission, the secretariat."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from learningcities.accounts.rules import endorsed_country_ids, is_secretariat
from learningcities.calls.views.display import cached_workspace_page
from learningcities.common.changes import watch
from learningcities.common.prepared import PreparedSelect
from learningcities.network.models import City
from learningcities.practices.rules import coordinated_organisation_ids

from ..domain.queries.progress import city_progress, progress_city_for_user, readable_entries
from ..interfaces.pdfs import progress_context


def progress_city_or_404(request: HttpRequest, city_id: int):
    """The city whose progress ``request.user`` may follow; 404 for anyone else."""
    city = progress_city_for_user(request.user, city_id)
    if city is None:
        raise Http404
    return city


# What keys a city's progress page, read by one SELECT compiled once per process:
# the city's country and organisation (who may read its reports) and its reports'
# count and last change (saving an answer moves its report's ``updated_at``).
_PROGRESS_KEY = PreparedSelect(
    lambda pk: (
        City.objects.filter(pk=pk)
        .annotate(report_count=Count("reports"), last_change=Max("reports__updated_at"))
        .values_list("country_id", "organisation__id", "report_count", "last_change")
    ),
    (-1,),
)


def _reader(user, country_id: str, organisation_id: int | None) -> str | None:
    """How ``user`` reads the city's reports, from the person's roles (no query), or None.

    The rule ``reports.view_report`` for every report of one city: its
    coordinators, the secretariat, its country's National Commission.
    """
    if organisation_id is not None and organisation_id in coordinated_organisation_ids(user):
        return "coordinator"
    if is_secretariat(user):
        return "secretariat"
    if country_id in endorsed_country_ids(user):
        return "commission"
    return None


def _back_to(reader: str, country_id: str) -> tuple[str, str]:
    """Where the person came from: their reports, the cycles, or their country's reports."""
    if reader == "coordinator":
        return reverse("reports:mine"), _("My reports")
    if reader == "secretariat":
        return reverse("reports:cycles"), _("Reporting cycles")
    return reverse("reports:country", kwargs={"code": country_id}), _("Reports of the country")


@require_safe
@login_required
def progress(request: HttpRequest, city_id: int) -> HttpResponse:
    """The city's reports over its cycles: self-assessment per area and indicators, charted.

    Whoever may read the city's reports (``reports.view_report``, the same for
    every report of a city); anyone else gets 404, as for a city that does not
    exist. The page is drawn once and served from the cache until one of the
    city's reports changes: then it costs the session, the person and its key.
    """
    # On PostgreSQL each process keeps the key until a report or organisation changes.
    row = watch.watched(("reports-progress", city_id), lambda: _PROGRESS_KEY.first(city_id))
    reader = _reader(request.user, row[0], row[1]) if row is not None else None
    if reader is None:
        raise Http404
    country_id, _organisation_id, count, last = row
    back_url, back_label = _back_to(reader, country_id)
    city = SimpleLazyObject(lambda: City.objects.select_related("country").get(pk=city_id))
    key = (city_id, count, last.timestamp() if last else None, reader)

    def build(now) -> tuple[str, None]:
        entries = readable_entries(request.user, city)
        context = progress_context(city_progress(request.user, city, entries=entries))
        return render_to_string("reports/progress/_progress_body.html", context, request), None

    return cached_workspace_page(
        request,
        "reports/progress/progress.html",
        "reports-progress",
        key,
        build,
        {"city": city, "back_url": back_url, "back_label": back_label},
    )
