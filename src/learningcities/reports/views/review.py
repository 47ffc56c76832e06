"""The secretariat's review of a progress report: read it whole, then return or accept it.

Needs ``reports.review_report`` (the secretariat; anyone else gets 403,
anonymous people are sent to log in); a report that does not exist answers
404. The report is read through the questionnaire engine (each answer's
``display``, a figure's year and source, the "unchanged since the last
report" mark). The two actions are offered only when the report machine
allows them (``secretariat_moves``); both go through ``move_report``, whose
refusals come back on the form.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from learningcities.common.access import permission_required
from learningcities.common.views.errors import show_error

from ..domain.completeness import report_tree
from ..domain.errors import ReportError
from ..domain.queries.cycles import feedback_rounds, report_for_review, secretariat_moves
from ..domain.transitions import move_report
from ..enums import SECRETARIAT, ReportState
from ..interfaces.cycle_forms import AcceptForm, ReturnForm


def _report(pk: int):
    report = report_for_review(pk)
    if report is None:
        raise Http404
    return report


def _act(request, report, form, to_state: str) -> int:
    """Make the posted move; return 0 when done, else the status of the page drawn again."""
    if not form.is_valid():
        return 400
    if to_state == ReportState.RETURNED:
        arguments = {"feedback": form.feedback(), "comment": form.cleaned_data["comment"]}
    else:
        arguments = {
            "assessment": form.cleaned_data["assessment"],
            "assessment_text": form.cleaned_data["assessment_text"],
        }
    try:
        move_report(report, to_state, actor=request.user, role=SECRETARIAT, **arguments)
    except ReportError as error:
        return show_error(request, error, form)
    if to_state == ReportState.RETURNED:
        message = _("The report of %(city)s is returned to the city with your feedback.")
    else:
        message = _("The report of %(city)s is accepted.")
    messages.success(request, message % {"city": report.city.name})
    return 0


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reports.review_report")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a report for review; POST ``action=return`` (feedback) or ``action=accept``.

    Effects: ``move_report`` to returned (the feedback of the round, per
    section) or accepted (the assessment); then back to the cycle's page.
    """
    report = _report(pk)
    tree = report_tree(report)
    moves = secretariat_moves(report)
    sections = [node.section for node in tree]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    return_form = ReturnForm(request.POST if action == "return" else None, sections=sections)
    accept_form = AcceptForm(request.POST if action == "accept" else None)
    status = 200
    if request.method == "POST":
        forms = {
            "return": (return_form, ReportState.RETURNED),
            "accept": (accept_form, ReportState.ACCEPTED),
        }
        if action not in forms or forms[action][1] not in moves:
            messages.error(
                request,
                _("This report is %(state)s: it cannot be returned or accepted now.")
                % {"state": report.get_state_display().lower()},
            )
            status = 409 if action in forms else 400
        else:
            status = _act(request, report, *forms[action])
            if status == 0:
                return redirect("reports:cycle", code=report.cycle.code)
    context = {
        "report": report,
        "cycle": report.cycle,
        "sections": tree,
        "rounds": feedback_rounds(report),
        "can_return": ReportState.RETURNED in moves,
        "can_accept": ReportState.ACCEPTED in moves,
        "return_form": return_form,
        "accept_form": accept_form,
    }
    return render(request, "reports/manage/review.html", context, status=status)
