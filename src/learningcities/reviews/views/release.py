"""The release of a call, for the secretariat: preview, typed confirmation, progress, result.

Every view needs ``reviews.stage_decisions`` (the secretariat and operators;
anyone else gets 403); a call (or certificate) that does not exist answers 404.

1. ``preview`` (GET) shows who is admitted (wins, or is accepted to present)
   and who not per UNESCO region, how many mails and certificates go out and
   what becomes public, with the form; POST checks the form and the typed title of the call, starts
   the release (``start_release``) and runs it in the background
   (``enqueue_release``), then shows ...
2. ``status``: the progress while it runs (a ``<progress>``; the page reloads
   itself, and has a "Refresh" link), the error and a "Continue" button when a
   run stopped (``resume``), and when done the result: the cohort and its
   public page (none for a call for presentations), every certificate, all of
   them as a ZIP, a re-issue for each.
"""

import io
import zipfile

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.queries.release import certificates_for_release, release_preview
from learningcities.calls.domain.release import (
    reissue_certificate,
    site_base,
    start_release,
    verification_url,
)
from learningcities.calls.enums import CallKind
from learningcities.calls.models import Call, Certificate, Release, ReleaseState
from learningcities.calls.tasks import enqueue_release
from learningcities.common.access import permission_required
from learningcities.common.storage import private_storage
from learningcities.common.views.errors import show_error

from ..domain.queries.decisions import jury_comments_for_call
from ..interfaces.release_forms import ReissueCertificateForm, confirm_release_form

PERMISSION = "reviews.stage_decisions"
# The ZIP of a call's certificates is built in memory: refused above this size.
ZIP_MAX_BYTES = 200 * 1024 * 1024
# How often the progress page reloads itself while the release runs (seconds).
REFRESH_SECONDS = 2


def _call(pk: int) -> Call:
    return get_object_or_404(Call, pk=pk)


def _release(call: Call) -> Release:
    return get_object_or_404(
        Release.objects.select_related("call", "cohort", "released_by"), call=call
    )


def _preview_page(request: HttpRequest, call: Call, form, *, status: int = 200):
    return render(
        request,
        "reviews/decisions/release_preview.html",
        {
            "call": call,
            "preview": release_preview(call),
            "form": form,
            "is_award": call.kind == CallKind.AWARD,
            "is_presentations": call.kind == CallKind.PRESENTATIONS,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERMISSION)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Prepare the release: the preview and the form; POST confirms and starts it."""
    call = _call(pk)
    if Release.objects.filter(call=call).exists():
        return redirect("reviews:decisions-release-status", pk=call.pk)
    if request.method != "POST":
        return _preview_page(request, call, confirm_release_form(call))
    form = confirm_release_form(call, request.POST)
    if not form.is_valid():
        return _preview_page(request, call, form, status=400)
    options = _release_options(request, call, form.cleaned_data)
    try:
        release = start_release(call, actor=request.user, **options)
    except SubmissionError as error:  # TransitionNotPermitted included
        return _preview_page(request, call, form, status=show_error(request, error, form))
    if release.state != ReleaseState.DONE:
        enqueue_release(release)
    return redirect("reviews:decisions-release-status", pk=call.pk)


def _release_options(request: HttpRequest, call: Call, data: dict) -> dict:
    """What the confirmed form asks of ``start_release``: the cohort or year, the comments."""
    award = call.kind == CallKind.AWARD
    return {
        "name": data.get("name", ""),
        "joined_on": data.get("joined_on"),
        "year": data.get("year") if award else None,
        "jury_comments": jury_comments_for_call(call) if data["include_comments"] else None,
        "site_url": site_base(request.build_absolute_uri("/")),
    }


@require_safe
@permission_required(PERMISSION)
def status(request: HttpRequest, pk: int) -> HttpResponse:
    """The release's progress while it runs; its result (and its certificates) once done."""
    call = _call(pk)
    release = _release(call)
    certificates = _certificates_shown(request, release)
    return render(
        request,
        "reviews/decisions/release_status.html",
        {
            "call": call,
            "release": release,
            "running": release.state == ReleaseState.RUNNING,
            "failed": release.state == ReleaseState.FAILED,
            "certificates": certificates,
            "valid_count": sum(1 for c in certificates if c.is_valid),
            "is_award": call.kind == CallKind.AWARD,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


def _certificates_shown(request: HttpRequest, release: Release) -> list[Certificate]:
    """The certificates of a finished release (none before), each with its public address."""
    if not release.is_done:
        return []
    certificates = list(certificates_for_release(release))
    base = release.site_url or site_base(request.build_absolute_uri("/"))
    for certificate in certificates:
        # The address printed on the certificate (and in its QR code).
        certificate.verification_url = verification_url(certificate.number, base=base)
    return certificates


@require_POST
@permission_required(PERMISSION)
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a release that stopped (or seems stuck) again: it continues where it stopped."""
    call = _call(pk)
    release = _release(call)
    if release.is_done:
        messages.info(request, _("This release is finished; nothing to continue."))
    else:
        enqueue_release(release)
        messages.success(request, _("The release continues where it stopped."))
    return redirect("reviews:decisions-release-status", pk=call.pk)


@require_safe
@permission_required(PERMISSION)
def certificates_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """Every valid certificate of the call's release in one ZIP (built in memory, bounded)."""
    call = _call(pk)
    release = _release(call)
    certificates = [c for c in certificates_for_release(release) if c.is_valid]
    if _zip_size(certificates) > ZIP_MAX_BYTES:
        messages.error(
            request, _("The certificates are too large for one ZIP; download them one by one.")
        )
        return redirect("reviews:decisions-release-status", pk=call.pk)
    response = HttpResponse(_zip_of(certificates), content_type="application/zip")
    name = f"certificates-{slugify(call.title) or call.pk}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-cache, max-age=0"
    return response


def _zip_size(certificates: list[Certificate]) -> int:
    """The bytes of the certificates' files (a file of unknown size counts 0)."""
    return sum(certificate.document.size or 0 for certificate in certificates)


def _zip_of(certificates: list[Certificate]) -> bytes:
    """A ZIP of the certificates' PDFs, each named by its number (built in memory)."""
    buffer = io.BytesIO()
    storage = private_storage()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            with storage.open(certificate.document.file.name, "rb") as handle:
                archive.writestr(f"{certificate.number}.pdf", handle.read())
    return buffer.getvalue()


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(PERMISSION)
def reissue(request: HttpRequest, pk: int, certificate_pk: int) -> HttpResponse:
    """Re-issue one certificate of the call with a reason (GET: the form that asks for it)."""
    call = _call(pk)
    release = _release(call)
    certificate = get_object_or_404(
        Certificate.objects.select_related("submission__city", "submission__country"),
        pk=certificate_pk,
        submission__call=call,
    )
    form = ReissueCertificateForm(request.POST if request.method == "POST" else None)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = reissue_certificate(
                    certificate,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    site_url=site_base(request.build_absolute_uri("/")),
                )
            except SubmissionError as error:  # TransitionNotPermitted included
                status_code = show_error(request, error, form)
            else:
                messages.success(
                    request,
                    _("Certificate %(old)s is replaced by %(new)s.")
                    % {"old": certificate.number, "new": new.number},
                )
                return redirect("reviews:decisions-release-status", pk=call.pk)
        else:
            status_code = 400
    return render(
        request,
        "reviews/decisions/certificate_reissue.html",
        {"call": call, "release": release, "certificate": certificate, "form": form},
        status=status_code,
    )
