"""JSON responses of the public API, cached for a revision, with an ETag drawn from it."""

import hashlib
import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language
from ninja import Schema

from learningcities.common.api_http import remember_etag

from ..domain.queries.revision import cached_at_revision, current_revision


def cached_json_response(
    request: HttpRequest,
    params: dict,
    build: Callable[[], Schema],
    *,
    status: int = 200,
    revision: Callable[[], object] = current_revision,
    namespace: str = "register",
) -> HttpResponse:
    """Answer with ``build()`` as JSON, computed once per ``revision()`` (the register's).

    The cache key holds everything the body depends on besides the revision:
    the path and normalised ``params``, the host (links are absolute), the
    language (country names are localised) and today's date (membership counts
    from and until dates, without a write to the register). The body is cached
    as bytes, so a cached answer costs the revision (kept by the process on
    PostgreSQL) and no serialisation. An error raised by ``build()`` (404, 422)
    is not cached.

    The ETag is the revision and that key, known before the body: a client
    that names it in ``If-None-Match`` is answered 304 without the body being
    read or drawn.
    """
    facts = [
        request.path,
        request.scheme,
        request.get_host(),
        get_language(),
        timezone.localdate().isoformat(),
        sorted((k, str(v)) for k, v in params.items()),
    ]
    digest = hashlib.sha256(json.dumps(facts).encode()).hexdigest()
    current = revision()
    etag = f'"{namespace}-{current}-{digest[:24]}"'
    if status == 200:
        remember_etag(request, etag, revision, current)
    if status == 200 and (not_modified := get_conditional_response(request, etag=etag)):
        not_modified["ETag"] = etag
        return not_modified
    body = cached_at_revision(
        current,
        f"api:{namespace}:{digest}",
        lambda: build().model_dump_json(by_alias=True).encode(),
    )
    response = HttpResponse(body, status=status, content_type="application/json")
    if status == 200:
        response["ETag"] = etag
    return response
