"""Error bodies of the API: every refusal names what is wrong, never a 500."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

from learningcities.common.errors import RuleError, http_status


class ErrorItem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    """422: one item per invalid parameter; ``message`` sums them up for people."""

    detail: list[ErrorItem]
    message: str


class NotFoundOut(Schema):
    """404: there is no such object, or it is not yours to see (the same answer)."""

    detail: str


class UnauthorizedOut(Schema):
    """401: the operation needs a session and the request has none (not logged in)."""

    detail: str


class RefusalOut(Schema):
    """400, 403, 409: the request is refused; ``detail`` says why, for people.

    ``code`` names the refusal for programs, such as ``invalid_body`` (400: the
    body is not JSON), ``second_factor_required`` (403: the person's role needs
    an authenticator app first), ``csrf_failed`` (403: the CSRF token is missing
    or wrong), ``not_permitted`` (403: the person may not do this) or the
    code of the business rule that refused (``rule_error_response``).
    """

    detail: str
    code: str


class RateLimitedOut(Schema):
    """429: the client made too many requests; ``Retry-After`` says when to try again.

    ``code`` is ``rate_limited``. Every answer says ``X-RateLimit-Limit`` and
    ``X-RateLimit-Remaining``.
    """

    detail: str
    code: str


# The answers of every operation besides its own (merged into ``response=``):
# a logged-in person whose role needs a second factor and who has none is
# refused before any handler runs (accounts.middleware), public operations
# included; any parameter may be invalid; and any client may go past its
# rate limit (common.api_http).
REFUSALS = {403: RefusalOut, 422: ValidationErrorOut, 429: RateLimitedOut}
# Operations that need a session answer 401 without one; their unsafe methods
# also answer 403 without the CSRF token.
SESSION_REFUSALS = {401: UnauthorizedOut, **REFUSALS}
# Operations that read a JSON body answer 400 when it does not parse.
BODY_REFUSALS = {400: RefusalOut}


def invalid_parameter(location: str, name: str, message: str) -> ValidationError:
    """Return the error that refuses parameter ``name`` (in ``location``: query, path)."""
    return ValidationError([{"loc": [location, name], "msg": message, "type": "value_error"}])


def query_choice(name: str, value: str | None, choices: list[str]) -> str:
    """Return query parameter ``value`` if it is one of ``choices``, empty if absent.

    Anything else is refused (422) with the values allowed.
    """
    if not value:
        return ""
    if value not in choices:
        raise invalid_parameter(
            "query",
            name,
            _("“%(value)s” is not allowed; use one of %(values)s.")
            % {"value": value[:50], "values": ", ".join(choices)},
        )
    return value


def _describe(error: dict[str, Any]) -> dict[str, Any]:
    loc = [part for part in error.get("loc", ()) if part != "__root__"]
    return {"loc": loc, "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}


def validation_error_response(
    request: HttpRequest, exc: ValidationError, *, api: NinjaAPI
) -> HttpResponse:
    """Answer 422 with each invalid parameter's location and message."""
    detail = [_describe(error) for error in exc.errors]
    message = "; ".join(
        f"{item['loc'][-1] if item['loc'] else 'request'}: {item['msg']}" for item in detail
    )
    return api.create_response(request, {"detail": detail, "message": message}, status=422)


# Two refusals django-ninja makes itself, before a handler runs, recognised by
# its own (English, untranslated) messages. They get the ``code`` our own
# refusals carry, so a client reads every 400 and 403 the same way.
_NINJA_REFUSALS = {
    "Cannot parse request body": ("invalid_body", _("The request body is not valid JSON.")),
    "CSRF check Failed": (
        "csrf_failed",
        _(
            "The CSRF token is missing or wrong: send the value of the csrftoken cookie "
            "in the X-CSRFToken header."
        ),
    ),
}


def http_error_response(request: HttpRequest, exc: HttpError, *, api: NinjaAPI) -> HttpResponse:
    """Answer ninja's own refusals with a ``detail`` and a ``code``; others as ninja does."""
    for prefix, (code, message) in _NINJA_REFUSALS.items():
        if exc.message.startswith(prefix):
            return api.create_response(
                request, {"detail": str(message), "code": code}, status=exc.status_code
            )
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


def refusal_body(error: RuleError) -> dict[str, str]:
    """Return the API's body for ``error``: ``detail`` for people, ``code`` for programs."""
    return {"detail": error.message, "code": error.code}


def rule_error_response(request: HttpRequest, exc: RuleError, *, api: NinjaAPI) -> HttpResponse:
    """Answer a refused business rule with its status (``http_status``) and its body.

    The one place the API turns a RuleError into a response: handlers let it
    rise, so the same refusal answers the same status everywhere (400 a bad
    value, 403 not permitted, 409 refused in the object's current state).
    """
    return api.create_response(request, refusal_body(exc), status=http_status(exc))
