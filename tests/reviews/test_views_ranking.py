"""The secretariat's ranking and its CSV: a submission left without a juror."""

import csv
import io

import pytest

from learningcities.reviews.domain.conflicts import recuse
from tests.calls.factories import Cast, submission_in
from tests.reviews.factories import assign, make_juror
from tests.reviews.scoring_helpers import Jury, client_for, secretary_with_totp
from tests.reviews.test_views_jury import ranked_jury, ranking_section, ranking_url

pytestmark = pytest.mark.django_db


def left_without_juror(jury: Jury):
    """A submission of the jury's call in review whose only juror recused (no assignment left)."""
    submission = submission_in(Cast(call=jury.cast.call, country_code="NZ"), "in_review")
    juror = make_juror(jury.panel, "JP")
    assign(jury.panel, submission, juror)
    recuse(submission, juror, reason="I advised this city.", actor=juror)
    return submission


def test_ranking_lists_last_without_rank_a_submission_whose_only_juror_recused():
    jury = ranked_jury(2)
    client = client_for(secretary_with_totp())
    submission = submission_in(Cast(call=jury.cast.call, country_code="NZ"), "in_review")
    juror = make_juror(jury.panel, "JP")
    assign(jury.panel, submission, juror)
    before = client.get(ranking_url(jury))
    recuse(submission, juror, reason="I advised this city.", actor=juror)

    response = client.get(ranking_url(jury))

    rows = list(response.context["page"])
    last = rows[-1]
    assert [(row.rank, row.reviews, row.assigned) for row in rows] == [
        (1, 1, 1),
        (2, 1, 1),
        (None, 0, 0),
    ]
    assert last.submission_id == submission.pk
    assert (last.mean, last.weighted_total, last.normalised, last.spread) == (None,) * 4
    # The table cached before the recusal (one juror, no review yet) is not served again.
    assert "No reviews yet" in ranking_section(before)
    assert "No reviews yet" not in ranking_section(response)
    assert "No juror is assigned." in ranking_section(response)


def test_ranking_export_lists_last_without_rank_a_submission_whose_only_juror_recused():
    jury = ranked_jury(2)
    submission = left_without_juror(jury)

    response = client_for(secretary_with_totp()).get(ranking_url(jury, "reviews:ranking-export"))

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    figures = ("rank", "reviews", "mean", "median", "weighted_total", "normalised", "spread")
    assert [row["rank"] for row in rows] == ["1", "2", ""]
    assert rows[-1]["submission_id"] == str(submission.pk)
    assert [rows[-1][name] for name in figures] == ["", "0", "", "", "", "", ""]
