"""Access helpers for views: a permission decorator and fetch-by-id that leaks nothing.

A list page refuses a person without the permission (403; anonymous people
are sent to log in). An object page fetches through the ``*_for_user`` query
of its list, so an object the person may not see answers 404 exactly like a
missing one: ids reveal nothing.
"""

from collections.abc import Callable
from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse


def permission_required(perm: str) -> Callable:
    """Require the django-rules permission ``perm`` (no object) to open the view.

    The rules are asked directly (not ``user.has_perm``, which would also load
    Django's model permissions): ``perm`` must be a rules permission.

    Anonymous people are redirected to the login page (then back); a logged-in
    person without the permission gets 403. Object checks belong to
    ``get_object_for_user_or_404``.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rules.has_perm(perm, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission_required = perm
        return wrapped

    return decorator


def get_object_for_user_or_404[T: Model](
    user, queryset_for_user: Callable[..., QuerySet[T]], **lookup
) -> T:
    """Return the one object of ``queryset_for_user(user)`` matching ``lookup``.

    Raises Http404 when it is missing, when ``user`` may not see it (the query
    does not list it) and when the lookup value is malformed.
    """
    try:
        found = queryset_for_user(user).filter(**lookup).first()
    except (ValueError, TypeError, ValidationError):
        raise Http404 from None
    if found is None:
        raise Http404
    return found
