"""The calls API: a person's submissions, their allowed transitions, and making one."""

import pytest
from django.test import Client
from django.urls import reverse

from learningcities.accounts.domain.users import activate_totp
from learningcities.calls.domain.submissions import start_submission
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Submission
from tests.accounts.factories import TOTP_SECRET, make_user
from tests.calls.factories import (
    Cast,
    city_with_coordinator,
    endorser_of,
    make_call,
    submission_in,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db

S = SubmissionState


def client_for(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def detail_url(submission) -> str:
    return reverse("api-v1:get_submission", kwargs={"id": submission.pk})


def transition_url(submission) -> str:
    return reverse("api-v1:transition_submission", kwargs={"id": submission.pk})


def post_transition(client: Client, submission, **body):
    return client.post(transition_url(submission), body, content_type="application/json")


def csrf_client_for(user) -> tuple[Client, str]:
    """A client that enforces CSRF, with the token a page would have given it."""
    client = client_for(user, csrf=True)
    client.get(reverse("accounts:profile"))
    return client, client.cookies["csrftoken"].value


# The list -----------------------------------------------------------------


def test_submission_list_anonymous_gets_401_json():
    response = Client().get(reverse("api-v1:list_submissions"))

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_submission_list_shows_only_own_city():
    cast = Cast()
    own = cast.draft(complete=False)
    other_org, other_coordinator = city_with_coordinator("IE")
    start_submission(cast.call, city=other_org.city, actor=other_coordinator)

    response = client_for(cast.coordinator).get(reverse("api-v1:list_submissions"))

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 1
    assert [item["id"] for item in body["results"]] == [own.pk]
    item = body["results"][0]
    assert item["state"] == "draft"
    assert item["city"] == {"id": cast.city.pk, "name": cast.city.name}
    assert item["call"]["title"] == "Membership call"
    assert item["country"] == "IE"


def test_submission_list_endorser_sees_submitted_not_drafts():
    cast = Cast()
    submitted = submission_in(cast, S.SUBMITTED)
    other_org, other_coordinator = city_with_coordinator("IE")
    start_submission(cast.call, city=other_org.city, actor=other_coordinator)

    response = client_for(cast.endorser).get(reverse("api-v1:list_submissions"))

    assert [item["id"] for item in response.json()["results"]] == [submitted.pk]


def test_submission_list_juror_gets_empty_list():
    cast = Cast()
    cast.draft(complete=False)
    juror = make_user()

    response = client_for(juror).get(reverse("api-v1:list_submissions"))

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("size", [1, 3])
def test_submission_list_query_count_constant(django_assert_num_queries, size):
    cast = Cast()
    cast.draft(complete=False)
    for _ in range(size - 1):
        start_submission(make_call(), city=cast.city, actor=cast.coordinator)
    client = client_for(cast.coordinator)
    url = reverse("api-v1:list_submissions")

    # session, user, affiliations, endorsed countries (none: no query), count, page
    with django_assert_num_queries(4):
        response = client.get(url)

    assert response.json()["count"] == size


# One submission ---------------------------------------------------------------


def test_submission_detail_lists_coordinator_transitions_and_completeness():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = client_for(cast.coordinator).get(detail_url(submission))

    body = response.json()
    assert response.status_code == 200
    assert body["state"] == "draft"
    assert body["allowed_transitions"] == ["submitted", "withdrawn"]
    assert body["completeness"]["complete"] is False
    assert any(item["anchor"] == "profile-population" for item in body["completeness"]["missing"])


def test_submission_detail_complete_draft_reports_complete():
    cast = Cast()
    submission = cast.draft()

    body = client_for(cast.coordinator).get(detail_url(submission)).json()

    assert body["completeness"] == {"complete": True, "missing": []}


def test_submission_detail_endorser_transitions_when_submitted():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    body = client_for(cast.endorser).get(detail_url(submission)).json()
    coordinator_body = client_for(cast.coordinator).get(detail_url(submission)).json()

    assert body["allowed_transitions"] == ["returned", "endorsed", "declined"]
    assert coordinator_body["allowed_transitions"] == ["withdrawn"]


def test_submission_detail_secretariat_transitions_when_endorsed():
    cast = Cast()
    submission = submission_in(cast, S.ENDORSED)
    activate_totp(cast.secretary, secret=TOTP_SECRET)

    body = client_for(cast.secretary).get(detail_url(submission)).json()

    assert body["allowed_transitions"] == ["eligible", "ineligible", "needs_changes"]


def test_submission_detail_final_state_allows_nothing():
    cast = Cast()
    submission = submission_in(cast, S.WITHDRAWN)

    body = client_for(cast.coordinator).get(detail_url(submission)).json()

    assert body["state"] == "withdrawn"
    assert body["allowed_transitions"] == []


def test_submission_detail_other_city_is_404():
    cast = Cast()
    submission = cast.draft(complete=False)
    _, stranger = city_with_coordinator("IE")

    response = client_for(stranger).get(detail_url(submission))

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no submission with this id."}


def test_submission_detail_endorser_cannot_see_draft():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = client_for(cast.endorser).get(detail_url(submission))

    assert response.status_code == 404
    assert "detail" in response.json()


def test_submission_detail_missing_and_huge_ids_are_404_or_422():
    user = make_user()
    client = client_for(user)

    missing = client.get(reverse("api-v1:get_submission", kwargs={"id": 999_999}))
    huge = client.get("/api/v1/submissions/99999999999999999999")

    assert missing.status_code == 404
    assert huge.status_code == 422
    assert huge.json()["detail"][0]["loc"] == ["path", "id"]


# Transitions ------------------------------------------------------------------


def test_transition_submit_with_csrf_token_moves_submission():
    cast = Cast()
    submission = cast.draft()
    client, token = csrf_client_for(cast.coordinator)

    response = client.post(
        transition_url(submission),
        {"to": "submitted", "comment": ""},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    body = response.json()
    assert response.status_code == 200
    assert body["state"] == "submitted"
    assert body["allowed_transitions"] == ["withdrawn"]
    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED


def test_transition_without_csrf_token_is_refused():
    cast = Cast()
    submission = cast.draft()
    client = client_for(cast.coordinator, csrf=True)

    response = post_transition(client, submission, to="submitted")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Submission.objects.get(pk=submission.pk).state == S.DRAFT


def test_transition_anonymous_gets_401():
    cast = Cast()
    submission = cast.draft()

    response = post_transition(Client(), submission, to="submitted")

    assert response.status_code == 401
    assert Submission.objects.get(pk=submission.pk).state == S.DRAFT


def test_transition_incomplete_submission_is_409_with_message():
    cast = Cast()
    submission = cast.draft(complete=False)

    response = post_transition(client_for(cast.coordinator), submission, to="submitted")

    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "incomplete"
    assert body["detail"].startswith("The submission is not complete:")
    assert Submission.objects.get(pk=submission.pk).state == S.DRAFT


def test_transition_not_in_table_is_409():
    cast = Cast()
    submission = cast.draft()

    response = post_transition(client_for(cast.coordinator), submission, to="released")

    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"
    assert "“Draft”" in response.json()["detail"]


def test_transition_by_wrong_role_on_visible_submission_is_403():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    response = post_transition(client_for(cast.coordinator), submission, to="endorsed")

    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED


def test_transition_of_invisible_submission_is_404():
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)

    response = post_transition(client_for(endorser_of("FR")), submission, to="endorsed")

    assert response.status_code == 404
    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED


def test_transition_endorser_endorses_and_return_needs_comment():
    cast = Cast()
    first = submission_in(cast, S.SUBMITTED)
    client = client_for(cast.endorser)

    refused = post_transition(client, first, to="returned", comment="")
    endorsed = post_transition(client, first, to="endorsed")

    assert refused.status_code == 409
    assert refused.json()["detail"]
    assert endorsed.status_code == 200
    assert endorsed.json()["state"] == "endorsed"


def test_transition_unknown_state_is_422_naming_to():
    cast = Cast()
    submission = cast.draft()

    response = post_transition(client_for(cast.coordinator), submission, to="sent")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "to"]


def test_transition_get_is_405():
    cast = Cast()
    submission = cast.draft()

    response = client_for(cast.coordinator).get(transition_url(submission))

    assert response.status_code == 405
    assert Submission.objects.get(pk=submission.pk).state == S.DRAFT


# The open data stays open -------------------------------------------------------


def test_open_data_endpoints_stay_anonymous_and_cached(django_assert_max_num_queries):
    make_member()
    client = Client()
    client.get(reverse("api-v1:get_network_stats"))

    with django_assert_max_num_queries(1):  # served from the cache: the revision only
        stats = client.get(reverse("api-v1:get_network_stats"))
    cities = client.get(reverse("api-v1:list_cities"))

    assert stats.status_code == 200
    assert cities.status_code == 200
    assert cities.json()["count"] == 1
    assert stats.json()["member_cities"] == 1


def test_openapi_documents_calls_operations_with_session_auth():
    schema = Client().get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/submissions/{id}/transitions"]["post"]
    stats = schema["paths"]["/api/v1/network/stats"]["get"]
    assert operation["tags"] == ["calls"]
    assert operation["security"] == [{"SessionAuth": []}]
    assert {"403", "404", "409", "422"} <= set(operation["responses"])
    assert "security" not in stats
