"""Pages drawn once and shared by many people: the per-request CSRF token put in on the way out.

A cached page is rendered with ``CSRF_PLACEHOLDER`` in place of the token
(pass it as ``csrf_token`` in the template context); ``with_csrf_token``
swaps in the token of the request that is served. The public pages
(network) and the calls lists (calls) both cache pages this way.
"""

from django.http import HttpRequest
from django.middleware.csrf import get_token

CSRF_PLACEHOLDER = "lc-csrf-token-placeholder"


def with_csrf_token(request: HttpRequest, html: str) -> str:
    """Return ``html`` with this request's CSRF token in place of the placeholder."""
    if CSRF_PLACEHOLDER in html:
        return html.replace(CSRF_PLACEHOLDER, get_token(request))
    return html
