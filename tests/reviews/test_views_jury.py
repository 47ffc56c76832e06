"""The juror's pages and API, the phase's rules on them, and the secretariat's ranking."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.enums import DocumentKind
from learningcities.calls.models import SubmissionDocument
from learningcities.common.memo import clear_local_memos
from learningcities.reviews.domain.aggregation import ensure_aggregates
from learningcities.reviews.enums import OtherReviews, ReviewState
from learningcities.reviews.models import Review, ReviewAggregate, Score
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, submission_in
from tests.reviews.factories import assign, make_juror, submitted_review
from tests.reviews.scoring_helpers import (
    CONTACT,
    UNIQUE_CITY,
    Jury,
    client_for,
    pdf_text,
    secretary_with_totp,
)

pytestmark = pytest.mark.django_db


def review_url(submission) -> str:
    return reverse("reviews:jury-review", kwargs={"pk": submission.pk})


def more_submissions(jury: Jury, count: int) -> list:
    """``count`` more submissions of the jury's call, each assigned to its juror."""
    found = []
    for code in ("DE", "KE", "CL", "NZ")[:count]:
        submission = submission_in(Cast(call=jury.cast.call, country_code=code), "in_review")
        assign(jury.panel, submission, jury.juror)
        found.append(submission)
    return found


def filled_post(jury: Jury, value: int = 4, **extra) -> dict:
    data = {f"score-{c.pk}": str(value) for c in jury.criteria}
    data.update({f"comment-{c.pk}": "Well argued." for c in jury.criteria})
    data.update({"recommendation": "admit", "comment": "A strong application."})
    data.update(extra)
    return data


# Workspace


def test_workspace_lists_assigned_submissions_with_progress():
    jury = Jury()
    client = client_for(jury.juror)
    client.post(review_url(jury.submission), {f"score-{jury.criteria[0].pk}": "3"})

    response = client.get(reverse("reviews:jury-workspace"))

    assert response.status_code == 200
    page = response.context["page"]
    assert [(s.pk, s.label, s.scored, s.criteria, s.review_state) for s in page] == [
        (jury.submission.pk, UNIQUE_CITY, 1, 4, ReviewState.DRAFT)
    ]
    assert "1 of 4" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_workspace_queries_do_not_grow_with_submissions(count, django_assert_num_queries):
    jury = Jury()
    more_submissions(jury, count - 1)
    client = client_for(jury.juror)
    client.get(reverse("reviews:jury-workspace"))

    # The juror's panels and their phases (the phase in force and what it allows): 2.
    with django_assert_num_queries(9):
        response = client.get(reverse("reviews:jury-workspace"))

    assert len(response.context["page"].object_list) == count


def test_workspace_search_finds_the_city_when_identity_shows():
    jury = Jury()
    more_submissions(jury, 1)

    response = client_for(jury.juror).get(reverse("reviews:jury-workspace"), {"q": "qwyxl"})

    assert [s.pk for s in response.context["page"]] == [jury.submission.pk]


def test_workspace_search_ignores_hidden_city_names():
    jury = Jury()
    jury.set_phase(sees_identity=False)

    response = client_for(jury.juror).get(reverse("reviews:jury-workspace"), {"q": UNIQUE_CITY})

    assert list(response.context["page"]) == []
    assert "No application matches." in response.content.decode()


def test_workspace_search_finds_the_application_number_when_identity_is_hidden():
    jury = Jury()
    jury.set_phase(sees_identity=False)
    more_submissions(jury, 1)

    response = client_for(jury.juror).get(
        reverse("reviews:jury-workspace"), {"q": f"Application {jury.submission.pk}"}
    )

    assert [s.label for s in response.context["page"]] == [f"Application {jury.submission.pk}"]
    assert UNIQUE_CITY not in response.content.decode()


