"""A city's progress over its cycles: for its coordinators, its Commission, the secretariat."""

import hashlib

import rules
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from learningcities.accounts.rules import is_secretariat

from ..domain.queries.progress import city_progress, progress_city_for_user, readable_entries
from ..interfaces.pdfs import progress_context
from ..rules import coordinated_city_ids


def progress_city_or_404(request: HttpRequest, city_id: int):
    """The city whose progress ``request.user`` may follow; 404 for anyone else."""
    city = progress_city_for_user(request.user, city_id)
    if city is None:
        raise Http404
    return city


def _back(user, city) -> tuple[str, str]:
    """Where the person came from: their reports, their country's, or the cycles."""
    if city.pk in coordinated_city_ids(user):
        return reverse("reports:mine"), _("My reports")
    if is_secretariat(user):
        return reverse("reports:cycles"), _("Reporting cycles")
    if rules.has_perm("reports.view_country_reports", user, city.country):
        return reverse("reports:country", kwargs={"code": city.country_id}), _(
            "Reports of the country"
        )
    return "", ""


@require_safe
@login_required
def progress(request: HttpRequest, city_id: int) -> HttpResponse:
    """The city's reports over its cycles: self-assessment per area and indicators, charted.

    Whoever may read the city's reports (``reports.view_report``); anyone else
    gets 404, as for a city that does not exist. A constant number of queries
    whatever the number of cycles.
    """
    city = progress_city_or_404(request, city_id)
    back_url, back_label = _back(request.user, city)
    entries = readable_entries(request.user, city)
    body = cache.get_or_set(
        _body_key(city, entries),
        lambda: render_to_string(
            "reports/progress/_progress_body.html",
            progress_context(city_progress(request.user, city, entries=entries)),
            request,
        ),
        BODY_SECONDS,
    )
    context = {"city": city, "body": body, "back_url": back_url, "back_label": back_label}
    return render(request, "reports/progress/progress.html", context)


# The charts and tables of a city's progress are drawn once and kept until one of
# the reports they show changes (saving an answer moves its report's updated_at).
BODY_SECONDS = 24 * 3600


def _body_key(city, entries) -> str:
    """The key of the progress body: the city, the language, the reports shown as they are."""
    stamp = ",".join(f"{e.report.pk}:{e.report.updated_at.timestamp()}" for e in entries)
    raw = f"{city.pk}|{get_language()}|{stamp}"
    return "reports-progress:" + hashlib.sha256(raw.encode()).hexdigest()
