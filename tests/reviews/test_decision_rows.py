"""The rows of the decisions page: the jury's ranking first, then the rest."""

import pytest

from learningcities.frameworks.models import Criterion
from learningcities.reviews.domain.queries.decisions import decision_rows
from learningcities.reviews.models import Panel
from tests.reviews.decision_helpers import casts_in_review, membership_call, rename_city
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review

pytestmark = pytest.mark.django_db


def _named_call():
    call = membership_call()
    found = {}
    for (cast, submission), name in zip(
        casts_in_review(call, ["IE", "FR", "DE"]), ("Cork", "Lyon", "Bremen"), strict=True
    ):
        rename_city(cast, name)
        found[name] = submission
    return call, found


def _shown(rows):
    return [
        (
            row.submission.city.name,
            row.submitted_reviews,
            row.aggregate is not None,
            row.rank,
        )
        for row in rows
    ]


def test_decision_rows_without_a_panel_follow_the_order_of_submission():
    call, _submissions = _named_call()

    assert _shown(decision_rows(call)) == [
        ("Cork", 0, False, None),
        ("Lyon", 0, False, None),
        ("Bremen", 0, False, None),
    ]


def test_decision_rows_with_a_panel_follow_the_ranking_then_number_the_unreviewed():
    call, submissions = _named_call()
    panel = make_panel(call)
    juror = make_juror(panel, "BR")
    criteria = list(Criterion.objects.filter(framework=call.framework))
    submitted_review(assign(panel, submissions["Cork"], juror), dict.fromkeys(criteria, 1))
    submitted_review(assign(panel, submissions["Bremen"], juror), dict.fromkeys(criteria, 5))
    assign(panel, submissions["Lyon"], juror)

    fresh = Panel.objects.get(pk=panel.pk)  # read in this request, as the page does

    assert _shown(decision_rows(call, panel=fresh)) == [
        ("Bremen", 1, True, 1),
        ("Cork", 1, True, 2),
        ("Lyon", 0, True, 3),
    ]


def test_decision_rows_of_a_call_with_nothing_to_decide_are_empty():
    call = membership_call()

    assert decision_rows(call, panel=make_panel(call)) == []
