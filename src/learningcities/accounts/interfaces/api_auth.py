"""How an API operation accepts an organisation's token (``Authorization: Bearer lc_...``).

An operation that a partner's program may call lists ``TokenAuth(scope)``
among its ``auth``: a request with a usable token holding ``scope`` runs as
the token's maker (``request.user``), so the handler asks the same
permission rules as the pages; ``request.api_token`` is the token, logged with
the answer (``middleware.ApiTokenUseMiddleware``). A key that does not
authenticate is answered 401 (code ``invalid_token``) and a token without
the scope 403 (code ``insufficient_scope``), whatever else the request carries.
"""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import security
from ninja.security import HttpBearer

from ..domain.errors import TokenError
from ..domain.tokens import token_for_key
from ..enums import Scope


class TokenAuth(HttpBearer):
    """A bearer token of an organisation that holds ``scope``."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str):
        found = getattr(request, "api_token", None)
        if found is None:
            found = token_for_key(token.strip())
        if self.scope not in found.scopes:
            raise TokenError(
                _("This API token may not %(scope)s: its organisation may make one that may.")
                % {"scope": str(Scope(self.scope).label).lower()},
                code="insufficient_scope",
            )
        request.user = found.user
        request.api_token = found
        return found


class SessionAuth(security.SessionAuth):
    """The session, as ninja's (the same scheme in the schema), but anonymous requests pass too.

    For operations whose handler answers a visitor itself (401 with its own
    message) and that also accept a token.
    """

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user


session_or_anonymous = SessionAuth()
