"""The endorser's journey: the queue of their country's applications and each one read-only.

Every view needs ``calls.view_endorsement_queue`` (endorsers of a National
Commission; anyone else gets 403). An application is fetched among the
submissions of the person's own countries, so another country's answers 404.
The decisions go through ``transition()``; its refusals (quota exhausted,
window closed...) come back as messages.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.views.errors import show_error
from learningcities.network.domain.queries.revision import current_revision
from learningcities.questionnaires.profile import profile_rows
from learningcities.questionnaires.tree import (
    by_criterion,
    documents_by_criterion,
    questionnaire_tree,
)

from ..domain.errors import SubmissionError
from ..domain.queries.dashboard import (
    endorsement_queue_rows_for_user,
    endorsement_quotas_for_user,
)
from ..domain.queries.revision import calls_revision_key
from ..domain.queries.submissions import submissions_for_user
from ..domain.queries.work import endorsement_history_for_user, history_rows, released_outcome
from ..domain.transitions import transition
from ..enums import Challenge, SubmissionState, staged_states, state_for_city
from ..interfaces.endorsement_forms import DECLINE, ENDORSE, RETURN, EndorsementActionForm
from ..models import EndorsementQuota, Submission, Transition
from ..rules import endorsed_country_ids, may_decide_endorsement
from .display import Fragment, cached_workspace_page, moment, page_number, url_for_pk

QUEUE_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 25
TARGET_STATE = {
    ENDORSE: SubmissionState.ENDORSED,
    RETURN: SubmissionState.RETURNED,
    DECLINE: SubmissionState.DECLINED,
}


@dataclass
class QuotaLine:
    """Endorsements a country used and has left in one call (``left`` None: no quota)."""

    call: object
    country: object
    used: int
    left: int | None


def quota_lines(submissions) -> list[QuotaLine]:
    """Return the quota of each (call, country) of ``submissions``, in one query."""
    pairs = {(s.call_id, s.country_id): s for s in submissions}
    if not pairs:
        return []
    used = {
        (row.call_id, row.country_id): row.used
        for row in EndorsementQuota.objects.filter(
            call_id__in={call for call, _country in pairs},
            country_id__in={country for _call, country in pairs},
        )
    }
    lines = []
    for key, submission in pairs.items():
        count = used.get(key, 0)
        quota = submission.call.quota_per_country
        lines.append(
            QuotaLine(
                submission.call,
                submission.country,
                count,
                None if quota is None else max(quota - count, 0),
            )
        )
    return lines


def endorsable_submissions_for_user(user):
    """The submissions of the person's own countries they may see (never another's)."""
    return submissions_for_user(user).filter(country_id__in=endorsed_country_ids(user))


@require_safe
@permission_required("calls.view_endorsement_queue")
def queue(request: HttpRequest) -> HttpResponse:
    """List the applications waiting for the person's endorsement, the most urgent first.

    Paginated by ``page`` (query string); the quotas above the list cover
    every call with an application waiting, whatever the page. The list is
    the same for every endorser of the same countries: it is drawn once and
    cached under those countries, the calls' revisions and the register's
    (read on every request, so a decision or a new application shows at
    once) until a deadline on the page passes; so is the page around it, the
    person's name and CSRF token put in on the way out. A constant number of
    queries.
    """
    countries = endorsed_country_ids(request.user)
    number = page_number(request.GET.get("page"))
    return cached_workspace_page(
        request,
        "calls/endorsement/queue.html",
        "endorsement-queue",
        (sorted(countries), number, calls_revision_key(), current_revision()),
        lambda now: _queue_body(request.user, number, now),
        {},
    )


def _queue_body(user, number: int, now) -> Fragment:
    """Draw the queue's quotas and one page of it; stale when a shown deadline passes.

    Four queries at most: the quota lines count the queue, so the paginator
    does not count it again.
    """
    quotas = endorsement_quotas_for_user(user)
    paginator = Paginator(endorsement_queue_rows_for_user(user), QUEUE_PAGE_SIZE)
    # Every waiting application is in exactly one quota line.
    paginator.count = sum(line.waiting for line in quotas)
    page = paginator.get_page(number)
    url = url_for_pk("calls:endorsement-detail")
    submissions = list(page.object_list)
    upcoming = []
    for submission in submissions:
        due = submission.endorsement_due_at
        submission.overdue = bool(due and due < now)
        if due and not submission.overdue:
            upcoming.append(due)
        submission.url = url(submission.pk)
        submission.submitted = moment(submission.submitted_at)
        submission.due = moment(due)
    html = render_to_string(
        "calls/endorsement/_queue_body.html",
        {"page": page, "submissions": submissions, "quotas": quotas, "query": ""},
    )
    return html, min(upcoming, default=None)


@require_safe
@permission_required("calls.view_endorsement_queue")
def history(request: HttpRequest) -> HttpResponse:
    """List what the person's Commission endorsed, returned or declined, newest first.

    Paginated by ``page``; each row links to the application (still readable
    after the decision) and shows its outcome once released, never a staged
    decision. A constant number of queries.
    """
    paginator = Paginator(endorsement_history_for_user(request.user), HISTORY_PAGE_SIZE)
    page = paginator.get_page(page_number(request.GET.get("page")))
    return render(
        request,
        "calls/endorsement/history.html",
        {"page": page, "rows": history_rows(page.object_list), "query": ""},
    )


def application_context(submission: Submission) -> dict:
    """Return what an application page shows: profile, answers by section, documents.

    A fixed number of queries whatever the size of the framework.
    """
    documents = list(submission.documents.select_related("document").order_by("created_at"))
    for link in documents:
        link.url = reverse("common:document", kwargs={"document_id": link.document_id})
    return {
        "submission": submission,
        "profile": profile_rows(submission),
        "challenges": [
            (challenge.label, (submission.challenges or {}).get(challenge.value, ""))
            for challenge in Challenge
        ],
        "sections": questionnaire_tree(
            submission.call.framework_id,
            answers=by_criterion(submission.answers.all()),
            documents=documents_by_criterion(documents),
        ),
        "documents": [link for link in documents if not link.criterion_id],
    }


def _history_for_endorser(submission: Submission) -> list[Transition]:
    """Return the submission's moves as its National Commission may read them.

    The jury's steps (reviewed, a staged decision) are the secretariat's: left
    out, and a withdrawal from one reads as from in review (shown so, never saved).
    """
    rows = list(
        submission.transitions.exclude(to_state__in=staged_states)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for row in rows:
        if row.to_state != SubmissionState.RELEASED:
            row.from_state = state_for_city(row.from_state)
    return rows


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("calls.view_endorsement_queue")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an application of the person's country; POST endorses, returns or declines it.

    ``action`` (endorse / return / decline) picks the decision; returning and
    declining need a comment. Effects: ``transition()`` to endorsed, returned
    or declined. Domain refusals become error messages; the page is shown again.
    """
    submission = get_object_for_user_or_404(request.user, endorsable_submissions_for_user, pk=pk)
    forms = {action: EndorsementActionForm(action=action) for action in (ENDORSE, RETURN, DECLINE)}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in forms:
            messages.error(request, _("Choose to endorse, return or decline the application."))
            status = 400
        else:
            form = forms[action] = EndorsementActionForm(request.POST, action=action)
            if form.is_valid():
                try:
                    transition(
                        submission,
                        TARGET_STATE[action],
                        actor=request.user,
                        comment=form.cleaned_data["comment"],
                    )
                except SubmissionError as error:
                    status = show_error(request, error)
                else:
                    messages.success(
                        request,
                        _("%(city)s's application is now “%(state)s”.")
                        % {"city": submission.city, "state": submission.get_state_display()},
                    )
                    return redirect("calls:endorsement-queue")
            else:
                status = 400
    context = application_context(submission)
    now = timezone.now()
    context.update(
        {
            "forms": [forms[ENDORSE], forms[RETURN], forms[DECLINE]],
            "can_act": may_decide_endorsement(request.user, submission),
            "overdue": bool(submission.endorsement_due_at and submission.endorsement_due_at < now),
            "quotas": quota_lines([submission]),
            "transitions": _history_for_endorser(submission),
            "outcome": released_outcome(submission),
        }
    )
    return render(request, "calls/endorsement/detail.html", context, status=status)
