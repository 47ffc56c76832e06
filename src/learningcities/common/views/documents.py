"""Serving private documents: only through the permission rules, never by a public path."""

import uuid
from pathlib import PurePosixPath

from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from ..domain.queries.documents import document_for_user
from ..storage import private_storage


def _file_name(user, document) -> str:
    """The name the file is saved under: its own, or "document" and its type for a
    person who may open it but not read its name (a juror while the city is hidden)."""
    if user.has_perm("common.read_document_name", document):
        return document.original_name
    suffix = PurePosixPath(document.original_name).suffix.lower()
    return "document" + (suffix if suffix[1:].isalnum() and len(suffix) <= 6 else "")


@require_safe
def document_file(request: HttpRequest, document_id: uuid.UUID) -> FileResponse:
    """Stream a document to a person allowed to open it; anyone else gets 404.

    ``?download=1`` asks the browser to save it instead of showing it. The
    response forbids sniffing, sandboxes the content (a PDF or image cannot run
    script in our origin) and is never stored by shared caches.
    """
    document = document_for_user(request.user, document_id)
    if document is None:
        raise Http404
    try:
        handle = private_storage().open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=_file_name(request.user, document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    response["Vary"] = "Cookie"
    return response
