"""Aggregation: the worked example computed by hand, staleness, ranking order, agreement."""

import math

import pytest

from learningcities.calls.enums import SubmissionState
from learningcities.frameworks.domain.loading import load_framework
from learningcities.reviews.domain.aggregation import (
    aggregates_are_stale,
    agreement,
    ensure_aggregates,
    rank,
)
from learningcities.reviews.domain.conflicts import recuse
from learningcities.reviews.domain.queries.ranking import ranking_for_panel
from learningcities.reviews.models import Panel, ReviewAggregate
from tests.calls.factories import Cast, make_call, submission_in
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review

pytestmark = pytest.mark.django_db


def weighted_framework():
    """Three rating criteria weighing 1, 2 and 1."""
    criteria = [
        {
            "code": f"1.1.{n}",
            "title": f"Criterion {n}",
            "answer_type": "rating",
            "scale": {"min": 1, "max": 5},
            "weight": weight,
        }
        for n, weight in ((1, 1), (2, 2), (3, 1))
    ]
    document = {
        "code": "worked-example",
        "version": "1",
        "name": "Worked example",
        "sections": [
            {
                "code": "1",
                "title": "Only section",
                "areas": [{"code": "1.1", "title": "Only area", "criteria": criteria}],
            }
        ],
    }
    return load_framework(document, record=True).framework


class WorkedExample:
    """3 submissions (S1 Ireland, S2 Kenya, S3 Chile), 4 jurors A B C D; D reviews only S1, S2."""

    # Scores per criterion (c1, c2, c3) and the recommendation of each review.
    REVIEWS = {
        ("A", "S1"): ((5, 5, 5), "admit"),
        ("A", "S2"): ((3, 3, 3), "admit"),
        ("A", "S3"): ((1, 1, 1), "do_not_admit"),
        ("B", "S1"): ((4, 4, 4), "admit"),
        ("B", "S2"): ((4, 2, 4), "do_not_admit"),
        ("B", "S3"): ((2, 2, 2), "do_not_admit"),
        ("C", "S1"): ((3, 5, 1), "abstain"),
        ("C", "S2"): ((5, 4, 3), "admit"),
        ("C", "S3"): ((3, 3, 3), "do_not_admit"),
        ("D", "S1"): ((5, 4, 5), "admit"),
        ("D", "S2"): ((1, 2, 1), "do_not_admit"),
    }

    def __init__(self):
        framework = weighted_framework()
        call = make_call(framework=framework, title="Worked example call")
        self.submissions = {
            name: submission_in(Cast(call=call, country_code=code), SubmissionState.IN_REVIEW)
            for name, code in (("S1", "IE"), ("S2", "KE"), ("S3", "CL"))
        }
        # A juror is normalised on their own with 3 submitted reviews or more: A, B, C; not D.
        self.panel = make_panel(
            call, normalise_min_reviews=3, disagreement_spread="1.50", score_min=1, score_max=5
        )
        self.jurors = {
            name: make_juror(self.panel, nationality)
            for name, nationality in (("A", "FR"), ("B", "DE"), ("C", "JP"), ("D", "BR"))
        }
        self.criteria = list(framework.criteria.order_by("order"))
        for (juror, submission), (values, recommendation) in self.REVIEWS.items():
            assignment = assign(self.panel, self.submissions[submission], self.jurors[juror])
            submitted_review(
                assignment,
                dict(zip(self.criteria, values, strict=True)),
                recommendation=recommendation,
            )
        self.panel.refresh_from_db()

    def aggregate(self, name: str) -> ReviewAggregate:
        return ReviewAggregate.objects.get(submission=self.submissions[name])


