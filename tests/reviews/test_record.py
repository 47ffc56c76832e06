"""The jury record freezes: once the jury's work is over no route changes it.

Issue 11, finding 3: a recusal deleted the juror's submitted review on a
decided or released application (and while the phase forbade reviewing), and
a juror could write and submit a review of a released application through the
API. Each test makes the record that could change, tries the route, and
compares the record with what it was.
"""

import datetime as dt
import json

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.urls import reverse

from learningcities.calls.enums import Decision, SubmissionState, jury_frozen_states
from learningcities.calls.models import Submission
from learningcities.common.models import OutboxMessage
from learningcities.reviews.domain.assignments import unassign_submission
from learningcities.reviews.domain.conflicts import recusal_refusal, recuse
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from learningcities.reviews.domain.errors import ReviewError
from learningcities.reviews.domain.queries.decisions import jury_comments_for_call
from learningcities.reviews.domain.record import jury_record_refusal
from learningcities.reviews.domain.reviews import (
    open_review,
    save_review,
    save_score,
    submit_review,
)
from learningcities.reviews.enums import ReviewState
from learningcities.reviews.models import Assignment, Panel, Recusal, Review, ReviewPhase, Score
from tests.calls.factories import Cast, submission_in
from tests.calls.releasing import release_cohort
from tests.reviews.factories import assign, submitted_review
from tests.reviews.scoring_helpers import Jury, client_for, secretary_with_totp

pytestmark = pytest.mark.django_db
S = SubmissionState

PAST_REVIEW = [S.REVIEWED, S.DECIDED, S.RELEASED, S.WITHDRAWN]


def move_past_review(jury: Jury, state: str) -> None:
    """Bring the jury's submission to ``state`` the way the secretariat (or the city) does."""
    submission, secretary = jury.submission, jury.cast.secretary
    if state == S.WITHDRAWN:
        jury.cast.move(submission, S.WITHDRAWN)
        return
    jury.set_phase(may_change_state=True)
    finish_review(submission, actor=secretary, reason="Enough reviews for this one.")
    if state in (S.DECIDED, S.RELEASED):
        # Rejected: the release then needs no certificate, and the mail still
        # quotes the jury's comments.
        stage_decision(submission, actor=secretary, decision=Decision.REJECTED)
    if state == S.RELEASED:
        release_cohort(
            submission.call,
            actor=secretary,
            name="Cohort 2026",
            joined_on=dt.date(2026, 12, 4),
            jury_comments=jury_comments_for_call(submission.call),
        )
    submission.refresh_from_db()
    assert submission.state == state


def record_of(submission) -> list[tuple]:
    """Everything of the jury record of ``submission`` a change could touch."""
    return [
        *Assignment.objects.filter(submission=submission)
        .order_by("pk")
        .values_list("pk", "juror_id", "review__state", "review__comment", "review__updated_at"),
        *Score.objects.filter(review__assignment__submission=submission)
        .order_by("pk")
        .values_list("pk", "criterion_id", "value", "comment"),
        *Recusal.objects.filter(submission=submission).values_list("pk", "juror_id"),
    ]


def scores_revision(jury: Jury) -> int:
    return Panel.objects.values_list("scores_revision", flat=True).get(pk=jury.panel.pk)


def jury_with_submitted_review(state: str = S.IN_REVIEW) -> Jury:
    """A jury whose juror has submitted a review, the submission then brought to ``state``."""
    jury = Jury()
    submitted_review(jury.assignment, jury.scores(4), comment="Strong plan.")
    if state != S.IN_REVIEW:
        move_past_review(jury, state)
    return jury


# --- the rule ------------------------------------------------------------------------------


def _phase(may_review: bool | None) -> ReviewPhase | None:
    return None if may_review is None else ReviewPhase(may_review=may_review)


