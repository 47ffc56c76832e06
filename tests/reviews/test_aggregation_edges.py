"""Edge cases of the jury's figures, computed without the database."""

import pytest

from learningcities.reviews.domain.aggregation import (
    JurorScale,
    ReviewFigures,
    agreement,
    normalise,
)


def _figures(*rows):
    return [
        ReviewFigures(juror, submission, "admit", total, total) for juror, submission, total in rows
    ]


def test_normalise_nothing_gives_no_scales():
    assert normalise([], min_reviews=2) == {}


def test_normalise_one_review_gives_a_zero_z_score():
    figures = _figures((1, 10, 4.0))

    scales = normalise(figures, min_reviews=1)

    assert scales == {1: JurorScale(reviews=1)}
    assert figures[0].z == 0.0


def test_normalise_equal_totals_everywhere_gives_zero_z_scores():
    figures = _figures((1, 10, 3.0), (1, 11, 3.0), (2, 10, 3.0))

    scales = normalise(figures, min_reviews=2)

    assert scales == {1: JurorScale(reviews=2), 2: JurorScale(reviews=1)}
    assert [item.z for item in figures] == [0.0, 0.0, 0.0]


def test_normalise_mixes_own_and_panel_wide_scales():
    # Juror 1 (two reviews, totals 2 and 4) on their own scale; juror 2 (one review)
    # on the panel's: totals 2, 4, 6, mean 4, population sd sqrt(8/3).
    figures = _figures((1, 10, 2.0), (1, 11, 4.0), (2, 10, 6.0))

    scales = normalise(figures, min_reviews=2)

    assert scales[1] == JurorScale(reviews=2, mean=3.0, sd=1.0)
    assert scales[2] == JurorScale(reviews=1)
    assert [item.z for item in figures] == pytest.approx([-1.0, 1.0, 2 / (8 / 3) ** 0.5])


def test_agreement_is_undefined_when_every_pairable_total_is_equal():
    figures = _figures((1, 10, 3.0), (2, 10, 3.0), (1, 11, 3.0), (2, 11, 3.0), (3, 12, 1.0))

    assert agreement(figures) is None


def test_agreement_leaves_out_a_submission_with_one_review():
    figures = _figures((1, 10, 2.0), (2, 10, 2.0), (1, 11, 4.0), (2, 11, 4.0), (3, 12, 1.0))

    assert agreement(figures) == pytest.approx(1.0)


def test_agreement_is_negative_when_jurors_disagree_systematically():
    figures = _figures((1, 10, 1.0), (2, 10, 5.0), (1, 11, 5.0), (2, 11, 1.0))

    # D_o = (1/4) * 2 * (2 * 2 * 8 / 1) = 16, D_e = 2 * 16 / 3: alpha = 1 - 3/2.
    assert agreement(figures) == pytest.approx(-0.5)
