"""The offline workbook of an application: download it, fill it in, upload it back.

Same access as the coordinator's application pages: ``calls.view_city_applications``
(anonymous people log in, other roles get 403), and the application must be
one of the coordinator's own cities' (another city's answers 404).
"""

import zipfile

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from learningcities.common.access import get_object_for_user_or_404, permission_required

from ..domain.errors import SubmissionError
from ..interfaces.workbook import WorkbookInvalid, export_workbook, import_workbook
from .city import PERMISSION, applications_for_coordinator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 10 * 1024 * 1024


@permission_required(PERMISSION)
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the application as an .xlsx workbook. Reads only."""
    submission = get_object_for_user_or_404(request.user, applications_for_coordinator, pk=pk)
    response = HttpResponse(export_workbook(submission), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="application-{submission.pk}.xlsx"'
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


@permission_required(PERMISSION)
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the upload form; on POST import the workbook (all or nothing) and list any errors."""
    submission = get_object_for_user_or_404(request.user, applications_for_coordinator, pk=pk)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        upload_file = request.FILES.get("workbook")
        errors = _upload_errors(upload_file)
        if not errors:
            try:
                summary = import_workbook(submission, upload_file.read(), actor=request.user)
            # Listed on the upload page with the workbook's own errors, not as a message.
            except WorkbookInvalid as error:
                errors = [error.message, *error.errors]
            except SubmissionError as error:
                errors = [error.message]
            else:
                messages.success(
                    request,
                    _("Workbook imported: %(changed)s values saved, %(unchanged)s unchanged.")
                    % {"changed": summary.changed, "unchanged": summary.unchanged},
                )
                return redirect("calls:city-application", pk=submission.pk)
        status = 400
    return render(
        request,
        "calls/workbook/upload.html",
        {"submission": submission, "errors": errors},
        status=status,
    )