def test_workspace_filters_by_review_state():
    jury = Jury()
    others = more_submissions(jury, 2)
    client = client_for(jury.juror)
    client.post(review_url(others[0]), {"comment": "Started."})

    drafts = client.get(reverse("reviews:jury-workspace"), {"state": "draft"})
    untouched = client.get(reverse("reviews:jury-workspace"), {"state": "not_started"})

    assert [s.pk for s in drafts.context["page"]] == [others[0].pk]
    assert sorted(s.pk for s in untouched.context["page"]) == sorted(
        [jury.submission.pk, others[1].pk]
    )


def test_header_links_the_jury_workspace_for_a_juror():
    jury = Jury()

    page = client_for(jury.juror).get(reverse("accounts:profile")).content.decode()

    assert f'<a href="{reverse("reviews:jury-workspace")}">Jury</a>' in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.SECRETARIAT])
def test_header_has_no_jury_link_for_other_roles(role):
    Jury()  # a panel and a juror exist
    person = person_with_role(role, totp=True)

    page = client_for(person).get(reverse("accounts:profile")).content.decode()

    assert reverse("reviews:jury-workspace") not in page


def test_header_jury_link_reads_no_roles_on_later_pages(django_assert_num_queries):
    jury = Jury()
    client = client_for(jury.juror)
    client.get(reverse("network:countries"))

    # session, user, the page's two counts: no roles read for the header
    with django_assert_num_queries(4) as queries:
        response = client.get(reverse("network:countries"))

    assert reverse("reviews:jury-workspace") in response.content.decode()
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "accounts_affiliation" not in tables


def test_workspace_refuses_the_secretariat():
    response = client_for(secretary_with_totp()).get(reverse("reviews:jury-workspace"))

    assert response.status_code == 403


# Review form


def test_review_page_shows_scores_as_labelled_radio_groups():
    jury = Jury(level_descriptors={"1": "Not addressed", "5": "Exemplary"})

    response = client_for(jury.juror).get(review_url(jury.submission))

    body = response.content.decode()
    assert response.status_code == 200
    first = jury.criteria[0]
    assert body.count('<fieldset class="rating"') == 4
    assert f"<legend>Your score for {first.code}" in body
    assert f'<label for="score-{first.pk}-1">1 · Not addressed</label>' in body
    assert f'<label for="score-{first.pk}-5">5 · Exemplary</label>' in body
    assert "data-autosave" in body
    assert UNIQUE_CITY in body


def test_review_page_without_javascript_saves_a_draft():
    jury = Jury()
    client = client_for(jury.juror)

    response = client.post(review_url(jury.submission), filled_post(jury, intent="save"))

    assert response.status_code == 302
    review = Review.objects.get()
    assert review.state == ReviewState.DRAFT
    assert sorted(Score.objects.values_list("value", flat=True)) == [4, 4, 4, 4]
    assert review.recommendation == "admit"


def test_review_autosave_saves_one_field():
    jury = Jury()
    criterion = jury.criteria[1]

    response = client_for(jury.juror).post(
        review_url(jury.submission), {f"score-{criterion.pk}": "2"}, HTTP_X_AUTOSAVE="1"
    )

    assert response.status_code == 204
    assert list(Score.objects.values_list("criterion_id", "value")) == [(criterion.pk, 2)]


def test_review_autosave_checks_the_phase_and_the_rules_once(django_assert_max_num_queries):
    jury = Jury()
    client = client_for(jury.juror)
    criterion = jury.criteria[0]
    client.post(review_url(jury.submission), {"recommendation": ""}, HTTP_X_AUTOSAVE="1")

    # A score, its comment and the recommendation: one check of the phase and
    # the conflicts for the three writes (30 queries with the savepoints of the
    # nested transactions and the lock on the submission the check takes; the
    # check made for each write cost 34 without the lock).
    with django_assert_max_num_queries(30) as queries:
        response = client.post(
            review_url(jury.submission),
            {
                f"score-{criterion.pk}": "4",
                f"comment-{criterion.pk}": "Clear targets.",
                "recommendation": "admit",
            },
            HTTP_X_AUTOSAVE="1",
        )

    assert response.status_code == 204
    phases = [q for q in queries.captured_queries if "reviews_reviewphase" in q["sql"]]
    # one for the page's own view of the phase, one for the check
    assert len(phases) == 2
    score = Score.objects.get()
    assert (score.value, score.comment) == (4, "Clear targets.")
    assert Review.objects.get().recommendation == "admit"