# The change: a recusal or an unassignment that leaves the submitted reviews
# alone, a review written or submitted, a recusal that deletes a submitted review.
OTHER, WRITE, REMOVE = "other", "write", "remove"
# may_review None: no phase in force.
TRUTH_TABLE = [
    # In review: the phase decides on reviews written and submitted reviews removed.
    (S.IN_REVIEW, True, OTHER, None),
    (S.IN_REVIEW, True, WRITE, None),
    (S.IN_REVIEW, True, REMOVE, None),
    (S.IN_REVIEW, False, OTHER, None),
    (S.IN_REVIEW, False, WRITE, "phase"),
    (S.IN_REVIEW, False, REMOVE, "frozen"),
    (S.IN_REVIEW, None, OTHER, None),
    (S.IN_REVIEW, None, WRITE, "phase"),
    (S.IN_REVIEW, None, REMOVE, "frozen"),
    # Before review: no review yet; a recusal recorded ahead is fine.
    (S.ELIGIBLE, True, WRITE, "not_in_review"),
    (S.ELIGIBLE, True, OTHER, None),
    (S.ENDORSED, None, OTHER, None),
    (S.SUBMITTED, False, OTHER, None),
    # Past the jury's work, or final: nothing changes, whatever the phase.
    *(
        (state, may_review, change, "frozen")
        for state in (S.REVIEWED, S.DECIDED, S.RELEASED, S.WITHDRAWN, S.DECLINED, S.INELIGIBLE)
        for may_review in (True, None)
        for change in (OTHER, WRITE, REMOVE)
    ),
]


@pytest.mark.parametrize(("state", "may_review", "change", "expected"), TRUTH_TABLE)
def test_jury_record_refusal_truth_table(state, may_review, change, expected):
    refusal = jury_record_refusal(
        state,
        phase=_phase(may_review),
        writes_review=change == WRITE,
        removes_submitted_review=change == REMOVE,
    )

    assert (refusal.code if refusal else None) == expected


def test_frozen_states_are_those_past_the_jurys_work():
    # Every state past the jury's work (staged or final) is frozen; none in
    # which a juror still works is. A new state says which it is in enums.py.
    past_review = {S.REVIEWED, S.DECIDED, S.RELEASED, S.WITHDRAWN, S.DECLINED, S.INELIGIBLE}
    assert set(jury_frozen_states) >= past_review
    assert not set(jury_frozen_states) & {S.ELIGIBLE, S.IN_REVIEW}


# --- recusal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("state", PAST_REVIEW)
@pytest.mark.parametrize("by", ["juror", "secretariat"])
def test_recuse_refused_once_the_application_is_past_review(state, by):
    jury = jury_with_submitted_review(state)
    actor = jury.juror if by == "juror" else jury.cast.secretary
    before, revision = record_of(jury.submission), scores_revision(jury)

    with pytest.raises(ReviewError) as refused:
        recuse(jury.submission, jury.juror, reason="Conflict found late.", actor=actor)

    assert refused.value.code == "frozen"
    assert record_of(jury.submission) == before
    assert Review.objects.get().state == ReviewState.SUBMITTED
    assert Score.objects.count() == len(jury.criteria)
    assert scores_revision(jury) == revision


@pytest.mark.parametrize("state", [S.DECIDED, S.RELEASED])
def test_recuse_page_refused_once_the_application_is_decided(state):
    jury = jury_with_submitted_review(state)
    client = client_for(jury.juror)
    url = reverse("reviews:recuse", kwargs={"pk": jury.submission.pk})
    before = record_of(jury.submission)

    page = client.get(url)
    response = client.post(url, {"reason": "My sister works for the city."})

    assert response.status_code == 409
    assert record_of(jury.submission) == before
    assert "The jury&#x27;s work on this application is over" in response.content.decode()
    assert page.status_code == 200
    assert page.context["refusal"].code == "frozen"
    assert 'name="reason"' not in page.content.decode()


@pytest.mark.parametrize("state", [S.DECIDED, S.RELEASED])
def test_submission_page_recusal_refused_once_the_application_is_decided(state):
    jury = jury_with_submitted_review(state)
    client = client_for(secretary_with_totp())
    url = reverse(
        "reviews:panel-submission",
        kwargs={"call_pk": jury.cast.call.pk, "pk": jury.submission.pk},
    )
    before = record_of(jury.submission)

    page = client.get(url)
    response = client.post(
        url, {"action": "recuse", "juror": jury.juror.pk, "reason": "Conflict found late."}
    )

    assert response.status_code == 409
    assert record_of(jury.submission) == before
    assert "The jury&#x27;s work on this application is over" in response.content.decode()
    assert page.status_code == 200
    assert page.context["record_frozen"] is True
    assert 'value="recuse"' not in page.content.decode()


@pytest.mark.parametrize("phase", ["may_not_review", "none_in_force"])
def test_recuse_refused_with_a_submitted_review_while_the_phase_forbids_reviewing(phase):
    jury = jury_with_submitted_review()
    if phase == "none_in_force":
        jury.close_phases()
    else:
        jury.set_phase(may_review=False)
    before = record_of(jury.submission)

    with pytest.raises(ReviewError) as refused:
        recuse(jury.submission, jury.juror, reason="Conflict found late.", actor=jury.juror)
    page = client_for(jury.juror).post(
        reverse("reviews:recuse", kwargs={"pk": jury.submission.pk}),
        {"reason": "Conflict found late."},
    )

    assert refused.value.code == "frozen"
    assert "submitted review stays" in str(refused.value)
    assert page.status_code == 409
    assert record_of(jury.submission) == before


