"""Whole-page caching of the public pages, keyed by the register's revision.

A public page depends on the register (revision), the language, the day
(figures "as of today") and the URL with its query string; nothing else, for
a visitor who is not logged in. Such a page is rendered once and then served
from the cache with one query (the revision) until the register changes.

The CSRF token of the language form differs per visitor, so the page is
rendered with a placeholder that is replaced on the way out.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from learningcities.common.views.shared_pages import CSRF_PLACEHOLDER, with_csrf_token

from ..domain.queries.revision import cached_for_revision

# What a view gives to render: the template and its context.
Page = tuple[str, dict]


def page_cache_key(request: HttpRequest, name: str) -> str:
    """Return the cache key of a page for this request (language, day and full path)."""
    raw = "|".join(
        (name, get_language() or "", timezone.localdate().isoformat(), request.get_full_path())
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def render_page(request: HttpRequest, page: Page) -> str:
    """Render a page with the CSRF placeholder in place of the visitor's token."""
    template_name, context = page
    return render_to_string(template_name, {**context, "csrf_token": CSRF_PLACEHOLDER}, request)


def page_response(request: HttpRequest, html: str, *, status: int = 200) -> HttpResponse:
    """Answer with ``html``, the visitor's CSRF token put in place."""
    response = HttpResponse(with_csrf_token(request, html), status=status)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def cached_page(request: HttpRequest, name: str, build: Callable[[], Page]) -> HttpResponse:
    """Answer with the page ``build()`` describes, from the cache when it is fresh.

    ``build`` may raise Http404; nothing is cached then. Logged-in users get a
    freshly rendered page, as the layout may show who they are.
    """
    # Without a session cookie the visitor is anonymous; asking request.user
    # would set up a session store just to find that out.
    if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
        return page_response(request, render_page(request, build()))
    html = cached_for_revision(page_cache_key(request, name), lambda: render_page(request, build()))
    return page_response(request, html)
