"""The reads behind sharing practices from a report."""

from django.http import Http404

from ...models import ProgressReport, ReportPractice
from ...rules import coordinated_city_ids


def report_for_coordinator(user, pk: int) -> ProgressReport:
    """Return report ``pk`` of a city ``user`` coordinates; Http404 for anyone else."""
    report = (
        ProgressReport.objects.filter(pk=pk, city_id__in=coordinated_city_ids(user))
        .select_related("cycle", "city")
        .first()
    )
    if report is None:
        raise Http404
    return report


def practices_of_report(report: ProgressReport) -> dict[int, object]:
    """Return ``{criterion id: practice}`` of the practices shared from ``report``."""
    links = ReportPractice.objects.filter(report=report).select_related("practice")
    return {link.criterion_id: link.practice for link in links}