def test_recuse_without_a_submitted_review_allowed_while_the_phase_forbids_reviewing():
    jury = Jury()
    open_review(jury.assignment, actor=jury.juror)
    jury.set_phase(may_review=False)

    assert recusal_refusal(jury.submission, jury.juror) is None
    recuse(jury.submission, jury.juror, reason="I advised this city.", actor=jury.juror)

    assert (Recusal.objects.get().juror, Assignment.objects.count()) == (jury.juror, 0)


def test_recuse_after_submitting_allowed_while_the_phase_allows_reviewing():
    jury = jury_with_submitted_review()
    revision = scores_revision(jury)

    recuse(jury.submission, jury.juror, reason="Conflict found late.", actor=jury.cast.secretary)

    assert (Assignment.objects.count(), Review.objects.count()) == (0, 0)
    assert scores_revision(jury) == revision + 1


def test_recuse_page_refused_on_a_decided_application_keeps_the_released_jury_comments():
    jury = jury_with_submitted_review()
    other, other_assignment = jury.another_juror()
    submitted_review(other_assignment, jury.scores(2), comment="Weak evidence.")
    move_past_review(jury, S.DECIDED)

    refused = client_for(other).post(
        reverse("reviews:recuse", kwargs={"pk": jury.submission.pk}),
        {"reason": "Conflict found late."},
    )
    release_cohort(
        jury.cast.call,
        actor=jury.cast.secretary,
        name="Cohort 2026",
        joined_on=dt.date(2026, 12, 4),
        jury_comments=jury_comments_for_call(jury.cast.call),
    )

    mail = OutboxMessage.objects.get(
        template_code="calls.submission.released", recipients=[jury.cast.coordinator.email]
    )
    quoted = [line for line in mail.body.splitlines() if line.startswith("- ")]
    assert quoted == ["- Strong plan.", "- Weak evidence."]
    assert refused.status_code == 409


# --- review writes -------------------------------------------------------------------------


@pytest.mark.parametrize("state", PAST_REVIEW)
def test_save_score_refused_once_the_application_is_past_review(state):
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    save_score(review, jury.criteria[0], actor=jury.juror, value=2, comment="Draft.")
    move_past_review(jury, state)

    with pytest.raises(ReviewError) as refused:
        save_score(review, jury.criteria[0], actor=jury.juror, value=5, comment="Changed.")

    assert refused.value.code == "frozen"
    assert list(Score.objects.values_list("value", "comment")) == [(2, "Draft.")]


@pytest.mark.parametrize("write", ["open_review", "save_review", "submit_review"])
def test_review_writes_refused_on_a_decided_application(write):
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    for criterion in jury.criteria:
        save_score(review, criterion, actor=jury.juror, value=4)
    save_review(review, actor=jury.juror, recommendation="admit", comment="Good.")
    move_past_review(jury, S.DECIDED)
    before = record_of(jury.submission)
    writes = {
        "open_review": lambda: open_review(jury.assignment, actor=jury.juror),
        "save_review": lambda: save_review(review, actor=jury.juror, comment="Changed my mind."),
        "submit_review": lambda: submit_review(review, actor=jury.juror),
    }

    with pytest.raises(ReviewError) as refused:
        writes[write]()

    assert refused.value.code == "frozen"
    assert record_of(jury.submission) == before
    assert Review.objects.get().state == ReviewState.DRAFT


def test_save_score_refused_before_the_application_is_in_review():
    jury = Jury()
    # Set up by hand: assigning through the domain would move it into review.
    eligible = submission_in(Cast(call=jury.cast.call, country_code="DE"), S.ELIGIBLE)
    review = Review.objects.create(assignment=assign(jury.panel, eligible, jury.juror))

    with pytest.raises(ReviewError) as refused:
        save_score(review, jury.criteria[0], actor=jury.juror, value=3)

    assert refused.value.code == "not_in_review"
    assert Score.objects.count() == 0


