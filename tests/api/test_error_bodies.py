"""Refusals django-ninja makes before a handler runs carry a ``detail`` and a ``code``
like the API's own, as the OpenAPI document promises (found by test_schemathesis); a
business rule's refusal (RuleError) answers one status wherever it is met."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from learningcities.api.errors import refusal_body
from learningcities.api.urls import api
from learningcities.calls.enums import SubmissionState
from learningcities.common.errors import RuleError
from learningcities.reviews.enums import ReviewState
from learningcities.reviews.models import Review
from tests.calls.factories import Cast
from tests.reviews.scoring_helpers import Jury, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(private_root, fast_password_hashing):
    cast = Cast()
    return cast, cast.draft()


def _transition_url(submission) -> str:
    return reverse("api-v1:transition_submission", kwargs={"id": submission.pk})


def test_transition_with_a_body_that_is_not_json_is_refused_with_a_code(draft):
    cast, submission = draft
    client = Client()
    client.force_login(cast.coordinator)

    response = client.post(_transition_url(submission), b"\x10", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request body is not valid JSON.",
        "code": "invalid_body",
    }
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT


def test_transition_without_the_csrf_token_is_refused_with_a_code(draft):
    cast, submission = draft
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)

    response = client.post(
        _transition_url(submission), {"to": "submitted"}, content_type="application/json"
    )

    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed"
    assert "X-CSRFToken" in body["detail"]
    submission.refresh_from_db()
    assert submission.state == SubmissionState.DRAFT


def test_anonymous_refusal_keeps_its_body():
    response = Client().get(reverse("api-v1:list_submissions"))

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_schema_lists_the_states_a_transition_may_name():
    transition_in = api.get_openapi_schema()["components"]["schemas"]["TransitionIn"]

    assert transition_in["properties"]["to"]["enum"] == list(SubmissionState.values)
    assert transition_in["properties"]["decision"]["enum"] == ["", "accepted", "rejected"]


def test_refusal_body_names_the_rule_for_programs_and_says_why_for_people():
    error = RuleError("The deadline has passed.", code="deadline_passed")

    assert refusal_body(error) == {"detail": "The deadline has passed.", "code": "deadline_passed"}


def _jury_with_an_incomplete_draft() -> Jury:
    """A juror's draft review with one score and no recommendation: it cannot be submitted."""
    jury = Jury()
    body = {"scores": [{"criterion": jury.criteria[0].pk, "value": 4}]}
    saved = client_for(jury.juror).put(
        f"/api/v1/jury/submissions/{jury.submission.pk}/review",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert saved.status_code == 200
    return jury


def test_an_incomplete_object_answers_409_in_the_calls_api_the_jury_api_and_the_jury_page(
    private_root, fast_password_hashing
):
    cast = Cast()
    incomplete = cast.draft(complete=False)
    jury = _jury_with_an_incomplete_draft()
    coordinator, juror = client_for(cast.coordinator), client_for(jury.juror)

    calls_api = coordinator.post(
        _transition_url(incomplete), {"to": "submitted"}, content_type="application/json"
    )
    jury_api = juror.post(f"/api/v1/jury/submissions/{jury.submission.pk}/review/submit")
    jury_page = juror.post(
        reverse("reviews:jury-review", kwargs={"pk": jury.submission.pk}),
        {"intent": "submit", "confirm": "yes"},
    )

    assert [calls_api.status_code, jury_api.status_code, jury_page.status_code] == [409] * 3
    assert [calls_api.json()["code"], jury_api.json()["code"]] == ["incomplete", "incomplete"]
    assert "Choose a recommendation." in jury_api.json()["detail"]
    assert "Choose a recommendation." in jury_page.content.decode()
    assert Review.objects.get().state == ReviewState.DRAFT
    incomplete.refresh_from_db()
    assert incomplete.state == SubmissionState.DRAFT


def test_jury_api_submit_without_a_review_is_refused_as_incomplete(
    private_root, fast_password_hashing
):
    jury = Jury()

    response = client_for(jury.juror).post(
        f"/api/v1/jury/submissions/{jury.submission.pk}/review/submit"
    )

    assert response.status_code == 409
    assert response.json() == {
        "detail": "There is no review to submit yet: save it first.",
        "code": "incomplete",
    }
    assert Review.objects.count() == 0
