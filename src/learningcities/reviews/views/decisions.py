"""The secretariat's decisions page: finish reviews, stage decisions, release the call.

Every view needs ``reviews.stage_decisions`` (the secretariat and operators;
anyone else gets 403); a call that does not exist answers 404. The page reads
a fixed number of queries whatever the number of submissions. Writes go
through the domain (``finish_review``, ``stage_decision``); the release has
pages of its own (``views.release``); refusals come back as messages (status 409 when
nothing was done) and the page is shown again.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.enums import CallKind, SubmissionState, staged_states
from learningcities.calls.models import Call, Release, Submission
from learningcities.common.access import permission_required
from learningcities.common.views.errors import show_error

from ..domain.decisions import finish_review, phase_refusal, stage_decision
from ..domain.errors import ReviewError
from ..domain.queries.decisions import decision_rows, staged_counts
from ..domain.queries.phases import phase_status
from ..interfaces.decision_forms import RELEASE_FORMS, DecideForm, FinishReviewsForm
from ..models import Panel

PERMISSION = "reviews.stage_decisions"
S = SubmissionState


def _call(pk: int) -> Call:
    return get_object_or_404(Call, pk=pk)


def _release_form(call: Call, data=None):
    return RELEASE_FORMS[call.kind](data, prefix="release")


def _page(
    request: HttpRequest,
    call: Call,
    *,
    release_form=None,
    status: int = 200,
    blocked: str = "",
    decide_errors: dict | None = None,
):
    panel = Panel.objects.filter(call=call).select_related("call").first()
    rows = decision_rows(call, panel=panel)
    guidance = phase_status(panel) if panel else None
    release = Release.objects.filter(call=call).select_related("cohort", "released_by").first()
    return render(
        request,
        "reviews/decisions/page.html",
        {
            "call": call,
            "panel": panel,
            "phase": guidance.current if guidance else None,
            "rows": rows,
            "counts": staged_counts(call),
            "release": release,
            "release_form": release_form or _release_form(call),
            "is_award": call.kind == CallKind.AWARD,
            "states": S,
            # What the phase allows, the way to the next one, and what it refused.
            "phase_status": guidance,
            "blocked": blocked,
            "decide_errors": decide_errors or {},
        },
        status=status,
    )


def _decision_label(call: Call, submission: Submission) -> str:
    """The decision as the page says it: winner / not selected for an award call."""
    if call.kind == CallKind.AWARD:
        return _("winner") if submission.decision == "accepted" else _("not selected")
    return submission.get_decision_display()


@require_safe
@permission_required(PERMISSION)
def decisions(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the call's submissions in ranking order with their decisions and the release form."""
    return _page(request, _call(pk))


@require_POST
@permission_required(PERMISSION)
def finish_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    """Finish the jury's work on the ticked submissions; each one refused is named."""
    call = _call(pk)
    candidates = Submission.objects.filter(call=call, state=S.IN_REVIEW).select_related(
        "call", "city", "country", "organisation"
    )
    by_pk = {submission.pk: submission for submission in candidates}
    form = FinishReviewsForm(request.POST, submission_ids=list(by_pk))
    if not form.is_valid():
        _show_form_errors(request, form)
        return _page(request, call, status=400)
    refusal = phase_refusal(call.pk)
    if refusal is not None:
        # One refusal for the whole batch, with the way forward beside it (the next phase).
        return _page(request, call, status=409, blocked=refusal)
    finished, refused = _finish_ticked(request, form, by_pk)
    _report_finished(request, finished, refused)
    if refused and not finished:
        return _page(request, call, status=409)
    return redirect("reviews:decisions", pk=call.pk)


def _show_form_errors(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _finish_ticked(
    request: HttpRequest, form: FinishReviewsForm, by_pk: dict[int, Submission]
) -> tuple[int, list[str]]:
    """Finish the review of each ticked submission; return how many finished and the refusals."""
    finished, refused = 0, []
    for submission_pk in form.cleaned_data["submission"]:
        try:
            finish_review(
                by_pk[submission_pk], actor=request.user, reason=form.cleaned_data["reason"]
            )
        except (SubmissionError, ReviewError) as error:
            refused.append(error.message)  # shown once each, after the loop
        else:
            finished += 1
    return finished, refused


def _report_finished(request: HttpRequest, finished: int, refused: list[str]) -> None:
    """Say how many reviews are finished (if any), then each distinct refusal once."""
    if finished:
        messages.success(
            request,
            ngettext(
                "The review of %(count)s submission is finished.",
                "The reviews of %(count)s submissions are finished.",
                finished,
            )
            % {"count": finished},
        )
    for message in dict.fromkeys(refused):  # each reason once
        messages.error(request, message)


@require_POST
@permission_required(PERMISSION)
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Stage or change the decision on one submission of the call."""
    call = _call(pk)
    candidates = Submission.objects.filter(call=call, state__in=staged_states)
    by_pk = {submission.pk: submission for submission in candidates.select_related("city")}
    form = DecideForm(request.POST, submission_ids=list(by_pk))
    if not form.is_valid():
        messages.error(request, _("Choose a submission that is reviewed and a decision."))
        return _page(request, call, status=400)
    submission = by_pk[form.cleaned_data["submission"]]
    refusal = phase_refusal(call.pk)
    if refusal is not None:
        return _page(request, call, status=409, blocked=refusal)
    try:
        stage_decision(
            submission,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            reason=form.cleaned_data["reason"],
        )
    except (SubmissionError, ReviewError) as error:
        if error.code == "reason_required":
            # Asked beside the submission's buttons: the reason field of its row.
            errors = {f"reason-{submission.pk}": [error.message]}
            return _page(request, call, status=400, decide_errors=errors)
        return _page(request, call, status=show_error(request, error))
    messages.success(
        request,
        _("%(city)s: %(decision)s (staged; the city learns it at the release).")
        % {"city": submission.city.name, "decision": _decision_label(call, submission)},
    )
    return redirect("reviews:decisions", pk=call.pk)
