"""The API's manners over HTTP: CORS for reads, a rate limit per client, conditional GETs.

``ApiHttpMiddleware`` sits early in the stack and only looks at paths under
``/api/``:

- **Rate limit.** Each client may make ``LC_API_RATE_LIMIT`` requests per
  window (default 600 a minute). A client is its API token when the request
  carries one (``Authorization: Bearer ...``), else its address
  (``common.proxy``). With Redis as the cache every process of the
  installation counts together; with the embedded file cache each process
  counts in its own memory (``count_request``). Past the limit the answer is 429 with
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
  the body. The cached public lists draw theirs from a revision before any
  body (``network.interfaces.api_cache``), and this process remembers it
  (``remember_etag``): while the revision holds, a visitor's request naming
  it is answered 304 here, before the rest of the stack runs.
"""

import hashlib
import json
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import get_conditional_response, set_response_etag
from django.utils.translation import gettext as _

from .memo import LocalMemo
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


class _LocalCounts(LocalMemo):
    """Counts of the current window kept by this process (thread-safe, bounded).

    More clients than ``max_entries`` in one window and the counts start again,
    so memory stays bounded; emptied between tests like every memo.
    """

    def __init__(self):
        super().__init__(max_entries=100_000)
        self._lock = threading.Lock()
        self._slot: int | None = None

    def add(self, key: str, slot: int) -> int:
        with self._lock:
            if slot != self._slot:
                self.clear()
                self._slot = slot
            count = (self.get(key) or 0) + 1
            self.set(key, count)
            return count


_local_counts = _LocalCounts()


def counts_are_shared() -> bool:
    """Whether the cache is one every process and machine shares fast (Redis)."""
    return settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def count_request(key: str, *, limit: int, window: int, now: float | None = None):
    """Count one request of ``key`` in the current window; return (allowed, remaining, retry_after).

    A fixed window: the count starts again every ``window`` seconds. With a
    Redis cache every process counts together, in one round trip (an atomic
    increment; the window's first request adds the counter). With the files
    of one machine each process counts on its own, in memory: a file written
    on every request would cost more than the answer, so a client may make
    up to the limit in each worker process there.
    """
    now = time.time() if now is None else now
    slot = int(now // window)
    if counts_are_shared():
        counter = f"lc:rate:{key}:{slot}"
        try:
            count = cache.incr(counter)
        except ValueError:  # the window's first request
            count = 1 if cache.add(counter, 1, timeout=window + 1) else cache.incr(counter)
    else:
        count = _local_counts.add(key, slot)
    retry_after = max(1, int((slot + 1) * window - now + 0.999))
    return count <= limit, max(0, limit - count), retry_after


class _KnownETags:
    """The ETags this process drew for public reads, by the request that asked (bounded).

    A cached public list draws its ETag from a revision (``remember_etag``);
    a later request, the same in everything the answer depends on (path and
    query, scheme, host, Accept-Language, the day), that names that ETag while
    the revision has not moved is answered 304 here, before the session,
    authentication and the view are run. Kept in a ``LocalMemo`` (emptied
    whole when full, and between tests).
    """

    def __init__(self):
        self._known = LocalMemo(max_entries=10_000)

    @staticmethod
    def key(request: HttpRequest) -> str:
        return "\n".join(
            (
                request.get_full_path(),
                request.scheme,
                request.META.get("HTTP_HOST", ""),
                request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
                # The day the answers count memberships on, as the lists' own key has it.
                timezone.localdate().isoformat(),
            )
        )

    def remember(self, request: HttpRequest, etag: str, revision, current: str) -> None:
        self._known.set(self.key(request), (etag, revision, current))

    def matching(self, request: HttpRequest) -> str | None:
        """Return the ETag of this request if the client has it and it is still current."""
        wanted = request.META.get("HTTP_IF_NONE_MATCH")
        if not wanted:
            return None
        known = self._known.get(self.key(request))
        if known is None:
            return None
        etag, revision, drawn_at = known
        if etag not in wanted or str(revision()) != drawn_at:
            return None
        return etag


_known_etags = _KnownETags()


def remember_etag(request: HttpRequest, etag: str, revision: Callable[[], object], current) -> None:
    """Note that ``request``'s answer has ``etag`` while ``revision()`` is ``current``.

    Only for answers that are the same for everyone (public reads): a request
    with neither a session nor a token that names it is answered 304 early.
    """
    _known_etags.remember(request, etag, revision, str(current))


def _early_not_modified(request: HttpRequest) -> HttpResponse | None:
    if request.method not in READ_METHODS or "HTTP_AUTHORIZATION" in request.META:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None  # a person's own refusals (a second factor to set up) come first
    etag = _known_etags.matching(request)
    if etag is None:
        return None
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Vary"] = "Accept-Language"
    return response


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
        response = _early_not_modified(request) or self.get_response(request)
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
