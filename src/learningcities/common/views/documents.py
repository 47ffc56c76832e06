"""Serving private documents: only through the permission rules, never by a public path."""

import io
import logging
import uuid
from pathlib import PurePosixPath

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from ..domain.queries.documents import document_for_user
from ..metadata import MetadataError, without_metadata
from ..storage import private_storage

logger = logging.getLogger(__name__)


def _file_name(document, *, reads_name: bool) -> str:
    """The name the file is saved under: its own, or "document" and its type for a
    person who may open it but not read its name (a juror while the city is hidden)."""
    if reads_name:
        return document.original_name
    suffix = PurePosixPath(document.original_name).suffix.lower()
    return "document" + (suffix if suffix[1:].isalnum() and len(suffix) <= 6 else "")


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    response["Vary"] = "Cookie"
    return response


@require_safe
def document_file(request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
    """Stream a document to a person allowed to open it; anyone else gets 404.

    A person who may open it but not read its name (a juror while the city's
    identity is hidden) gets a copy without its metadata, which often names
    the city too; a file that cannot be rewritten is withheld from them (403,
    a page that says so): never served as it is. ``?download=1`` asks the
    browser to save it instead of showing it. The response forbids sniffing,
    sandboxes the content (a PDF or image cannot run script in our origin) and
    is never stored by shared caches.
    """
    document = document_for_user(request.user, document_id)
    if document is None:
        raise Http404
    reads_name = request.user.has_perm("common.read_document_name", document)
    try:
        handle = private_storage().open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    if not reads_name:
        # In memory, for this one request: the size was bounded at upload
        # (LC_MAX_UPLOAD_MB), and a copy made for one person is kept for nobody.
        with handle:
            content = handle.read()
        try:
            handle = io.BytesIO(without_metadata(content, document.content_type))
        except MetadataError as exc:
            logger.warning(
                "document %s withheld from a viewer of its content only: %s", document.pk, exc
            )
            # 403, not 404: the person may open this document and its link is on
            # their page; the refusal depends on the file's form, not on whose it is.
            return _private(render(request, "common/document_withheld.html", status=403))
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=_file_name(document, reads_name=reads_name),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return _private(response)
