"""The second factor is required for privileged people before anything else.

The person's roles, the countries they endorse for and whether they have an
authenticator are read on nearly every page; they are kept in the session as a
snapshot taken under the person's ``access_version`` (bumped with every change
of their affiliations, their organisations or their authenticators, see
accounts.signals) and trusted only while the user row read for this request
carries the same number. A change therefore counts from the
very next request (in another process, once it has heard of the change:
accounts.backends), and an unchanged person pays no query for them.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from learningcities.common.proxy import client_address

from .domain.queries.people import has_totp, is_privileged, remember_totp
from .domain.tokens import record_token_use
from .rules import (
    affiliation_pairs,
    endorsed_country_ids,
    forget_affiliations,
    remember_affiliations,
    remember_endorsed_countries,
)

ACCESS_SNAPSHOT = "_lc_access"

# Pages a privileged person without an authenticator app may still open: the
# set-up itself (allauth's MFA pages and the re-authentication they may ask
# for), logging out, and the health check. Static files never reach here
# (WhiteNoise answers first).
ALLOWED_URL_NAMES = frozenset(
    {"account_logout", "account_reauthenticate", "favicon", "health", "javascript-catalog"}
)


def load_access_snapshot(request: HttpRequest) -> None:
    """Give the logged-in person their roles and second factor from the session's snapshot.

    The snapshot ``[user id, access version, affiliation pairs, has TOTP,
    endorsed country codes]`` is used when it belongs to this person at their
    current access version; otherwise they are read (two or three queries) and
    the snapshot is replaced.
    """
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return
    snapshot = request.session.get(ACCESS_SNAPSHOT)
    if (
        isinstance(snapshot, list)
        and len(snapshot) == 5
        and snapshot[0] == user.pk
        and snapshot[1] == user.access_version
    ):
        remember_affiliations(user, frozenset((org, role) for org, role in snapshot[2]))
        remember_totp(user, bool(snapshot[3]))
        remember_endorsed_countries(user, frozenset(snapshot[4]))
        return
    store_access_snapshot(request.session, user)


def store_access_snapshot(session, user) -> None:
    """Read the person's roles, second factor and endorsed countries into ``session``'s snapshot.

    Also on login (accounts.signals), so the first page after it pays nothing.
    """
    # The version is the one of the row read before the roles: a change
    # committed in between makes the snapshot outdated at once, never wrong.
    version = user.access_version
    forget_affiliations(user)
    pairs = affiliation_pairs(user)
    remember_totp(user, None)
    totp = has_totp(user)
    remember_totp(user, totp)
    countries = endorsed_country_ids(user)  # a query only for an endorser
    session[ACCESS_SNAPSHOT] = [
        user.pk,
        version,
        sorted(map(list, pairs)),
        totp,
        sorted(countries),
    ]


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
        load_access_snapshot(request)
        if not needs_second_factor(request):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _(
                        "Your role requires two-factor authentication: set up an "
                        "authenticator app before using the API."
                    ),
                    # As the API's own errors: a message and a stable code.
                    "code": "second_factor_required",
                },
                status=403,
            )
        return redirect("mfa_activate_totp")


class ApiTokenUseMiddleware:
    """Log each API request made with a token, with its answer (``interfaces.api_auth``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None:
            record_token_use(
                token,
                method=request.method,
                path=request.path,
                status=response.status_code,
                address=client_address(request),
            )
        return response
