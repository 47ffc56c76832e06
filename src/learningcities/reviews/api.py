"""REST API v1 of the jury: a juror's assigned submissions and their review; audit exports.

The secretariat also reads a call's assignments and raw scores
(``/calls/{call_id}/jury/assignments`` and ``.../scores``), the same rows as
the jury page's CSV downloads; anyone else is refused with 403.

Session authentication (ninja's ``django_auth``); unsafe methods need the CSRF
token. The rules are the pages': ``submissions_for_juror`` says what a juror
sees (anything else, conflicted included, is 404 as if missing); the phase
in force says whether the city's identity is shown (otherwise ``city`` and
``country`` are null and ``label`` reads "Application 17") and whether the
review may be written; ``domain.reviews`` does every write, and refuses it
(409, code ``frozen``) once the jury's work on the submission is over.
"""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.security import django_auth

from learningcities.api.errors import SESSION_REFUSALS, NotFoundOut
from learningcities.api.pagination import (
    DEFAULT_PAGE_SIZE,
    PageCursor,
    PageNumber,
    PageOut,
    PageSize,
    page_link,
    paginate,
)
from learningcities.frameworks.domain.queries.frameworks import (
    localised_criteria,
)

from .domain.queries.exports import (
    assignments_for_export,
    recusals_for_export,
    scores_for_export,
)
from .domain.queries.reviews import phase_in_force, submissions_for_juror
from .domain.queries.workspace import annotate_progress, phases_for_juror
from .domain.reviews import (
    ReviewEntries,
    ReviewError,
    reviewing,
    save_juror_review,
    submit_review,
)
from .enums import Recommendation
from .interfaces.exports import assignment_row, recusal_row, score_row
from .models import Assignment, Panel, Review, Score

router = Router(tags=["jury"], auth=django_auth)

MAX_ID = 2**63 - 1
SubmissionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The submission's id.")]


class JuryCallRef(Schema):
    id: int
    title: str


class JuryCityRef(Schema):
    id: int
    name: str


class JurySubmissionOut(Schema):
    id: int
    label: str = Field(description="The city's name, or “Application 17” when identity is hidden.")
    call: JuryCallRef
    city: JuryCityRef | None = Field(description="Null while the phase hides identities.")
    country: str | None = Field(description="ISO alpha-2 code; null while identity is hidden.")
    review_state: str = Field(description="not_started, draft or submitted.")
    scored: int = Field(description="Criteria you have scored.")
    criteria: int = Field(description="Criteria to score.")


class JurySubmissionPage(PageOut):
    results: list[JurySubmissionOut]


class CriterionOut(Schema):
    id: int
    code: str
    title: str
    weight: float


class ScoreOut(Schema):
    criterion: int
    value: int | None
    comment: str


class ReviewOut(Schema):
    state: str
    recommendation: str
    comment: str
    submitted_at: dt.datetime | None
    scores: list[ScoreOut]


class PhaseOut(Schema):
    name: str
    may_review: bool
    sees_identity: bool
    sees_other_reviews: str


class JurySubmissionDetailOut(Schema):
    id: int
    label: str
    call: JuryCallRef
    city: JuryCityRef | None
    country: str | None
    phase: PhaseOut | None
    score_min: int
    score_max: int
    level_descriptors: dict[str, str]
    criteria: list[CriterionOut]
    review: ReviewOut | None


class ScoreIn(Schema):
    criterion: int = Field(description="The criterion's id.")
    value: int | None = Field(None, description="The score; null empties it.")
    comment: str = ""


class ReviewIn(Schema):
    scores: list[ScoreIn] = Field(default_factory=list)
    recommendation: str | None = Field(
        None,
        description="admit, do_not_admit, abstain, or empty; absent leaves it.",
        # Checked by save_review (400 names a wrong value); listed for clients.
        json_schema_extra={"enum": [*Recommendation.values, "", None]},
    )
    comment: str | None = Field(None, description="The overall comment; absent leaves it.")


class ErrorOut(Schema):
    detail: str
    code: str


def _label(submission, shows_identity: bool) -> str:
    if shows_identity:
        return submission.city.name
    return _("Application %(number)s") % {"number": submission.pk}


def _identity(submission, shows_identity: bool) -> dict:
    return {
        "label": _label(submission, shows_identity),
        "city": (
            {"id": submission.city_id, "name": submission.city.name} if shows_identity else None
        ),
        "country": submission.country_id if shows_identity else None,
    }


def _not_found() -> Status:
    return Status(404, {"detail": _("There is no submission with this id.")})


