"""The "My work" page, where every person lands after logging in.

It shows one section per role the person holds, each made of the parts the
apps registered (``accounts.domain.work``): what waits for the secretariat
across calls, a juror's reviews, an endorser's queue and history, a
coordinator's applications and the open calls. A person with no role yet is
told so and pointed to their profile.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..domain.work import work_for_user


@require_safe
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """Show what waits for the person, one section per role; a fixed number of queries."""
    return render(request, "accounts/my_work.html", {"roles": work_for_user(request.user)})
