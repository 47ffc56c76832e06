"""The synthetic jury (``generate-jury``): jurors, automatic assignment, scores."""

import io

import pytest
from django.core.management import call_command

from learningcities.calls.enums import SubmissionState as S
from learningcities.demo.domain.synthetic_jury import (
    generate_jury,
    generate_scores,
    open_call_for_review,
)
from learningcities.reviews.domain.assignments import auto_assign
from learningcities.reviews.domain.errors import ReviewError
from learningcities.reviews.enums import ReviewState
from learningcities.reviews.models import Panel, Review, Score
from tests.calls.factories import Cast, make_call, secretary, submission_in

pytestmark = pytest.mark.django_db


def test_generate_jury_and_scores_make_submitted_reviews():
    call = make_call(min_reviews=2)
    for code in ("IE", "DE", "KE"):
        submission_in(Cast(call, code), S.ELIGIBLE)
    panel = generate_jury(call, jurors=6, seed=3, max_load=5)

    auto_assign(panel, actor=secretary())
    panel.refresh_from_db()
    assigned_revision = panel.scores_revision
    count = generate_scores(panel, seed=3)

    panel.refresh_from_db()
    criteria = call.framework.criteria.count()
    assert panel.organisation.affiliations.count() == 6
    assert panel.phases.count() == 2
    assert Review.objects.filter(state=ReviewState.SUBMITTED).count() == 6
    assert count == Score.objects.count() == 6 * criteria
    assert (assigned_revision, panel.scores_revision) == (1, 2)
    assert all(
        panel.score_min <= v <= panel.score_max
        for v in Score.objects.values_list("value", flat=True)
    )


def test_generate_jury_command_assigns_and_scores():
    call = make_call(min_reviews=1)
    submission_in(Cast(call, "IE"), S.ELIGIBLE)
    out = io.StringIO()

    call_command("generate-jury", "--call", str(call.pk), "--jurors", "3", "--scores", stdout=out)

    panel = Panel.objects.get(call=call)
    assert panel.organisation.affiliations.count() == 3
    assert Review.objects.filter(assignment__panel=panel).count() == 1
    assert "1 submissions need 1 reviews: 1 assigned" in out.getvalue()


def test_open_call_for_review_refuses_call_of_real_cities():
    call = make_call()
    submission_in(Cast(call, "IE"), S.SUBMITTED)

    with pytest.raises(ReviewError) as refused:
        open_call_for_review(call)

    assert refused.value.code == "not_synthetic"