@router.get(
    "/jury/submissions",
    response={200: JurySubmissionPage, **SESSION_REFUSALS},
    summary="The submissions assigned to you for review",
)
def list_jury_submissions(
    request: HttpRequest,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):
    """The submissions you are assigned to and not conflicted with, with your progress."""
    user = request.auth
    phases = phases_for_juror(user)
    queryset = annotate_progress(
        submissions_for_juror(user).select_related("call__panel"), user
    ).order_by("call__closes_at", "call_id", "pk")

    def item(submission) -> dict:
        phase = phases.get(submission.call.panel.pk)
        shows = bool(phase and phase.sees_identity)
        return {
            "id": submission.pk,
            **_identity(submission, shows),
            "call": {"id": submission.call_id, "title": submission.call.title},
            "review_state": submission.review_state,
            "scored": submission.scored,
            "criteria": submission.criteria,
        }

    return paginate(
        request, queryset, params={}, page=page, page_size=page_size, cursor=cursor, item=item
    )


def _detail(user, submission) -> dict:
    assignment = Assignment.objects.select_related("panel").get(
        submission=submission, juror_id=user.pk
    )
    panel = assignment.panel
    phase = phase_in_force(panel)
    shows = bool(phase and phase.sees_identity)
    review = Review.objects.filter(assignment=assignment).first()
    return {
        "id": submission.pk,
        **_identity(submission, shows),
        "call": {"id": submission.call_id, "title": submission.call.title},
        "phase": (
            {
                "name": phase.name,
                "may_review": phase.may_review,
                "sees_identity": phase.sees_identity,
                "sees_other_reviews": phase.sees_other_reviews,
            }
            if phase
            else None
        ),
        "score_min": panel.score_min,
        "score_max": panel.score_max,
        "level_descriptors": {
            str(key): str(value) for key, value in (panel.level_descriptors or {}).items()
        },
        "criteria": [
            {"id": c.pk, "code": c.code, "title": c.title, "weight": float(c.weight)}
            for c in localised_criteria(submission.call.framework)
        ],
        "review": (
            {
                "state": review.state,
                "recommendation": review.recommendation,
                "comment": review.comment,
                "submitted_at": review.submitted_at,
                "scores": [
                    {"criterion": s.criterion_id, "value": s.value, "comment": s.comment}
                    for s in Score.objects.filter(review=review).order_by("criterion__order")
                ],
            }
            if review
            else None
        ),
    }


@router.get(
    "/jury/submissions/{id}",
    response={200: JurySubmissionDetailOut, **SESSION_REFUSALS, 404: NotFoundOut},
    summary="One submission assigned to you, with the scale, criteria and your review",
)
def get_jury_submission(request: HttpRequest, id: SubmissionId):
    """A submission you are assigned to and not conflicted with; 404 otherwise."""
    submission = submissions_for_juror(request.auth).filter(pk=id).first()
    if submission is None:
        return _not_found()
    return Status(200, _detail(request.auth, submission))


def _review_for(request, id):
    submission = submissions_for_juror(request.auth).filter(pk=id).first()
    if submission is None:
        return None, None
    assignment = Assignment.objects.select_related("panel", "submission__call").get(
        submission=submission, juror_id=request.auth.pk
    )
    return submission, assignment


@router.put(
    "/jury/submissions/{id}/review",
    response={
        200: JurySubmissionDetailOut,
        **SESSION_REFUSALS,
        400: ErrorOut,
        404: NotFoundOut,
        409: ErrorOut,
    },
    summary="Save your draft review (scores, recommendation, comments)",
)
def save_jury_review(request: HttpRequest, id: SubmissionId, body: ReviewIn):
    """Save the scores and fields given, as typed; absent fields stay as they are.

    All or nothing: 400 names a bad value (a score off the scale, an unknown
    criterion); 409 when the phase does not allow reviewing, the review is
    submitted or the jury's work on the submission is over (code ``frozen``).
    """
    submission, assignment = _review_for(request, id)
    if submission is None:
        return _not_found()
    entries = ReviewEntries(
        scores={item.criterion: item.value for item in body.scores},
        comments={item.criterion: item.comment for item in body.scores},
        recommendation=body.recommendation,
        comment=body.comment,
    )
    # All or nothing: a refused value leaves the review as it was. A
    # ReviewError rises to api.errors.rule_error_response (400 invalid, else 409).
    save_juror_review(assignment, actor=request.auth, entries=entries)
    return Status(200, _detail(request.auth, submission))


@router.post(
    "/jury/submissions/{id}/review/submit",
    response={
        200: JurySubmissionDetailOut,
        **SESSION_REFUSALS,
        400: ErrorOut,
        404: NotFoundOut,
        409: ErrorOut,
    },
    summary="Submit your review: it is then locked",
)
def submit_jury_review(request: HttpRequest, id: SubmissionId):
    """Submit the review; 409 if refused, code ``incomplete`` listing what is missing.

    Also refused with 409 when the phase does not allow reviewing, the review is
    submitted already or the jury's work on the submission is over (``frozen``).
    """
    submission, assignment = _review_for(request, id)
    if submission is None:
        return _not_found()
    # The jury record's rule first: a submission past review answers 409,
    # whether or not a draft exists. A ReviewError rises to rule_error_response.
    with reviewing(assignment, request.auth):
        review = Review.objects.filter(assignment=assignment).first()
        if review is None:
            raise ReviewError(
                _("There is no review to submit yet: save it first."), code="incomplete"
            )
        review.assignment = assignment
        submit_review(review, actor=request.auth)
    return Status(200, _detail(request.auth, submission))


