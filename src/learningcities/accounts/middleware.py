"""The second factor is required for privileged people before anything else."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .domain.queries.people import has_totp, is_privileged

# Pages a privileged person without an authenticator app may still open: the
# set-up itself (allauth's MFA pages and the re-authentication they may ask
# for), logging out, and the health check. Static files never reach here
# (WhiteNoise answers first).
ALLOWED_URL_NAMES = frozenset(
    {"account_logout", "account_reauthenticate", "health", "javascript-catalog"}
)


def needs_second_factor(request: HttpRequest) -> bool:
    """Tell whether the logged-in person must set up TOTP before going on (memoised)."""
    if not hasattr(request, "_lc_needs_second_factor"):
        user = request.user
        request._lc_needs_second_factor = (
            user.is_authenticated and is_privileged(user) and not has_totp(user)
        )
    return request._lc_needs_second_factor


class RequireSecondFactorMiddleware:
    """Send secretariat members, jurors and operators without TOTP to its set-up.

    Every page except the MFA set-up pages, logout and the health check redirects
    to the TOTP activation page; an API call made with the session answers 403
    in JSON, as an API client cannot follow the set-up.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        url_name = match.url_name if match else None
        if url_name in ALLOWED_URL_NAMES or (url_name or "").startswith("mfa_"):
            return None
        if request.path_info.startswith(self.static_prefix):
            return None
        # Without a session cookie nobody is logged in: no need to load a session.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        if not needs_second_factor(request):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _(
                        "Your role requires two-factor authentication: set up an "
                        "authenticator app before using the API."
                    )
                },
                status=403,
            )
        return redirect("mfa_activate_totp")
