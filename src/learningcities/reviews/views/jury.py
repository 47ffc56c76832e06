"""The juror's pages: the workspace, the review form beside the dossier, the dossier PDF.

Every page needs ``reviews.view_jury_workspace`` (jurors; anyone else gets
403) and fetches submissions through ``submissions_for_juror``: a submission
the juror is not assigned to, or is conflicted with, answers 404 like a
missing one. The phase in force decides whether the juror may write
(``may_review``, and only while the submission is in review:
``domain.record``), sees the city's identity (``sees_identity``: otherwise
"Application 17", no city, country, contact or mayor's letter anywhere) and
reads the other reviews (never, after their own is submitted, always).

The review form is a plain POST form; ``lc/js/autosave.js`` posts changed
fields in the background with ``X-Autosave: 1`` and gets 204, or JSON
errors with 400 (a bad value) or 409 (the phase or a lock refuses).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from learningcities.calls.dossier import dossier_context, render_dossier
from learningcities.common.access import get_object_for_user_or_404, permission_required
from learningcities.common.errors import http_status
from learningcities.frameworks.domain.queries.frameworks import (
    criteria_for_framework,
    localised_criteria,
)

from ..domain.queries.phases import phase_status, phase_statuses
from ..domain.queries.reviews import phase_in_force, submissions_for_juror
from ..domain.queries.workspace import calls_for_juror, workspace_for_juror
from ..domain.record import jury_record_refusal
from ..domain.reviews import (
    ReviewEntries,
    ReviewError,
    missing_for_submission,
    reviewing,
    save_juror_review,
    submit_review,
)
from ..enums import OtherReviews, Recommendation, ReviewState
from ..interfaces.jury_forms import (
    WorkspaceFilterForm,
    comment_field,
    parse_review_post,
    score_field,
)
from ..models import Assignment, Panel, Review, Score
from .ranking import link_maker

PAGE_SIZE = 50


def application_label(submission) -> str:
    """Return the name a juror sees when the city's identity is hidden."""
    return _("Application %(number)s") % {"number": submission.pk}


@require_safe
@permission_required("reviews.view_jury_workspace")
def workspace(request: HttpRequest) -> HttpResponse:
    """List the juror's assigned submissions across calls, with their progress.

    Filters (query string): ``q`` (application number, or the city's name
    where the phase shows identities), ``call``, ``state`` (not_started,
    draft, submitted). A constant number of queries.
    """
    user = request.user
    # Per call, what the phase in force lets the juror do and until when; and the phase itself.
    statuses = phase_statuses(
        Panel.objects.filter(assignments__juror_id=user.pk)
        .select_related("call")
        .distinct()
        .order_by("call__title", "pk")
    )
    phases = {status.panel.pk: status.current for status in statuses if status.current}
    identity_panels = frozenset(
        panel_id for panel_id, phase in phases.items() if phase.sees_identity
    )
    filters = WorkspaceFilterForm(request.GET or None, calls=calls_for_juror(user))
    chosen = filters.cleaned_data if filters.is_valid() else {}
    submissions = workspace_for_juror(
        user,
        search=chosen.get("q", ""),
        call=chosen.get("call"),
        state=chosen.get("state", ""),
        identity_panels=identity_panels,
    )
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    link = link_maker("reviews:jury-review")
    for submission in page.object_list:
        submission.link = link(submission.pk)
        panel_id = submission.call.panel.pk
        phase = phases.get(panel_id)
        submission.shows_identity = panel_id in identity_panels
        submission.label = (
            submission.city.name if submission.shows_identity else application_label(submission)
        )
        submission.phase = phase
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/jury/workspace.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "phase_statuses": statuses,
        },
    )


def _assignment(submission, user) -> Assignment:
    """The juror's assignment to ``submission`` (one of ``submissions_for_juror``), with it."""
    assignment = (
        Assignment.objects.filter(submission=submission, juror_id=user.pk)
        .select_related("panel")
        .order_by("pk")
        .first()
    )
    assignment.submission = submission  # with its call, read already
    return assignment


