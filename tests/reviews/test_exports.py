"""The secretariat's audit exports of a jury: assignments (with recusals) and raw scores."""

import csv
import io

import pytest
from django.urls import reverse

from learningcities.accounts.domain.users import activate_totp
from learningcities.reviews.domain.conflicts import recuse
from learningcities.reviews.interfaces.exports import safe_cell
from learningcities.reviews.models import Score
from tests.accounts.factories import TOTP_SECRET
from tests.calls.factories import Cast, submission_in
from tests.reviews.factories import assign, make_juror, submitted_review
from tests.reviews.scoring_helpers import Jury, client_for, secretary_with_totp

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _url(name: str, jury: Jury) -> str:
    return reverse(f"reviews:{name}", kwargs={"call_pk": jury.cast.call.pk})


def _api(what: str, jury: Jury) -> str:
    return f"/api/v1/calls/{jury.cast.call.pk}/jury/{what}"


def _scored_jury() -> Jury:
    """A jury whose juror submitted a review with a comment that looks like a formula."""
    jury = Jury()
    review = submitted_review(
        jury.assignment, jury.scores(4), recommendation="admit", comment="Strong plan."
    )
    Score.objects.filter(review=review, criterion=jury.criteria[0]).update(
        comment='=HYPERLINK("http://evil.example")'
    )
    return jury


def test_safe_cell_defuses_formulas_and_keeps_numbers():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("Plain text") == "Plain text"
    assert safe_cell(-2) == -2
    assert safe_cell(None) == ""


def test_assignments_csv_lists_each_assignment_and_each_recusal():
    jury = Jury()
    other = submission_in(Cast(call=jury.cast.call, country_code="NZ"), "in_review")
    stepped_back = make_juror(jury.panel, "JP")
    assign(jury.panel, other, stepped_back)
    recuse(other, stepped_back, reason="I advised this city.", actor=stepped_back)

    rows = _csv(client_for(secretary_with_totp()).get(_url("assignments-export", jury)))

    assert [(r["submission_id"], r["juror_id"], r["recused"]) for r in rows] == [
        (str(jury.submission.pk), str(jury.juror.pk), "no"),
        (str(other.pk), str(stepped_back.pk), "yes"),
    ]
    first, recusal = rows
    assert (first["method"], first["review_state"], first["city"]) == (
        "manual",
        "not_started",
        jury.cast.city.name,
    )
    assert first["assigned_at"]
    assert (recusal["assigned_at"], recusal["recusal_reason"]) == ("", "I advised this city.")


def test_scores_csv_has_one_row_per_criterion_with_comments_and_no_formula():
    jury = _scored_jury()

    rows = _csv(client_for(secretary_with_totp()).get(_url("scores-export", jury)))

    assert len(rows) == len(jury.criteria)
    assert {row["score"] for row in rows} == {"4"}
    assert rows[0]["comment"] == '\'=HYPERLINK("http://evil.example")'
    assert {row["overall_comment"] for row in rows} == {"Strong plan."}
    assert all(row["submitted_at"] for row in rows)
    assert rows[0]["criterion_code"] == jury.criteria[0].code


def test_scores_csv_leaves_out_draft_reviews():
    jury = Jury()
    client = client_for(secretary_with_totp())
    client_for(jury.juror).post(
        reverse("reviews:jury-review", kwargs={"pk": jury.submission.pk}),
        {f"score-{jury.criteria[0].pk}": "3"},
    )

    assert Score.objects.filter(review__state="draft", value=3).exists()
    assert _csv(client.get(_url("scores-export", jury))) == []


@pytest.mark.parametrize("name", ["assignments-export", "scores-export"])
@pytest.mark.parametrize("role", ["coordinator", "endorser"])
def test_exports_refused_to_other_roles(name, role):
    jury = _scored_jury()
    person = getattr(jury.cast, role)
    activate_totp(person, secret=TOTP_SECRET)

    response = client_for(person).get(_url(name, jury))

    assert response.status_code == 403


@pytest.mark.parametrize("name", ["assignments-export", "scores-export"])
def test_exports_refused_to_a_juror(name):
    jury = _scored_jury()

    assert client_for(jury.juror).get(_url(name, jury)).status_code == 403


def test_panel_page_links_the_exports():
    jury = Jury()

    body = client_for(secretary_with_totp()).get(_url("panel", jury)).content.decode()

    assert _url("assignments-export", jury) in body
    assert _url("scores-export", jury) in body


# --- the API --------------------------------------------------------------------------------


def test_api_assignments_lists_assignments_then_recusals_in_pages():
    jury = Jury()
    jury.another_juror("DE")
    other = submission_in(Cast(call=jury.cast.call, country_code="NZ"), "in_review")
    stepped_back = make_juror(jury.panel, "JP")
    assign(jury.panel, other, stepped_back)
    recuse(other, stepped_back, reason="Conflict.", actor=stepped_back)
    client = client_for(secretary_with_totp())

    first = client.get(_api("assignments", jury), {"page_size": 2}).json()
    second = client.get(_api("assignments", jury), {"page_size": 2, "page": 2}).json()

    assert first["count"] == 3
    assert [row["recused"] for row in first["results"]] == [False, False]
    assert [(row["juror_id"], row["recused"]) for row in second["results"]] == [
        (stepped_back.pk, True)
    ]
    assert first["next"]
    assert second["next"] is None


def test_api_scores_gives_the_raw_comment_unescaped():
    jury = _scored_jury()

    body = client_for(secretary_with_totp()).get(_api("scores", jury)).json()

    assert body["count"] == len(jury.criteria)
    assert body["results"][0]["comment"] == '=HYPERLINK("http://evil.example")'
    assert body["results"][0]["juror_id"] == jury.juror.pk


@pytest.mark.parametrize("what", ["assignments", "scores"])
def test_api_exports_refused_to_a_juror_with_403(what):
    jury = _scored_jury()

    response = client_for(jury.juror).get(_api(what, jury))

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


@pytest.mark.parametrize("what", ["assignments", "scores"])
def test_api_exports_need_a_session(client, what):
    jury = _scored_jury()

    assert client.get(_api(what, jury)).status_code == 401


def test_api_exports_answer_404_for_a_call_without_a_panel():
    cast = Cast()

    response = client_for(secretary_with_totp()).get(f"/api/v1/calls/{cast.call.pk}/jury/scores")

    assert response.status_code == 404


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("name", ["assignments-export", "scores-export"])
def test_export_queries_do_not_grow_with_rows(name, count, django_assert_num_queries):
    jury = _scored_jury()
    for _index in range(count - 1):
        _juror, assignment = jury.another_juror("DE")
        submitted_review(assignment, jury.scores(2))
    client = client_for(secretary_with_totp())
    url = _url(name, jury)
    _csv(client.get(url))

    with django_assert_num_queries(EXPORT_QUERIES[name]):
        rows = _csv(client.get(url))

    assert len(rows) == count * (1 if name == "assignments-export" else len(jury.criteria))


# The person (session, user, roles), the call, its panel, then the rows (and the recusals):
# a constant number whatever the rows.
EXPORT_QUERIES = {"assignments-export": 6, "scores-export": 5}