def test_review_autosave_names_a_score_off_the_scale():
    jury = Jury()
    criterion = jury.criteria[0]

    response = client_for(jury.juror).post(
        review_url(jury.submission), {f"score-{criterion.pk}": "9"}, HTTP_X_AUTOSAVE="1"
    )

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "errors": {f"score-{criterion.pk}": ["The score 9 is off the scale: choose from 1 to 5."]}
    }
    assert Score.objects.count() == 0


def test_review_submit_needs_the_confirmation():
    jury = Jury()

    response = client_for(jury.juror).post(
        review_url(jury.submission), filled_post(jury, intent="submit")
    )

    assert response.status_code == 400
    assert "Tick the box to confirm that you are submitting." in response.content.decode()
    assert Review.objects.get().state == ReviewState.DRAFT


def test_review_submit_locks_the_page():
    jury = Jury()
    client = client_for(jury.juror)

    submitted = client.post(
        review_url(jury.submission), filled_post(jury, intent="submit", confirm="yes")
    )
    page = client.get(review_url(jury.submission))
    again = client.post(review_url(jury.submission), filled_post(jury, value=1))

    assert submitted.status_code == 302
    assert Review.objects.get().state == ReviewState.SUBMITTED
    assert page.context["editable"] is False
    assert "data-autosave" not in page.content.decode()
    assert again.status_code == 409
    assert sorted(Score.objects.values_list("value", flat=True)) == [4, 4, 4, 4]


def test_review_submit_incomplete_lists_what_is_missing():
    jury = Jury()
    data = filled_post(jury, intent="submit", confirm="yes")
    del data["recommendation"]

    response = client_for(jury.juror).post(review_url(jury.submission), data)

    # 409 as in both APIs: the saved review refuses the move (common.errors.http_status).
    assert response.status_code == 409
    assert "Choose a recommendation." in response.content.decode()
    assert Review.objects.get().state == ReviewState.DRAFT


def test_review_saving_refused_when_the_phase_does_not_allow_it():
    jury = Jury()
    jury.set_phase(may_review=False)
    client = client_for(jury.juror)

    page = client.get(review_url(jury.submission))
    plain = client.post(review_url(jury.submission), filled_post(jury))
    autosave = client.post(
        review_url(jury.submission),
        {f"score-{jury.criteria[0].pk}": "3"},
        HTTP_X_AUTOSAVE="1",
    )

    assert page.status_code == 200
    assert page.context["editable"] is False
    assert plain.status_code == 409
    assert autosave.status_code == 409
    assert json.loads(autosave.content) == {
        "errors": {
            "__all__": ["The jury's current phase does not allow writing or submitting reviews."]
        }
    }
    assert Review.objects.count() == 0


# Identity hidden


def test_review_page_hides_identity_when_the_phase_says_so():
    jury = Jury()
    jury.set_phase(sees_identity=False)

    response = client_for(jury.juror).get(review_url(jury.submission))

    body = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>Application {jury.submission.pk}</h1>" in body
    assert UNIQUE_CITY not in body
    assert CONTACT not in body
    assert "letter.pdf" not in body
    # The evidence is there, numbered: a file's name often holds the city's.
    assert "evidence.pdf" not in body
    assert ">Document 1</a>" in body


def jury_with_evidence_named_after_the_city(sees_identity: bool):
    """A jury in a phase that shows or hides the city, whose evidence file bears its name."""
    jury = Jury()
    jury.set_phase(sees_identity=sees_identity)
    evidence = SubmissionDocument.objects.get(
        submission=jury.submission, kind=DocumentKind.EVIDENCE
    ).document
    evidence.original_name = f"{UNIQUE_CITY} learning strategy.pdf"
    evidence.save(update_fields=["original_name"])
    return jury, evidence


