"""A juror's review: drafts saved as typed, the scale, submitting and locking, the phase."""

import pytest

from learningcities.common.models import ActivityLogEntry
from learningcities.frameworks.domain.loading import load_framework
from learningcities.reviews.domain.reviews import (
    ReviewError,
    open_review,
    reviewing,
    save_review,
    save_score,
    submit_review,
)
from learningcities.reviews.enums import ReviewState
from learningcities.reviews.models import Panel, Recusal, Review, Score
from tests.frameworks.helpers import small_document
from tests.reviews.scoring_helpers import (
    UNIQUE_CITY,
    Jury,
)

pytestmark = pytest.mark.django_db


def complete(jury: Jury, review: Review, value: int = 4) -> None:
    for criterion in jury.criteria:
        save_score(review, criterion, actor=jury.juror, value=value, comment="Clear.")
    save_review(review, actor=jury.juror, recommendation="admit", comment="Good.")


def test_open_review_creates_one_draft():
    jury = Jury()

    first = open_review(jury.assignment, actor=jury.juror)
    second = open_review(jury.assignment, actor=jury.juror)

    assert first.pk == second.pk
    assert first.state == ReviewState.DRAFT
    assert Review.objects.count() == 1


def test_open_review_logs_without_the_city_name():
    jury = Jury()

    review = open_review(jury.assignment, actor=jury.juror)

    entry = ActivityLogEntry.objects.get(action="reviews.review.open")
    assert entry.object_repr == f"Review {review.pk} of application {jury.submission.pk}"
    assert UNIQUE_CITY not in entry.object_repr


def test_save_score_keeps_an_empty_value_in_a_draft():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)

    save_score(review, jury.criteria[0], actor=jury.juror, value=None, comment="Thinking.")

    score = Score.objects.get()
    assert (score.value, score.comment) == (None, "Thinking.")


def test_save_score_updates_value_and_leaves_comment():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    save_score(review, jury.criteria[0], actor=jury.juror, value=2, comment="First thoughts.")

    save_score(review, jury.criteria[0], actor=jury.juror, value=5)

    score = Score.objects.get()
    assert (score.value, score.comment) == (5, "First thoughts.")


@pytest.mark.parametrize("value", [0, 6, -1])
def test_save_score_refused_off_the_scale(value):
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)

    with pytest.raises(ReviewError) as caught:
        save_score(review, jury.criteria[0], actor=jury.juror, value=value)

    assert str(caught.value) == f"The score {value} is off the scale: choose from 1 to 5."
    assert Score.objects.count() == 0


def test_save_score_refused_for_a_criterion_of_another_framework():
    jury = Jury()
    other = load_framework(small_document("2.0"), record=True).framework
    review = open_review(jury.assignment, actor=jury.juror)

    with pytest.raises(ReviewError) as caught:
        save_score(review, other.criteria.first(), actor=jury.juror, value=3)

    assert str(caught.value) == "This criterion is not one of the call's framework."


def test_save_review_refuses_an_unknown_recommendation():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)

    with pytest.raises(ReviewError) as caught:
        save_review(review, actor=jury.juror, recommendation="maybe")

    assert str(caught.value) == (
        "“maybe” is not a recommendation; choose admit, do not admit or abstain."
    )


def test_submit_review_locks_and_bumps_the_revision():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    complete(jury, review)
    revision = Panel.objects.get(pk=jury.panel.pk).scores_revision

    submit_review(review, actor=jury.juror)

    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    assert review.submitted_at is not None
    assert Panel.objects.get(pk=jury.panel.pk).scores_revision == revision + 1
    assert ActivityLogEntry.objects.filter(action="reviews.review.submit").count() == 1


def test_submit_review_refused_when_incomplete():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    save_score(review, jury.criteria[0], actor=jury.juror, value=3)
    revision = Panel.objects.get(pk=jury.panel.pk).scores_revision

    with pytest.raises(ReviewError) as caught:
        submit_review(review, actor=jury.juror)

    assert caught.value.code == "incomplete"
    assert "Give a score to 1.1.2 A rating." in str(caught.value)
    assert "Choose a recommendation." in str(caught.value)
    assert Review.objects.get().state == ReviewState.DRAFT
    assert Panel.objects.get(pk=jury.panel.pk).scores_revision == revision


def test_save_score_refused_after_submitting():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    complete(jury, review)
    submit_review(review, actor=jury.juror)

    with pytest.raises(ReviewError) as caught:
        save_score(review, jury.criteria[0], actor=jury.juror, value=1)

    assert caught.value.code == "locked"
    assert Score.objects.get(criterion=jury.criteria[0]).value == 4


def test_submit_review_refused_twice():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    complete(jury, review)
    submit_review(review, actor=jury.juror)
    revision = Panel.objects.get(pk=jury.panel.pk).scores_revision

    with pytest.raises(ReviewError) as caught:
        submit_review(review, actor=jury.juror)

    assert caught.value.code == "locked"
    assert Panel.objects.get(pk=jury.panel.pk).scores_revision == revision


def test_save_score_refused_when_the_phase_does_not_allow_reviewing():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    jury.set_phase(may_review=False)

    with pytest.raises(ReviewError) as caught:
        save_score(review, jury.criteria[0], actor=jury.juror, value=3)

    assert caught.value.code == "phase"
    assert str(caught.value) == (
        "The jury's current phase does not allow writing or submitting reviews."
    )
    assert Score.objects.count() == 0


def test_open_review_refused_outside_every_phase():
    jury = Jury()
    jury.close_phases()

    with pytest.raises(ReviewError) as caught:
        open_review(jury.assignment, actor=jury.juror)

    assert caught.value.code == "phase"
    assert Review.objects.count() == 0


def test_submit_review_refused_when_the_phase_closes():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    complete(jury, review)
    jury.set_phase(may_review=False)

    with pytest.raises(ReviewError) as caught:
        submit_review(review, actor=jury.juror)

    assert caught.value.code == "phase"
    assert Review.objects.get().state == ReviewState.DRAFT


def test_save_score_refused_to_another_juror():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    intruder, _assignment = jury.another_juror()

    with pytest.raises(ReviewError) as caught:
        save_score(review, jury.criteria[0], actor=intruder, value=3)

    assert caught.value.code == "not_permitted"


def test_save_score_refused_once_the_juror_recused():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    Recusal.objects.create(submission=jury.submission, juror=jury.juror, reason="A cousin.")

    with pytest.raises(ReviewError) as caught:
        save_score(review, jury.criteria[0], actor=jury.juror, value=3)

    assert caught.value.code == "not_permitted"
    assert Score.objects.count() == 0


def test_reviewing_refuses_on_entering_like_the_writes():
    jury = Jury()
    jury.set_phase(may_review=False)

    with pytest.raises(ReviewError) as refused, reviewing(jury.assignment, jury.juror):
        pytest.fail("the block must not run")

    assert refused.value.code == "phase"


def test_reviewing_trusts_its_check_only_inside_and_only_for_that_assignment_and_person():
    jury = Jury()
    review = open_review(jury.assignment, actor=jury.juror)
    with reviewing(jury.assignment, jury.juror):
        save_score(review, jury.criteria[0], actor=jury.juror, value=3)
        # Another person is checked as ever, inside the block too.
        with pytest.raises(ReviewError) as other:
            save_score(review, jury.criteria[0], actor=jury.another_juror(), value=1)
    jury.set_phase(may_review=False)

    with pytest.raises(ReviewError) as after:
        save_score(review, jury.criteria[0], actor=jury.juror, value=5)

    assert (other.value.code, after.value.code) == ("not_permitted", "phase")
    assert Score.objects.get().value == 3
