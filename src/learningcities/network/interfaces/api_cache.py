"""JSON responses of the register's API, cached for the register's revision."""

import hashlib
import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Schema

from ..domain.queries.revision import cached_for_revision


def cached_json_response(
    request: HttpRequest, params: dict, build: Callable[[], Schema], *, status: int = 200
) -> HttpResponse:
    """Answer with ``build()`` as JSON, computed once per register revision.

    The cache key holds everything the body depends on besides the register:
    the path and normalised ``params``, the host (links are absolute), the
    language (country names are localised) and today's date (membership counts
    from and until dates, without a write to the register). The body is cached
    as bytes, so a cached answer costs one query (the revision) and no
    serialisation. An error raised by ``build()`` (404, 422) is not cached.
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
    body = cached_for_revision(
        f"api:{digest}", lambda: build().model_dump_json(by_alias=True).encode()
    )
    return HttpResponse(body, status=status, content_type="application/json")
