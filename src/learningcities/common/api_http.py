"""The API's manners over HTTP: CORS for reads, a rate limit per client, conditional GETs.

``ApiHttpMiddleware`` sits early in the stack and only looks at paths under
``/api/``:

- **Rate limit.** Each client may make ``LC_API_RATE_LIMIT`` requests per
  window (default 600 a minute). A client is its API token when the request
  carries one (``Authorization: Bearer ...``), else its address
  (``common.proxy``). The counts live in the shared cache, so every process
  of the installation counts together. Past the limit the answer is 429 with
  ``Retry-After`` (seconds until the window ends) and the usual refusal body
  (code ``rate_limited``); every answer says ``X-RateLimit-Limit`` and
  ``X-RateLimit-Remaining``.
- **CORS.** Every answer allows any origin (``Access-Control-Allow-Origin:
  *``), which browsers honour only for requests without cookies: a page on
  another site may read the public API, or call it with a token it holds, but
  never with the visitor's session here. A preflight (``OPTIONS`` with
  ``Access-Control-Request-Method``) is answered at once, for reads only.
- **Conditional GET.** A successful read that has no ``ETag`` gets one from its
  body, and a request whose ``If-None-Match`` names it is answered 304 without
  the body. The cached answers of the public lists set theirs before drawing
  the body (``json_cache``), so their 304 costs no serialisation at all.
"""

import hashlib
import json
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.translation import gettext as _

from .proxy import client_address

API_PREFIX = "/api/"
# What a page on another site may send and read.
ALLOW_HEADERS = "Accept, Accept-Language, Authorization, Content-Type, If-None-Match"
EXPOSE_HEADERS = "ETag, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining"
READ_METHODS = ("GET", "HEAD")


def client_key(request: HttpRequest) -> str:
    """Return who the rate limit counts the request against: its token, else its address."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, credential = authorization.partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        digest = hashlib.sha256(credential.strip().encode()).hexdigest()[:32]
        return f"token:{digest}"
    return f"address:{client_address(request) or 'unknown'}"


def count_request(key: str, *, limit: int, window: int, now: float | None = None):
    """Count one request of ``key`` in the current window; return (allowed, remaining, retry_after).

    A fixed window: the count starts again every ``window`` seconds. The
    first request of a window adds the counter, the others increment it (an
    atomic increment on Redis).
    """
    now = time.time() if now is None else now
    slot = int(now // window)
    counter = f"lc:rate:{key}:{slot}"
    if cache.add(counter, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(counter)
        except ValueError:  # expired between the two calls: this request starts it again
            cache.set(counter, 1, timeout=window + 1)
            count = 1
    retry_after = max(1, int((slot + 1) * window - now + 0.999))
    return count <= limit, max(0, limit - count), retry_after


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response["Access-Control-Max-Age"] = "86400"
    return _cors(response)


def _too_many(retry_after: int, limit: int, window: int) -> HttpResponse:
    body = {
        "detail": _(
            "Too many requests: this client may make %(limit)s requests in %(window)s "
            "seconds. Try again in %(seconds)s seconds."
        )
        % {"limit": limit, "window": window, "seconds": retry_after},
        "code": "rate_limited",
    }
    response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
    response["Retry-After"] = str(retry_after)
    return response


class ApiHttpMiddleware:
    """CORS, the rate limit and conditional GETs for ``/api/`` (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            return _preflight()
        limit, window = settings.LC_API_RATE_LIMIT
        remaining = None
        if limit:
            allowed, remaining, retry_after = count_request(
                client_key(request), limit=limit, window=window
            )
            if not allowed:
                response = _too_many(retry_after, limit, window)
                response["X-RateLimit-Limit"] = str(limit)
                response["X-RateLimit-Remaining"] = "0"
                return _cors(response)
        response = self.get_response(request)
        if limit:
            response["X-RateLimit-Limit"] = str(limit)
            response["X-RateLimit-Remaining"] = str(remaining)
        if (
            request.method in READ_METHODS
            and response.status_code == 200
            and not response.streaming
            and not response.has_header("ETag")
        ):
            set_response_etag(response)
        if request.method in READ_METHODS and response.status_code == 200:
            response = get_conditional_response(
                request, etag=response.get("ETag"), response=response
            )
        return _cors(response)
