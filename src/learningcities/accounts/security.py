"""Login protection helpers used by django-axes (settings.AXES_*)."""

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def login_identifier(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """Return the e-mail address a login attempt is counted against, lower-cased.

    allauth passes ``email`` in the credentials; a form post carries ``login``.
    Folding the case keeps ``Ana@X.org`` and ``ana@x.org`` one account for the lock.
    """
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username")
    if not value:
        data = getattr(request, "POST", None) or {}
        value = data.get("login") or data.get("email") or data.get("username")
    return value.strip().lower() if value else None


def address_failures(request: HttpRequest) -> int:
    """Return the failed logins from the request's address, on any accounts, in the cool-off.

    Read from axes's records (the database handler), as axes counts its own.
    """
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    failures = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return failures or 0


def login_failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    """Return how many failures of this account from this address lock it (AXES_FAILURE_LIMIT).

    axes counts failures per account and address together and locks that pair
    at ``LC_LOGIN_FAILURE_LIMIT``. An address that has failed
    ``LC_LOGIN_ADDRESS_FAILURE_LIMIT`` times on any accounts has no failure
    left: every account, even one never tried, is locked from it until the
    cool-off passes.
    """
    if address_failures(request) >= settings.LC_LOGIN_ADDRESS_FAILURE_LIMIT:
        return 0
    return settings.LC_LOGIN_FAILURE_LIMIT
