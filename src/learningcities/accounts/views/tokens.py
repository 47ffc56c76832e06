"""API tokens: the people of an organisation make them, see their use and revoke them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.views.errors import show_error

from ..domain.errors import TokenError
from ..domain.tokens import (
    create_token,
    organisations_for_tokens,
    revoke_token,
    tokens_for_user,
)
from ..enums import Scope
from ..interfaces.forms import TokenForm

# The most recent requests a token's page lists.
USES_SHOWN = 100


def _state(token, now) -> str:
    if token.revoked_at is not None:
        return _("Revoked")
    if token.expires_at <= now:
        return _("Expired")
    return _("Active")


def _rows(tokens) -> list[dict]:
    now = timezone.now()
    labels = dict(Scope.choices)
    return [
        {
            "token": token,
            "state": _state(token, now),
            "active": token.revoked_at is None and token.expires_at > now,
            "scopes": [str(labels.get(scope, scope)) for scope in token.scopes],
        }
        for token in tokens
    ]


@permission_required("accounts.view_api_tokens")
def tokens(request: HttpRequest) -> HttpResponse:
    """List the tokens the person may see; make one (its key is shown on the answer only)."""
    organisations = organisations_for_tokens(request.user)
    form = TokenForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST" and organisations and form.is_valid():
        organisation = form.organisations[form.cleaned_data["organisation"]]
        try:
            token, key = create_token(
                organisation,
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except TokenError as error:
            status = show_error(request, error, form)
        else:
            response = render(
                request,
                "accounts/token_created.html",
                {"token": token, "key": key, "row": _rows([token])[0]},
            )
            # The key is on this answer only: no cache, no copy anywhere else.
            response["Cache-Control"] = "no-store"
            return response
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "may_make": bool(organisations),
            "rows": _rows(tokens_for_user(request.user)),
        },
        status=status,
    )


@permission_required("accounts.view_api_tokens")
def token(request: HttpRequest, pk: int) -> HttpResponse:
    """One token: what it may do, until when, and the requests made with it."""
    found = get_object_for_user_or_404(request.user, tokens_for_user, pk=pk)
    return render(
        request,
        "accounts/token.html",
        {
            "row": _rows([found])[0],
            "token": found,
            "uses": list(found.uses.order_by("-at", "-pk")[:USES_SHOWN]),
            "uses_shown": USES_SHOWN,
        },
    )


@require_POST
@permission_required("accounts.view_api_tokens")
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a token at once."""
    found = get_object_for_user_or_404(request.user, tokens_for_user, pk=pk)
    try:
        revoke_token(found, actor=request.user)
    except TokenError as error:
        show_error(request, error)
    else:
        message = _("The token “%(name)s” is revoked: it no longer works.")
        messages.success(request, message % {"name": found.name})
    return redirect("accounts:api-tokens")
