"""The documents a call publishes: anyone may download them."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from learningcities.common.storage import private_storage

from ..domain.queries.calls import public_attachment


@require_safe
def attachment_file(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream an attachment of a call to anyone, under its own name; 404 if withdrawn.

    Public, but served like every stored document: no sniffing, the content
    sandboxed (a PDF or image cannot run script in our origin), and cached a
    short while only (the secretariat may withdraw it).
    """
    attachment = public_attachment(pk)
    if attachment is None:
        raise Http404
    document = attachment.document
    try:
        handle = private_storage().open(document.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=request.GET.get("download") == "1",
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    )
    patch_cache_control(response, public=True, max_age=300)
    return response