# --- the secretariat's audit exports of a panel ---------------------------------------------

CallId = Annotated[int, Path(ge=1, le=MAX_ID, description="The call's id.")]


class AssignmentExportOut(Schema):
    juror_id: int
    juror: str
    juror_email: str
    submission_id: int = Field(description="The application number.")
    city: str
    country_code: str
    assigned_at: str = Field(description="ISO 8601; empty for a recusal (its assignment is gone).")
    method: str = Field(description="automatic or manual; empty for a recusal.")
    review_state: str = Field(description="not_started, draft or submitted; empty for a recusal.")
    recused: bool = Field(description="The juror stepped back from the submission.")
    recused_at: str
    recusal_reason: str


class AssignmentExportPage(PageOut):
    results: list[AssignmentExportOut]


class ScoreExportOut(Schema):
    submission_id: int
    city: str
    country_code: str
    juror_id: int
    juror: str
    criterion_code: str
    criterion: str
    score: int | None
    comment: str
    recommendation: str
    overall_comment: str
    submitted_at: str = Field(description="When the review was submitted (ISO 8601).")


class ScoreExportPage(PageOut):
    results: list[ScoreExportOut]


def _panel_for_secretariat(request: HttpRequest, call_id: int):
    """Return (panel, None), or (None, the refusal): 403 unless secretariat, 404 without a panel."""
    if not request.auth.has_perm("reviews.manage_panel"):
        return None, Status(
            403,
            {
                "detail": _("Only the secretariat may export the jury's work."),
                "code": "not_permitted",
            },
        )
    panel = Panel.objects.filter(call_id=call_id).select_related("organisation").first()
    if panel is None:
        return None, Status(404, {"detail": _("This call has no jury panel.")})
    return panel, None


@router.get(
    "/calls/{call_id}/jury/assignments",
    response={200: AssignmentExportPage, **SESSION_REFUSALS, 404: NotFoundOut},
    summary="A call's jury assignments and recusals (secretariat)",
)
def export_jury_assignments(
    request: HttpRequest,
    call_id: CallId,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
):
    """Every assignment of the call's panel (juror, application, when, how), then every recusal.

    The secretariat's only: anyone else 403 (code ``not_permitted``). The same
    rows as the jury page's CSV download. Recusals have ``recused`` true and
    no assignment date or method: the assignment was removed when the juror
    stepped back. Two lists one after the other: pages by number only
    (``next_cursor`` is always null).
    """
    panel, refusal = _panel_for_secretariat(request, call_id)
    if refusal is not None:
        return refusal
    assignments = assignments_for_export(panel)
    recusals = recusals_for_export(panel)
    n_assignments = assignments.count()
    total = n_assignments + recusals.count()
    offset = (page - 1) * page_size
    rows: list[dict] = []
    if offset < n_assignments:
        rows += [assignment_row(a) for a in assignments[offset : offset + page_size]]
    if len(rows) < page_size and offset + len(rows) < total:
        start = max(0, offset - n_assignments)
        rows += [recusal_row(r) for r in recusals[start : start + page_size - len(rows)]]
    last_page = max(1, -(-total // page_size))
    return {
        "count": total,
        "page": page,
        "page_size": page_size,
        "next": page_link(request, {}, page + 1, page_size) if page < last_page else None,
        "previous": (
            page_link(request, {}, min(page - 1, last_page), page_size) if page > 1 else None
        ),
        "next_cursor": None,
        "results": rows,
    }


@router.get(
    "/calls/{call_id}/jury/scores",
    response={200: ScoreExportPage, **SESSION_REFUSALS, 404: NotFoundOut},
    summary="A call's raw jury scores with comments (secretariat)",
)
def export_jury_scores(
    request: HttpRequest,
    call_id: CallId,
    page: PageNumber = 1,
    page_size: PageSize = DEFAULT_PAGE_SIZE,
    cursor: PageCursor = None,
):
    """Every score of the panel's submitted reviews: per juror, per criterion, with comments.

    The secretariat's only: anyone else 403 (code ``not_permitted``). The same
    rows as the jury page's CSV download.
    """
    panel, refusal = _panel_for_secretariat(request, call_id)
    if refusal is not None:
        return refusal
    return paginate(
        request,
        scores_for_export(panel),
        params={},
        page=page,
        page_size=page_size,
        cursor=cursor,
        item=score_row,
    )
