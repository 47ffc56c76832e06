"""allauth adapters: accounts come from invitations, never from open sign-up."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .domain.queries.people import is_privileged


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Refuse sign-up: people join through an invitation or the secretariat."""
        return False

    def pre_login(self, request: HttpRequest, user, **kwargs) -> HttpResponse | None:
        """Refuse demo accounts on a production installation (their passwords are known)."""
        if settings.PRODUCTION and getattr(user, "is_demo", False):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(
                request,
                _(
                    "Demo accounts cannot log in to a production installation. "
                    "Ask an operator to remove them."
                ),
            )
            return redirect("account_login")
        return super().pre_login(request, user, **kwargs)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Open the person's first page in the language of their profile.

        Unless they logged in on a page in another language than the default:
        that language was chosen with the switcher just before, so it stays.
        Only the default page: a ``next`` address asked for is kept as it is.
        """
        url = super().get_login_redirect_url(request)
        if get_language() != settings.LANGUAGE_CODE:
            return url
        return translate_url(url, request.user.language)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Keep the authenticator app of a person whose role requires a second factor."""
        if authenticator.type == Authenticator.Type.TOTP and is_privileged(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
