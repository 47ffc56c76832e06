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
  (``remember_etag``) with the answer: while the revision holds, a visitor's
  request naming it is answered 304 here, before the rest of the stack runs,
  and the same request without it gets the same answer, from here too.
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


# Whether a key is an API token that works now; the accounts app sets it (``ready``):
# the rate limit is common to every app, the tokens are the accounts app's.
def _no_token_is_live(key: str) -> bool:
    return False


token_is_live: Callable[[str], bool] = _no_token_is_live


def client_key(request: HttpRequest) -> str:
    """Return who the rate limit counts the request against: its token, else its address.

    Only a token that works counts as a client of its own: a made-up key, one
    per request, would otherwise escape the limit of its address.
    """
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, credential = authorization.partition(" ")
    credential = credential.strip()
    if scheme.lower() == "bearer" and credential and token_is_live(credential):
        digest = hashlib.sha256(credential.encode()).hexdigest()[:32]
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


# A public answer kept whole by the process is at most this big (a page of 500 items fits).
MAX_KEPT_ANSWER = 512 * 1024


class _KnownAnswers:
    """The public reads this process answered, by the request that asked (bounded).

    A cached public list draws its ETag from a revision (``remember_etag``).
    A later request, the same in everything the answer depends on (path and
    query, scheme, host, Accept-Language and the language cookie, the day),
    from a visitor without a session or a token, is answered here, before the
    session, authentication and the view are run, while that revision has
    not moved: 304 if it names the ETag, else the answer the stack gave the
    first time, its headers and body as they were (kept when it set no
    cookie). Either is exact, as the revision is read again for each request.
    Kept in ``LocalMemo``s (emptied whole when full, and between tests): ETags
    of 10,000 requests, the answers of 256 of at most ``MAX_KEPT_ANSWER`` bytes.
    """

    def __init__(self):
        self._etags = LocalMemo(max_entries=10_000)
        self._answers = LocalMemo(max_entries=256)

    @staticmethod
    def key(request: HttpRequest) -> str:
        return "\n".join(
            (
                request.get_full_path(),
                request.scheme,
                request.META.get("HTTP_HOST", ""),
                request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
                request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
                # The day the answers count memberships on, as the lists' own key has it.
                timezone.localdate().isoformat(),
            )
        )

    def remember(self, request: HttpRequest, etag: str, revision, current: str) -> None:
        key = self.key(request)
        self._etags.set(key, (etag, revision, current))
        request.lc_public_answer = (key, etag, current)

    def keep(self, request: HttpRequest, response: HttpResponse) -> None:
        """Keep ``response`` whole if the view said it is the public answer to ``request``."""
        drawn = getattr(request, "lc_public_answer", None)
        if (
            drawn is None
            or request.method != "GET"
            or response.status_code != 200
            or response.streaming
            or response.cookies
            or response.get("ETag") != drawn[1]
        ):
            return
        body = response.content
        if len(body) <= MAX_KEPT_ANSWER:
            key, etag, current = drawn
            self._answers.set(key, (etag, current, list(response.items()), body))

    def current(self, request: HttpRequest, wanted: str) -> tuple[str, tuple | None] | None:
        """Return the request's ETag and its kept answer, if one can answer it now.

        ``wanted`` is the request's ``If-None-Match``. The revision is read only
        when there is something to answer with (the view would read it again).
        """
        key = self.key(request)
        known = self._etags.get(key)
        if known is None:
            return None
        etag, revision, drawn_at = known
        answer = self._answers.get(key)
        if answer is not None and answer[:2] != (etag, drawn_at):
            answer = None
        if answer is None and not (wanted and etag in wanted):
            return None
        if str(revision()) != drawn_at:
            return None
        return etag, answer


_known = _KnownAnswers()


def remember_etag(request: HttpRequest, etag: str, revision: Callable[[], object], current) -> None:
    """Note that ``request``'s answer has ``etag`` while ``revision()`` is ``current``.

    Only for answers that are the same for everyone (public reads): a request
    with neither a session nor a token that asks again is answered early.
    """
    _known.remember(request, etag, revision, str(current))


def _anonymous_read(request: HttpRequest) -> bool:
    # A person's own refusals (a second factor to set up) come first.
    return (
        request.method in READ_METHODS
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _early_answer(request: HttpRequest) -> HttpResponse | None:
    if not _anonymous_read(request):
        return None
    wanted = request.META.get("HTTP_IF_NONE_MATCH", "")
    if request.method != "GET" and not wanted:
        return None  # answers are kept for GET only
    found = _known.current(request, wanted)
    if found is None:
        return None
    etag, answer = found
    if wanted and etag in wanted:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        response["Vary"] = "Accept-Language"
        return response
    if answer is None or request.method != "GET":
        return None
    _etag, _current, headers, body = answer
    response = HttpResponse(body)
    for name, value in headers:
        response[name] = value
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
        response = _early_answer(request)
        if response is None:
            response = self.get_response(request)
            if _anonymous_read(request):
                _known.keep(request, response)
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
