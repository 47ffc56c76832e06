"""Accepting an invitation: choose a name and password, or log in first."""

from allauth.account.utils import perform_login
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from ..domain.errors import InvitationError
from ..domain.invitations import accept_invitation, invitation_for_token
from ..interfaces.forms import AcceptInvitationForm
from ..models import User


@never_cache
@sensitive_post_parameters("password1", "password2")
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Show the invitation and accept it.

    A new person sets a name and password and is logged in; a person with an
    account logs in first and then accepts with one button. An unusable link
    shows why, with status 410 (used, expired or withdrawn) or 404 (unknown).
    """
    try:
        invitation = invitation_for_token(token)
    except InvitationError as error:
        return _unusable(request, error)
    user = request.user if request.user.is_authenticated else None
    page = _page(request, invitation, user=user)
    can_accept = not page["account_exists"] and not page["wrong_account"]
    form = page["form"]
    if request.method == "POST" and can_accept and (form is None or form.is_valid()):
        response = _accept(request, token, user=user, form=form)
        if response is not None:
            return response
    return render(request, "accounts/invitation.html", page)


def _page(request: HttpRequest, invitation, *, user) -> dict:
    """Return the invitation page's context: who is asked to do what.

    A person logged in under another address is told so; one with an account
    logs in first; a new person gets the form to set a name and password.
    """
    account_exists = user is None and User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if user is None and not account_exists:
        form = AcceptInvitationForm(
            request.POST if request.method == "POST" else None, email=invitation.email
        )
    return {
        "invitation": invitation,
        "form": form,
        "account_exists": account_exists,
        "wrong_account": user is not None and user.email.lower() != invitation.email.lower(),
        "login_url": reverse(settings.LOGIN_URL) + "?" + urlencode({"next": request.path}),
    }


def _accept(request: HttpRequest, token: str, *, user, form) -> HttpResponse | None:
    """Accept the invitation and answer where the person goes next.

    None: the password was refused, and the form (bound to it) shows why.
    """
    try:
        accepted_user, affiliation = accept_invitation(
            token,
            user=user,
            password=form.cleaned_data["password1"] if form else None,
            name=form.cleaned_data["name"] if form else "",
        )
    except InvitationError as error:
        return _unusable(request, error)
    except ValidationError as error:
        form.add_error("password1", error)
        return None
    messages.success(
        request,
        _("Welcome: you are now %(role)s of %(organisation)s.")
        % {"role": affiliation.get_role_display(), "organisation": affiliation.organisation},
    )
    if user is None:
        return perform_login(request, accepted_user, redirect_url=reverse("accounts:profile"))
    return redirect("accounts:profile")


def _unusable(request: HttpRequest, error: InvitationError) -> HttpResponse:
    status = 404 if error.code == "unknown" else 410
    return render(request, "accounts/invitation_unusable.html", {"error": error}, status=status)