def test_review_page_is_read_only_on_a_decided_application():
    jury = Jury()
    open_review(jury.assignment, actor=jury.juror)
    move_past_review(jury, S.DECIDED)
    client = client_for(jury.juror)
    url = reverse("reviews:jury-review", kwargs={"pk": jury.submission.pk})

    page = client.get(url)
    autosave = client.post(url, {f"score-{jury.criteria[0].pk}": "3"}, HTTP_X_AUTOSAVE="1")

    content = page.content.decode()
    assert autosave.status_code == 409
    assert Score.objects.count() == 0
    assert (page.context["editable"], page.context["record_frozen"]) == (False, True)
    assert page.context["recuse_url"] is None
    assert "The jury's work on this application is over" in content
    assert "data-autosave" not in content


# --- the API ---------------------------------------------------------------------------------


def _api_review_url(jury: Jury) -> str:
    return f"/api/v1/jury/submissions/{jury.submission.pk}/review"


def test_api_save_review_refused_on_a_released_application():
    jury = Jury()
    move_past_review(jury, S.RELEASED)
    body = {
        "scores": [{"criterion": c.pk, "value": 5, "comment": "Fine."} for c in jury.criteria],
        "recommendation": "admit",
        "comment": "Late opinion.",
    }

    response = client_for(jury.juror).put(
        _api_review_url(jury), data=json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "frozen"
    assert (Review.objects.count(), Score.objects.count()) == (0, 0)


def test_api_submit_review_refused_on_a_released_application():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    for criterion in jury.criteria:
        save_score(review, criterion, actor=jury.juror, value=5)
    save_review(review, actor=jury.juror, recommendation="admit", comment="Late opinion.")
    move_past_review(jury, S.RELEASED)
    before = record_of(jury.submission)

    response = client_for(jury.juror).post(f"{_api_review_url(jury)}/submit")

    assert response.status_code == 409
    assert response.json()["code"] == "frozen"
    assert Review.objects.get().state == ReviewState.DRAFT
    assert record_of(jury.submission) == before


def test_api_submit_without_a_review_refused_on_a_released_application():
    jury = Jury()
    move_past_review(jury, S.RELEASED)

    response = client_for(jury.juror).post(f"{_api_review_url(jury)}/submit")

    assert response.status_code == 409
    assert response.json()["code"] == "frozen"
    assert Review.objects.count() == 0


def test_api_save_review_saves_nothing_when_one_score_is_refused():
    jury = Jury()
    first, second = jury.criteria[:2]
    body = {
        "scores": [
            {"criterion": first.pk, "value": 4, "comment": "Clear."},
            {"criterion": second.pk, "value": 3, "comment": "Fair."},
            {"criterion": 999_999, "value": 5, "comment": "No such criterion."},
        ],
        "recommendation": "admit",
    }

    response = client_for(jury.juror).put(
        _api_review_url(jury), data=json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Criterion 999999 is not one of the call's framework.",
        "code": "invalid",
    }
    assert (Review.objects.count(), Score.objects.count()) == (0, 0)


# --- the secretariat's assignments -----------------------------------------------------------


def test_unassign_refused_once_the_application_is_decided():
    jury = jury_with_submitted_review()
    other, other_assignment = jury.another_juror()
    open_review(other_assignment, actor=other)
    move_past_review(jury, S.DECIDED)
    before = record_of(jury.submission)

    with pytest.raises(ReviewError) as refused:
        unassign_submission(other_assignment, actor=jury.cast.secretary)

    assert refused.value.code == "frozen"
    assert record_of(jury.submission) == before


def test_submission_page_unassign_refused_once_the_application_is_decided():
    jury = Jury()
    move_past_review(jury, S.DECIDED)
    client = client_for(secretary_with_totp())
    url = reverse(
        "reviews:panel-submission",
        kwargs={"call_pk": jury.cast.call.pk, "pk": jury.submission.pk},
    )

    page = client.get(url)
    response = client.post(url, {"action": "unassign", "assignment": jury.assignment.pk})

    assert response.status_code == 409
    assert Assignment.objects.get() == jury.assignment
    assert 'value="unassign"' not in page.content.decode()
    assert Submission.objects.get(pk=jury.submission.pk).state == S.DECIDED


# --- the lock --------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_review_write_keeps_the_submission_from_moving_until_it_commits():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    other = connections.create_connection(DEFAULT_DB_ALIAS)  # as the secretariat's request
    try:
        with transaction.atomic():
            save_score(review, jury.criteria[0], actor=jury.juror, value=3)
            # ``transition`` takes this lock to move the submission on.
            with pytest.raises(OperationalError), other.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM calls_submission WHERE id = %s FOR UPDATE NOWAIT",
                    [jury.submission.pk],
                )
    finally:
        other.close()
