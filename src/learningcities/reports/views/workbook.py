"""The offline workbook of a progress report: download it, fill it in, upload it back.

Whoever may read the report (``reports.view_report``: its city's
coordinators, its country's Commission, the secretariat) downloads it; only
its city's coordinators upload it (``reports.edit_report``; the others who
read it get 403), and only while the report may change. A report the person
may not read answers 404 like a missing one; anonymous people log in first.
"""

import zipfile

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcities.common.access import get_object_for_user_or_404

from ..domain.errors import ReportError
from ..domain.queries.reports import reports_for_user
from ..interfaces.workbook import WorkbookInvalid, export_report_workbook, import_report_workbook
from ..rules import is_report_coordinator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 10 * 1024 * 1024


@login_required
@require_safe
def workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the report as an .xlsx workbook to fill in offline. Reads only."""
    report = get_object_for_user_or_404(request.user, reports_for_user, pk=pk)
    response = HttpResponse(export_report_workbook(report), content_type=XLSX)
    name = slugify(f"{report.city.name}-{report.cycle.code}") or "report"
    response["Content-Disposition"] = f'attachment; filename="report-{name}-{report.pk}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


def _upload_errors(upload) -> list[str]:
    if upload is None:
        return [_("Choose the workbook (.xlsx) to upload.")]
    if not upload.name.lower().endswith(".xlsx"):
        return [_("%(name)s is not an Excel workbook (.xlsx).") % {"name": upload.name}]
    if upload.size > MAX_UPLOAD:
        return [_("The workbook is larger than 10 MB.")]
    if not zipfile.is_zipfile(upload):
        return [_("%(name)s is not an Excel workbook (.xlsx).") % {"name": upload.name}]
    upload.seek(0)
    return []


def _import(request: HttpRequest, report) -> list[str] | None:
    """Import the posted workbook; return the errors to list, None once saved."""
    upload = request.FILES.get("workbook")
    errors = _upload_errors(upload)
    if errors:
        return errors
    try:
        summary = import_report_workbook(report, upload.read(), actor=request.user)
    # Listed on the upload page with the workbook's own errors, not as a message.
    except WorkbookInvalid as error:
        return [error.message, *error.errors]
    except ReportError as error:
        return [error.message]
    messages.success(
        request,
        _("Workbook imported: %(changed)s values saved, %(unchanged)s unchanged.")
        % {"changed": summary.changed, "unchanged": summary.unchanged},
    )
    return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def workbook_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the upload form; on POST import the workbook (all or nothing) and list any errors."""
    report = get_object_for_user_or_404(request.user, reports_for_user, pk=pk)
    if not is_report_coordinator(request.user, report):
        raise PermissionDenied
    editable = rules.has_perm("reports.edit_report", request.user, report)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        errors = _import(request, report) if editable else [_refusal(report)]
        if errors is None:
            return redirect("reports:report", pk=report.pk)
        status = 400
    return render(
        request,
        "reports/workbook/upload.html",
        {
            "report": report,
            "errors": errors,
            "editable": editable,
            "is_coordinator": True,
            "refusal": "" if editable else _refusal(report),
        },
        status=status,
    )


def _refusal(report) -> str:
    return _("This report is %(state)s: it can no longer be changed.") % {
        "state": report.get_state_display().lower()
    }
