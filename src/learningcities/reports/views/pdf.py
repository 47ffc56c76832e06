"""The reports' PDFs: a report, a city's progress (both private), a cycle's synthesis (public)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from ..domain.queries.progress import city_progress, report_for_user
from ..interfaces import pdfs
from ..models import ReportingCycle
from .progress import progress_city_or_404


def _pdf_response(pdf: bytes, name: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response


@require_safe
@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer report ``pk`` as a PDF, rendered now in the active language (nothing cached).

    Whoever may read the report (``reports.view_report``: its city's
    coordinators, its country's Commission, the secretariat); anyone else gets
    404, as for a missing report.
    """
    report = report_for_user(request.user, pk)
    if report is None:
        raise Http404
    name = slugify(f"{report.city.name}-{report.cycle.code}") or "report"
    return _pdf_response(pdfs.render_report_pdf(report), f"report-{name}-{report.pk}", private=True)


@require_safe
@login_required
def progress_pdf(request: HttpRequest, city_id: int) -> HttpResponse:
    """Answer the city's progress page as a PDF (its charts drawn inline); 404 as the page."""
    city = progress_city_or_404(request, city_id)
    pdf = pdfs.render_progress_pdf(city_progress(request.user, city))
    name = slugify(city.name) or "city"
    return _pdf_response(pdf, f"progress-{name}-{city.pk}", private=True)


@require_safe
def synthesis_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Answer the network's synthesis of cycle ``code`` as a PDF: public, aggregates only.

    Only a cycle that has opened; any other code answers 404. Served from the
    cache while nothing it shows has changed (``synthesis_pdf``).
    """
    cycle = (
        ReportingCycle.objects.select_related("framework")
        .filter(code=code, opens_at__lte=timezone.now())
        .first()
    )
    if cycle is None:
        raise Http404
    return _pdf_response(pdfs.synthesis_pdf(cycle), f"synthesis-{cycle.code}", private=False)
