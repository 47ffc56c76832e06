"""Refusals django-ninja makes before a handler runs carry a ``detail`` and a ``code``
like the API's own, as the OpenAPI document promises (found by test_schemathesis)."""

import pytest
from django.test import Client
from django.urls import reverse

from learningcities.api.urls import api
from learningcities.calls.enums import SubmissionState
from tests.calls.factories import Cast

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