@pytest.mark.parametrize("sees_identity", [True, False])
def test_evidence_named_after_the_city_is_numbered_when_identity_is_hidden(sees_identity):
    jury, _evidence = jury_with_evidence_named_after_the_city(sees_identity)
    client = client_for(jury.juror)

    page = client.get(review_url(jury.submission)).content.decode()
    dossier = pdf_text(
        client.get(reverse("reviews:jury-dossier", kwargs={"pk": jury.submission.pk})).content
    )

    assert (f"{UNIQUE_CITY} learning strategy.pdf" in page) is sees_identity
    assert (UNIQUE_CITY in dossier) is sees_identity
    assert ("Document 1" in dossier) is not sees_identity


def test_dossier_pdf_hides_identity_when_the_phase_says_so():
    jury = Jury()
    jury.set_phase(sees_identity=False)

    response = client_for(jury.juror).get(
        reverse("reviews:jury-dossier", kwargs={"pk": jury.submission.pk})
    )

    text = pdf_text(response.content)
    assert response.status_code == 200
    assert f"Dossier of application {jury.submission.pk}" in text
    assert UNIQUE_CITY not in text
    assert CONTACT not in text
    assert "letter.pdf" not in text
    assert UNIQUE_CITY.lower() not in response["Content-Disposition"].lower()


def test_dossier_pdf_shows_identity_when_the_phase_allows():
    jury = Jury()

    response = client_for(jury.juror).get(
        reverse("reviews:jury-dossier", kwargs={"pk": jury.submission.pk})
    )

    text = pdf_text(response.content)
    assert response.status_code == 200
    assert UNIQUE_CITY in text
    assert CONTACT in text


@pytest.mark.parametrize("sees_identity", [True, False])
def test_evidence_download_carries_its_name_only_when_identity_shows(sees_identity):
    jury, evidence = jury_with_evidence_named_after_the_city(sees_identity)
    url = reverse("common:document", kwargs={"document_id": evidence.pk})

    as_juror = client_for(jury.juror).get(url, {"download": "1"})
    as_city = client_for(jury.cast.coordinator).get(url, {"download": "1"})

    assert as_juror.status_code == 200
    assert (UNIQUE_CITY in as_juror["Content-Disposition"]) is sees_identity
    if not sees_identity:
        assert as_juror["Content-Disposition"] == 'attachment; filename="document.pdf"'
    assert UNIQUE_CITY in as_city["Content-Disposition"]  # the city's own file keeps its name


@pytest.mark.parametrize(("sees_identity", "status"), [(True, 200), (False, 404)])
def test_mayors_letter_opens_only_when_identity_shows(sees_identity, status):
    jury = Jury()
    jury.set_phase(sees_identity=sees_identity)
    letter = SubmissionDocument.objects.get(
        submission=jury.submission, kind=DocumentKind.COMMITMENT_LETTER
    )

    response = client_for(jury.juror).get(
        reverse("common:document", kwargs={"document_id": letter.document_id})
    )

    assert response.status_code == status


def test_api_hides_identity_when_the_phase_says_so():
    jury = Jury()
    jury.set_phase(sees_identity=False)
    client = client_for(jury.juror)

    listed = client.get("/api/v1/jury/submissions")
    detail = client.get(f"/api/v1/jury/submissions/{jury.submission.pk}")

    item = listed.json()["results"][0]
    assert (item["label"], item["city"], item["country"]) == (
        f"Application {jury.submission.pk}",
        None,
        None,
    )
    assert detail.json()["city"] is None
    assert UNIQUE_CITY not in listed.content.decode() + detail.content.decode()


# Other reviews


def other_review(jury: Jury):
    other, assignment = jury.another_juror()
    submitted_review(assignment, jury.scores(2), recommendation="do_not_admit", comment="Thin.")
    return other