def _recuse_url(submission) -> str | None:
    """The panel helper's recusal form (``reviews:recuse``), when it is installed."""
    for kwargs in ({"pk": submission.pk}, {"submission_pk": submission.pk}):
        try:
            return reverse("reviews:recuse", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def _other_reviews(submission, user, phase, own: Review | None) -> list[dict] | None:
    """Return the other jurors' submitted reviews if the phase shows them now, else None."""
    rule = phase.sees_other_reviews if phase else OtherReviews.NEVER
    own_submitted = own is not None and own.state == ReviewState.SUBMITTED
    if rule == OtherReviews.NEVER or (rule == OtherReviews.AFTER_OWN and not own_submitted):
        return None
    reviews = list(
        Review.objects.filter(assignment__submission=submission, state=ReviewState.SUBMITTED)
        .exclude(assignment__juror_id=user.pk)
        .order_by("submitted_at", "pk")
    )
    scores: dict[int, dict[int, Score]] = {}
    for score in Score.objects.filter(review__in=reviews):
        scores.setdefault(score.review_id, {})[score.criterion_id] = score
    return [
        {"number": index, "review": review, "scores": scores.get(review.pk, {})}
        for index, review in enumerate(reviews, start=1)
    ]


def _points(panel: Panel, value) -> list[dict]:
    """The panel's scale as radio buttons, each with its level descriptor."""
    descriptors = panel.level_descriptors or {}
    return [
        {
            "value": point,
            "label": descriptors.get(str(point), ""),
            "checked": value is not None and str(value) == str(point),
        }
        for point in range(panel.score_min, panel.score_max + 1)
    ]


def _score_item(criterion, *, panel, answer, score, entered, others) -> dict:
    """The criterion's row: the city's answer, the score and comment (as typed, else
    stored), the scale, and the other jurors' scores when shown."""
    value = entered.get(score_field(criterion.pk), score.value if score else None)
    return {
        "criterion": criterion,
        "answer": answer,
        "score_name": score_field(criterion.pk),
        "comment_name": comment_field(criterion.pk),
        "value": value,
        "comment": entered.get(comment_field(criterion.pk), score.comment if score else ""),
        "points": _points(panel, value),
        "others": [
            {"number": other["number"], "score": other["scores"].get(criterion.pk)}
            for other in others or ()
        ],
    }


def _score_items(submission, panel, dossier, review, entered, others) -> list[dict]:
    """One item per criterion of the call's framework (``_score_item``)."""
    answers = {
        entry.criterion.pk: entry
        for section in dossier["sections"]
        for area in section.areas
        for entry in area.criteria
    }
    stored = {}
    if review is not None:
        stored = {score.criterion_id: score for score in Score.objects.filter(review=review)}
    return [
        _score_item(
            criterion,
            panel=panel,
            answer=answers.get(criterion.pk),
            score=stored.get(criterion.pk),
            entered=entered,
            others=others,
        )
        for criterion in localised_criteria(submission.call.framework)
    ]


def _review_fields(review: Review | None, entered: dict) -> dict:
    """The recommendation and overall comment: as typed, else as stored."""
    return {
        "recommendation": entered.get("recommendation", review.recommendation if review else ""),
        "overall_comment": entered.get("comment", review.comment if review else ""),
    }


def _editing(submission, phase, review: Review | None) -> dict:
    """Whether the juror may write now, and what the page offers then."""
    refusal = jury_record_refusal(submission.state, phase=phase, writes_review=True)
    editable = refusal is None and (review is None or review.state == ReviewState.DRAFT)
    if not editable:
        return {
            "editable": False,
            "record_frozen": refusal is not None and refusal.code == "frozen",
            "recuse_url": None,
            "missing": [],
        }
    return {
        "editable": True,
        "record_frozen": False,
        "recuse_url": _recuse_url(submission),
        "missing": missing_for_submission(review) if review is not None else [],
    }


def _review_page_context(request, submission, assignment, phase, review, entered=None):
    panel = assignment.panel
    sees_identity = bool(phase and phase.sees_identity)
    dossier = dossier_context(submission, anonymous=not sees_identity)
    others = _other_reviews(submission, request.user, phase, review)
    entered = entered or {}
    return {
        **dossier,
        "label": submission.city.name if sees_identity else application_label(submission),
        "sees_identity": sees_identity,
        "panel": panel,
        "phase": phase,
        "review": review,
        "items": _score_items(submission, panel, dossier, review, entered, others),
        **_editing(submission, phase, review),
        **_review_fields(review, entered),
        "recommendations": Recommendation.choices,
        "others": others,
    }


def _errors_json(errors: dict, status: int) -> JsonResponse:
    return JsonResponse(
        {"errors": {name: [str(message) for message in found] for name, found in errors.items()}},
        status=status,
    )


def _save(request, assignment, criteria) -> tuple[Review | None, dict, int]:
    """Apply the POST to the review; return it, the errors by field and a status."""
    entered = parse_review_post(request.POST, criteria)
    errors: dict[str, list[str]] = dict(entered.errors)
    try:
        with reviewing(assignment, request.user):
            return _save_entered(request, assignment, criteria, entered, errors)
    except ReviewError as error:  # refused on entering: the phase, the rules
        return None, {"__all__": [error.message]}, http_status(error)


def _entries(entered, errors: dict) -> ReviewEntries:
    """What the form carries for the domain, without the criteria whose score did not parse."""
    kept = {pk for pk in entered.comments if score_field(pk) not in errors}
    return ReviewEntries(
        scores=entered.scores,
        comments={pk: entered.comments[pk] for pk in kept},
        recommendation=entered.recommendation,
        comment=entered.comment,
    )


def _field_errors(problems: dict) -> dict[str, list[str]]:
    """Name each problem ``save_juror_review`` returns after the form field it belongs to."""
    return {
        (name if isinstance(name, str) else score_field(name)): [message]
        for name, message in problems.items()
    }


def _save_entered(request, assignment, criteria, entered, errors) -> tuple[Review, dict, int]:
    """Save what ``entered`` carries, inside ``reviewing``: the check is made once.

    Each field saves on its own (``keep_valid``): autosave shows the error of
    a refused value beside its field and counts the others saved.
    """
    review = None
    try:
        review, problems = save_juror_review(
            assignment,
            actor=request.user,
            entries=_entries(entered, errors),
            keep_valid=True,
            criteria=criteria,
        )
        errors.update(_field_errors(problems))
        if entered.submit and not errors:
            if not entered.confirmed:
                errors["confirm"] = [_("Tick the box to confirm that you are submitting.")]
            else:
                submit_review(review, actor=request.user)
    except ReviewError as error:
        key = "__all__"
        return review, {**errors, key: [error.message]}, http_status(error)
    return review, errors, 400 if errors else 200


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("reviews.view_jury_workspace")
def review_submission(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the dossier of submission ``pk`` with the juror's review form; POST saves it.

    POST (plain or autosave) saves the fields it carries
    (``save_juror_review``, each field on its own); with ``intent=submit``
    and ``confirm=yes`` it then submits (``submit_review``), after which the review is read-only.
    Refusals answer ``common.errors.http_status``, as the API does: 400 a
    bad value, 409 an incomplete review, a phase that does not allow
    reviewing, a locked review, the jury's work on the submission over.
    """
    submission = get_object_for_user_or_404(request.user, submissions_for_juror, pk=pk)
    assignment = _assignment(submission, request.user)
    assignment.panel.call = submission.call  # read already
    # The phase in force (as ``phase_in_force``) with what it allows, in one query.
    guidance = phase_status(assignment.panel)
    phase = guidance.current
    review = Review.objects.filter(assignment=assignment).first()
    status = 200
    entered = None
    errors: dict = {}
    if request.method == "POST":
        autosave = request.headers.get("X-Autosave") == "1"
        criteria = list(criteria_for_framework(submission.call.framework))
        review, errors, status = _save(request, assignment, criteria)
        if autosave:
            return HttpResponse(status=204) if status == 200 else _errors_json(errors, status)
        if status == 200:
            if review is not None and review.state == ReviewState.SUBMITTED:
                messages.success(request, _("Your review is submitted. Thank you."))
            else:
                messages.success(request, _("Your review is saved as a draft."))
            return redirect("reviews:jury-review", pk=submission.pk)
        entered = {
            key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"
        }
        if review is None:
            review = Review.objects.filter(assignment=assignment).first()
    context = _review_page_context(request, submission, assignment, phase, review, entered)
    context["errors"] = errors
    context["phase_status"] = guidance
    context["general_errors"] = errors.get("__all__", []) + errors.get("confirm", [])
    return render(request, "reviews/jury/review.html", context, status=status)


@require_safe
@permission_required("reviews.view_jury_workspace")
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer the dossier PDF of submission ``pk`` for its juror, anonymous if the phase says so."""
    submission = get_object_for_user_or_404(request.user, submissions_for_juror, pk=pk)
    assignment = _assignment(submission, request.user)
    phase = phase_in_force(assignment.panel)
    anonymous = not (phase and phase.sees_identity)
    response = HttpResponse(
        render_dossier(submission, anonymous=anonymous), content_type="application/pdf"
    )
    name = (
        f"application-{submission.pk}"
        if anonymous
        else slugify(f"{submission.city.name}-{submission.pk}") or f"application-{submission.pk}"
    )
    response["Content-Disposition"] = f'inline; filename="dossier-{name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
