"""allauth adapters: accounts come from invitations, never from open sign-up."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from .domain.queries.people import is_privileged


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Refuse sign-up: people join through an invitation or the secretariat."""
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Keep the authenticator app of a person whose role requires a second factor."""
        if authenticator.type == Authenticator.Type.TOTP and is_privileged(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