@pytest.mark.parametrize(
    ("rule", "own_submitted", "shown"),
    [
        (OtherReviews.NEVER, False, False),
        (OtherReviews.NEVER, True, False),
        (OtherReviews.AFTER_OWN, False, False),
        (OtherReviews.AFTER_OWN, True, True),
        (OtherReviews.ALWAYS, False, True),
    ],
)
def test_other_reviews_shown_as_the_phase_says(rule, own_submitted, shown):
    jury = Jury()
    jury.set_phase(sees_other_reviews=rule)
    other_review(jury)
    client = client_for(jury.juror)
    if own_submitted:
        client.post(review_url(jury.submission), filled_post(jury, intent="submit", confirm="yes"))

    response = client.get(review_url(jury.submission))

    body = response.content.decode()
    assert ("The other jurors" in body) is shown
    assert ("Thin." in body) is shown
    assert (response.context["others"] is not None) is shown


def test_other_reviews_leave_out_drafts():
    jury = Jury()
    jury.set_phase(sees_other_reviews=OtherReviews.ALWAYS)
    _other, assignment = jury.another_juror()
    Review.objects.create(assignment=assignment, comment="Half written draft.")

    response = client_for(jury.juror).get(review_url(jury.submission))

    assert response.context["others"] == []
    assert "Half written draft." not in response.content.decode()


# API


def test_api_lists_and_saves_and_submits_a_review():
    jury = Jury()
    client = client_for(jury.juror)
    body = {
        "scores": [{"criterion": c.pk, "value": 5, "comment": "Fine."} for c in jury.criteria],
        "recommendation": "admit",
        "comment": "Yes.",
    }

    listed = client.get("/api/v1/jury/submissions")
    saved = client.put(
        f"/api/v1/jury/submissions/{jury.submission.pk}/review",
        data=json.dumps(body),
        content_type="application/json",
    )
    submitted = client.post(f"/api/v1/jury/submissions/{jury.submission.pk}/review/submit")

    assert [item["label"] for item in listed.json()["results"]] == [UNIQUE_CITY]
    assert saved.status_code == 200
    assert saved.json()["review"]["state"] == "draft"
    assert submitted.status_code == 200
    assert submitted.json()["review"]["state"] == "submitted"


def test_api_refuses_a_score_off_the_scale():
    jury = Jury()
    body = {"scores": [{"criterion": jury.criteria[0].pk, "value": 7}]}

    response = client_for(jury.juror).put(
        f"/api/v1/jury/submissions/{jury.submission.pk}/review",
        data=json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The score 7 is off the scale: choose from 1 to 5.",
        "code": "invalid",
    }


