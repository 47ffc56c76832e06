"""The page shown when axes refuses a login (settings.AXES_LOCKOUT_CALLABLE)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """Explain the lock and when it lifts; answer 429 Too Many Requests."""
    return render(
        request,
        "accounts/lockout.html",
        {"cooloff_minutes": settings.LC_LOGIN_COOLOFF_MINUTES},
        status=429,
    )
