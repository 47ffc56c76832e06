"""Login protection helpers used by django-axes (settings.AXES_*)."""

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