def test_api_saves_nothing_of_a_review_whose_last_score_is_invalid():
    jury = Jury()
    first, second = jury.criteria[0], jury.criteria[1]
    body = {
        "scores": [
            {"criterion": first.pk, "value": 4, "comment": "Clear."},
            {"criterion": second.pk, "value": 3, "comment": "Thin."},
            {"criterion": 2**40, "value": 5, "comment": "Unknown."},
        ],
        "recommendation": "admit",
        "comment": "Half of it would be saved.",
    }

    response = client_for(jury.juror).put(
        f"/api/v1/jury/submissions/{jury.submission.pk}/review",
        data=json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Score.objects.count() == 0
    assert list(Review.objects.values_list("recommendation", "comment")) == []


def test_openapi_documents_the_jury_endpoints():
    jury = Jury()

    schema = client_for(jury.juror).get("/api/v1/openapi.json").json()

    assert {
        "/api/v1/jury/submissions",
        "/api/v1/jury/submissions/{id}",
        "/api/v1/jury/submissions/{id}/review",
        "/api/v1/jury/submissions/{id}/review/submit",
    } <= set(schema["paths"])


# Ranking


def ranked_jury(count: int) -> Jury:
    """A jury whose juror submitted a review of ``count`` submissions."""
    jury = Jury()
    submissions = [jury.submission, *more_submissions(jury, count - 1)]
    for value, submission in enumerate(submissions, start=2):
        assignment = jury.panel.assignments.get(submission=submission)
        submitted_review(assignment, jury.scores(value))
    return jury


# The page's queries, served from the cache: the person (session, user), the panel's key
# (revisions, the call's title and time zone), its phases (what the phase in force allows).
# Drawn afresh: also the call with its panel, the page of rows and their count.
RANKING_QUERIES_CACHED = 4
RANKING_QUERIES_RENDERED = 7


def ranking_section(response) -> str:
    """The ranking's table section (the page frame holds a per-request CSRF token)."""
    html = response.content.decode()
    return html[html.index('aria-labelledby="ranking-heading"') :]


def ranking_url(jury: Jury, name: str = "reviews:ranking") -> str:
    return reverse(name, kwargs={"call_pk": jury.cast.call.pk})


def test_ranking_lists_submissions_in_rank_order():
    jury = ranked_jury(3)

    response = client_for(secretary_with_totp()).get(ranking_url(jury))

    rows = list(response.context["page"])
    assert response.status_code == 200
    assert [row.rank for row in rows] == [1, 2, 3]
    assert [row.weighted_total for row in rows] == [4.0, 3.0, 2.0]
    assert "Not enough submitted reviews yet" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_ranking_queries_do_not_grow_with_submissions(count, django_assert_num_queries):
    jury = ranked_jury(count)
    client = client_for(secretary_with_totp())
    ensure_aggregates(jury.panel)
    client.get(ranking_url(jury))
    cache.clear()
    clear_local_memos()

    with django_assert_num_queries(RANKING_QUERIES_RENDERED):
        response = client.get(ranking_url(jury))
    with django_assert_num_queries(RANKING_QUERIES_CACHED):
        again = client.get(ranking_url(jury))

    assert len(response.context["page"].object_list) == count
    assert ranking_section(again) == ranking_section(response)


def test_ranking_table_follows_a_new_review_at_once():
    jury = ranked_jury(2)
    client = client_for(secretary_with_totp())
    before = client.get(ranking_url(jury)).content.decode()
    newcomer = make_juror(jury.panel, "JP")
    submission = jury.panel.assignments.first().submission
    submitted_review(assign(jury.panel, submission, newcomer), jury.scores(1))

    after = client.get(ranking_url(jury)).content.decode()

    assert "2 of 3" not in before
    assert "2 of 3" in after
    assert ReviewAggregate.objects.get(submission=submission).reviews == 2


def test_ranking_filters_by_country():
    jury = ranked_jury(3)

    response = client_for(secretary_with_totp()).get(ranking_url(jury), {"country": "ke"})

    assert [row.submission.country_id for row in response.context["page"]] == ["KE"]


def test_ranking_refuses_jurors():
    jury = ranked_jury(1)

    response = client_for(jury.juror).get(ranking_url(jury))

    assert response.status_code == 403


def test_ranking_export_streams_every_row_with_the_filters():
    jury = ranked_jury(3)
    client = client_for(secretary_with_totp())

    everything = client.get(ranking_url(jury, "reviews:ranking-export"))
    europe = client.get(
        ranking_url(jury, "reviews:ranking-export"), {"region": "europe_north_america"}
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(everything.streaming_content).decode())))
    europe_rows = list(csv.DictReader(io.StringIO(b"".join(europe.streaming_content).decode())))
    assert everything["Content-Type"] == "text/csv; charset=utf-8"
    assert [(row["rank"], row["country_code"], row["weighted_total"]) for row in rows] == [
        ("1", "KE", "4.0000"),
        ("2", "DE", "3.0000"),
        ("3", "IE", "2.0000"),
    ]
    assert [row["country_code"] for row in europe_rows] == ["DE", "IE"]
    assert rows[2]["city"] == UNIQUE_CITY


def test_ranking_of_a_call_without_panel_is_404():
    cast = Cast()

    response = client_for(secretary_with_totp()).get(
        reverse("reviews:ranking", kwargs={"call_pk": cast.call.pk})
    )

    assert response.status_code == 404


def test_review_page_offers_the_recusal_form():
    jury = Jury()

    response = client_for(jury.juror).get(review_url(jury.submission))

    recuse = reverse("reviews:recuse", kwargs={"pk": jury.submission.pk})
    assert f'<form method="post" action="{recuse}"' in response.content.decode()
