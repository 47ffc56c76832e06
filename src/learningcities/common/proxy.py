"""The address a request comes from, as failed logins are counted against it (axes)."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """Return the client's address: the connection's, or the one our proxy saw.

    Behind the one reverse proxy that ``LC_BEHIND_PROXY`` trusts, the connection
    comes from the proxy, which appends the address it saw to
    ``X-Forwarded-For``. Only that last entry is its word: anything before it
    came from the client and could be any address. Without a proxy the header
    is ignored, so a client cannot choose the address its failures count against.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR")