# By hand. Weights 1, 2, 1 (sum 4): a review's total t = (c1 + 2*c2 + c3) / 4,
# its mean m = (c1 + c2 + c3) / 3.
#
#        S1                 S2                    S3
#   A  (5,5,5) m=5  t=5    (3,3,3) m=3   t=3     (1,1,1) m=1 t=1
#   B  (4,4,4) m=4  t=4    (4,2,4) m=10/3 t=3    (2,2,2) m=2 t=2
#   C  (3,5,1) m=3  t=3.5  (5,4,3) m=4   t=4     (3,3,3) m=3 t=3
#   D  (5,4,5) m=14/3 t=4.5 (1,2,1) m=4/3 t=1.5   —
#
# z-scores, population standard deviation:
#   A: totals 5, 3, 1; mean 3; sd = sqrt((4 + 0 + 4) / 3) = sqrt(8/3) = 1.632993
#      z = 2/1.632993 = 1.224745, 0, -1.224745
#   B: totals 4, 3, 2; mean 3; sd = sqrt(2/3) = 0.816497 -> z = 1.224745, 0, -1.224745
#   C: totals 3.5, 4, 3; mean 3.5; sd = sqrt(0.5/3) = 0.408248 -> z = 0, 1.224745, -1.224745
#   D: 2 reviews < 3: the panel-wide z of the raw total. The 11 totals sum to 34.5,
#      mean 34.5/11 = 3.136364; squares sum to 123.75, variance 123.75/11 - (34.5/11)^2
#      = 171/121, sd = sqrt(171)/11 = 1.188791.
#      z(S1) = (4.5 - 34.5/11) / (sqrt(171)/11) = 15/sqrt(171) = 1.147079
#      z(S2) = (1.5 - 34.5/11) / (sqrt(171)/11) = -18/sqrt(171) = -1.376494
#
# S1: mean (5 + 4 + 3 + 14/3)/4 = 25/6 = 4.166667; median of 3, 4, 14/3, 5 = (4 + 14/3)/2
#     = 13/3 = 4.333333; weighted total (5 + 4 + 3.5 + 4.5)/4 = 4.25;
#     normalised (1.224745 + 1.224745 + 0 + 1.147079)/4 = 0.899142; spread 5 - 3.5 = 1.5,
#     not above 1.5, and no "do not admit": no disagreement.
# S2: mean (3 + 10/3 + 4 + 4/3)/4 = 35/12 = 2.916667; median of 4/3, 3, 10/3, 4
#     = (3 + 10/3)/2 = 19/6 = 3.166667; weighted total (3 + 3 + 4 + 1.5)/4 = 2.875;
#     normalised (0 + 0 + 1.224745 - 1.376494)/4 = -0.037937; spread 4 - 1.5 = 2.5;
#     admit 2 and do not admit 2: disagreement.
# S3: mean 2, median 2, weighted total 2, normalised -1.224745, spread 2 > 1.5: disagreement.
# Rank by normalised: S1, S2, S3.


def test_worked_example_matches_the_figures_computed_by_hand():
    example = WorkedExample()

    ensure_aggregates(example.panel)

    s1, s2, s3 = (example.aggregate(name) for name in ("S1", "S2", "S3"))
    assert (s1.reviews, s2.reviews, s3.reviews) == (4, 4, 3)
    assert s1.mean == pytest.approx(4.166667, abs=1e-6)
    assert s1.median == pytest.approx(4.333333, abs=1e-6)
    assert s1.weighted_total == pytest.approx(4.25)
    assert s1.normalised == pytest.approx(0.899142, abs=1e-6)
    assert s1.spread == pytest.approx(1.5)
    assert (s1.admit, s1.do_not_admit, s1.abstain, s1.disagreement) == (3, 0, 1, False)
    assert s2.mean == pytest.approx(2.916667, abs=1e-6)
    assert s2.median == pytest.approx(3.166667, abs=1e-6)
    assert s2.weighted_total == pytest.approx(2.875)
    assert s2.normalised == pytest.approx(-0.037937, abs=1e-6)
    assert s2.spread == pytest.approx(2.5)
    assert (s2.admit, s2.do_not_admit, s2.abstain, s2.disagreement) == (2, 2, 0, True)
    assert s3.mean == pytest.approx(2.0)
    assert s3.median == pytest.approx(2.0)
    assert s3.weighted_total == pytest.approx(2.0)
    assert s3.normalised == pytest.approx(-1.224745, abs=1e-6)
    assert s3.spread == pytest.approx(2.0)
    assert (s3.admit, s3.do_not_admit, s3.abstain, s3.disagreement) == (0, 3, 0, True)
    assert (s1.rank, s2.rank, s3.rank) == (1, 2, 3)


