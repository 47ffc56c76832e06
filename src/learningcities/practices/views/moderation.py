"""The secretariat's moderation queue: the practices cities submitted, oldest first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..domain.queries.practices import moderation_queue, recently_moderated
from ..rules import can_moderate_practices


@login_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """List the submitted practices to publish or return, and the latest decisions."""
    if not can_moderate_practices(request.user):
        raise PermissionDenied
    return render(
        request,
        "practices/moderation.html",
        {"waiting": list(moderation_queue()), "recent": list(recently_moderated())},
    )
