"""Sharing a good practice from a report's answer (the city's coordinators)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from learningcities.common.views.errors import show_error
from learningcities.frameworks.models import Criterion
from learningcities.practices.domain.errors import PracticeError

from ..domain.errors import ReportError
from ..domain.practices import practice_from_report
from ..domain.queries.sharing import report_for_coordinator


@login_required
@require_POST
def share_practice(request, pk: int, code: str):
    """Make the answer to question ``code`` a draft practice, then open it to finish it."""
    report = report_for_coordinator(request.user, pk)
    criterion = get_object_or_404(Criterion, framework_id=report.cycle.framework_id, code=code)
    try:
        practice = practice_from_report(report, criterion, actor=request.user)
    except (ReportError, PracticeError) as error:
        show_error(request, error)
        return redirect("reports:report", pk=report.pk)
    messages.success(
        request,
        _(
            "A draft practice is made from your answer: check its title and tags, tick the "
            "consent to publish, then submit it."
        ),
    )
    return redirect("practices:edit", pk=practice.pk)