def test_worked_example_juror_below_the_minimum_is_not_normalised_on_their_own():
    from learningcities.reviews.domain.aggregation import compute_panel

    example = WorkedExample()

    figures = compute_panel(Panel.objects.select_related("call").get(pk=example.panel.pk))

    scales = {name: figures.jurors[juror.pk] for name, juror in example.jurors.items()}
    assert scales["A"].sd == pytest.approx(math.sqrt(8 / 3))
    assert scales["B"].sd == pytest.approx(math.sqrt(2 / 3))
    assert scales["C"].sd == pytest.approx(math.sqrt(1 / 6))
    assert (scales["D"].reviews, scales["D"].mean, scales["D"].sd) == (2, None, None)


def test_juror_with_equal_totals_uses_the_panel_wide_z_score():
    example = WorkedExample()
    # C's three reviews become equal totals (3 each): sd 0, so C falls back to the panel's z.
    from learningcities.reviews.models import Score

    c = example.jurors["C"]
    Score.objects.filter(review__assignment__juror=c).update(value=3)
    Panel.objects.filter(pk=example.panel.pk).update(scores_revision=99)

    ensure_aggregates(example.panel)

    # Totals now: A 5 3 1, B 4 3 2, C 3 3 3, D 4.5 1.5: sum 33, mean 3; squares 113.5,
    # variance 113.5/11 - 9 = 14.5/11, sd = sqrt(14.5/11) = 1.148121.
    # C's z = (3 - 3)/sd = 0 on every submission. S3: (-1.224745 - 1.224745 + 0)/3 = -0.816497.
    assert example.aggregate("S3").normalised == pytest.approx(-0.816497, abs=1e-6)


def test_ensure_aggregates_does_nothing_when_fresh(django_assert_num_queries):
    example = WorkedExample()
    ensure_aggregates(example.panel)

    example.panel.refresh_from_db()
    with django_assert_num_queries(0):
        ensure_aggregates(example.panel)

    assert aggregates_are_stale(example.panel) is False


def test_ensure_aggregates_recomputes_after_a_new_review():
    example = WorkedExample()
    ensure_aggregates(example.panel)
    d = example.jurors["D"]
    assignment = assign(example.panel, example.submissions["S3"], d)
    submitted_review(assignment, dict.fromkeys(example.criteria, 5), recommendation="admit")
    example.panel.refresh_from_db()

    ensure_aggregates(example.panel)

    s3 = example.aggregate("S3")
    assert s3.reviews == 4
    assert s3.weighted_total == pytest.approx((1 + 2 + 3 + 5) / 4)
    assert s3.panel_revision == Panel.objects.get(pk=example.panel.pk).scores_revision


def test_ensure_aggregates_adds_a_row_for_a_new_assignment_without_reviews():
    example = WorkedExample()
    ensure_aggregates(example.panel)
    newcomer = submission_in(
        Cast(call=example.panel.call, country_code="NZ"), SubmissionState.IN_REVIEW
    )
    assign(example.panel, newcomer, example.jurors["A"])
    example.panel.refresh_from_db()

    ensure_aggregates(example.panel)

    row = ReviewAggregate.objects.get(submission=newcomer)
    assert (row.reviews, row.mean, row.rank, row.disagreement) == (0, None, None, False)
    assert ReviewAggregate.objects.filter(panel=example.panel).count() == 4


def test_ensure_aggregates_keeps_a_submission_in_review_whose_only_juror_recused():
    example = WorkedExample()
    ensure_aggregates(example.panel)
    left_alone = submission_in(
        Cast(call=example.panel.call, country_code="NZ"), SubmissionState.IN_REVIEW
    )
    eligible = submission_in(
        Cast(call=example.panel.call, country_code="JP"), SubmissionState.ELIGIBLE
    )
    juror = example.jurors["A"]
    assign(example.panel, left_alone, juror)
    recuse(left_alone, juror, reason="I advised this city.", actor=juror)
    example.panel.refresh_from_db()

    ensure_aggregates(example.panel)

    rows = list(ranking_for_panel(example.panel))
    assert [(row.submission_id, row.rank, row.reviews, row.assigned) for row in rows] == [
        (example.submissions["S1"].pk, 1, 4, 4),
        (example.submissions["S2"].pk, 2, 4, 4),
        (example.submissions["S3"].pk, 3, 3, 3),
        (left_alone.pk, None, 0, 0),
    ]
    assert (rows[-1].mean, rows[-1].weighted_total, rows[-1].normalised) == (None, None, None)
    assert not ReviewAggregate.objects.filter(submission=eligible).exists()


def test_rank_breaks_ties_by_weighted_total_then_id():
    rows = [
        ReviewAggregate(submission_id=7, reviews=2, normalised=0.5, weighted_total=3.0),
        ReviewAggregate(submission_id=3, reviews=2, normalised=0.5, weighted_total=3.0),
        ReviewAggregate(submission_id=5, reviews=2, normalised=0.5, weighted_total=3.5),
        ReviewAggregate(submission_id=1, reviews=2, normalised=0.9, weighted_total=1.0),
        ReviewAggregate(submission_id=2, reviews=0),
    ]

    rank(rows)

    assert [(row.submission_id, row.rank) for row in rows] == [
        (7, 4),
        (3, 3),
        (5, 2),
        (1, 1),
        (2, None),
    ]


def test_ranking_for_panel_filters_by_region_and_country():
    example = WorkedExample()
    ensure_aggregates(example.panel)

    by_region = ranking_for_panel(example.panel, region="africa")
    by_country = ranking_for_panel(example.panel, country="cl")
    everything = ranking_for_panel(example.panel)

    assert [row.submission.country_id for row in by_region] == ["KE"]
    assert [row.submission.country_id for row in by_country] == ["CL"]
    assert [(row.submission.country_id, row.assigned) for row in everything] == [
        ("IE", 4),
        ("KE", 4),
        ("CL", 3),
    ]


def test_agreement_is_one_when_jurors_agree_exactly():
    from learningcities.reviews.domain.aggregation import ReviewFigures

    figures = [
        ReviewFigures(juror, submission, "admit", total, total)
        for submission, total in ((1, 2.0), (2, 4.0), (3, 5.0))
        for juror in (10, 11)
    ]

    assert agreement(figures) == pytest.approx(1.0)


def test_agreement_is_undefined_with_one_review_per_submission():
    from learningcities.reviews.domain.aggregation import ReviewFigures

    figures = [ReviewFigures(10, 1, "admit", 2.0, 2.0), ReviewFigures(11, 2, "admit", 4.0, 4.0)]

    assert agreement(figures) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_agreement_matches_the_krippendorff_package(seed):
    import random

    import krippendorff
    import numpy

    from learningcities.reviews.domain.aggregation import ReviewFigures

    rng = random.Random(seed)
    figures = []
    for submission in range(12):
        base = rng.randint(1, 5)
        for juror in rng.sample(range(6), rng.randint(1, 4)):
            total = min(5, max(1, base + rng.choice((-1, 0, 0, 1)))) + rng.choice((0, 0.5))
            figures.append(ReviewFigures(juror, submission, "admit", total, total))
    data = numpy.full((6, 12), numpy.nan)
    for item in figures:
        data[item.juror_id, item.submission_id] = item.total

    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")

    assert agreement(figures) == pytest.approx(expected)


def test_worked_example_agreement_is_stored_on_the_panel():
    example = WorkedExample()

    ensure_aggregates(example.panel)

    # Pairable totals (every submission has 3 or 4): S1 5 4 3.5 4.5 (mean 4.25, SS 1.25),
    # S2 3 3 4 1.5 (mean 2.875, SS 3.1875), S3 1 2 3 (mean 2, SS 2); n = 11, SS of all
    # = 123.75 - 34.5^2/11 = 15.545455.
    # D_o = (2*4*1.25/3 + 2*4*3.1875/3 + 2*3*2/2) / 11 = (3.333333 + 8.5 + 6) / 11 = 1.621212
    # D_e = 2 * 15.545455 / 10 = 3.109091; alpha = 1 - 1.621212/3.109091 = 0.478558
    stored = Panel.objects.get(pk=example.panel.pk).agreement
    assert stored == pytest.approx(0.478558, abs=1e-6)
