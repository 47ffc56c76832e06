"""The jury's work and the staged decisions stay with the secretariat, by every side door.

``test_leaks``, ``test_release`` and ``test_activity_privacy`` cover the pages
and API answers a city, its National Commission and a juror read. These tests
cover what they meet when they act: the refusals of a move they may not make,
the traces of a withdrawal from a staged submission (activity, history,
notices) and the activity entry of a juror's own recusal in a phase that hides
the city's identity. Each test makes the data that could leak and compares
with a submission that is really in review, so it fails if the staged step
shows through.
"""

import re

import pytest
from django.urls import reverse

from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Submission
from learningcities.common.models import MessageTemplate, OutboxMessage
from learningcities.reviews.domain.conflicts import recuse
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from tests.calls.releasing import release_cohort
from tests.reviews.decision_helpers import casts_in_review, membership_call, rename_city, stage
from tests.reviews.scoring_helpers import UNIQUE_CITY, Jury, client_for, secretary_with_totp

pytestmark = pytest.mark.django_db
S = SubmissionState

# What would tell a city or its Commission that the jury is done or a decision staged.
STAGED_WORDS = ("Reviewed", "reviewed", "Decided", "decided", "Accepted", "accepted")


@pytest.fixture
def three_cities():
    """Three cities of one call: one in review, one reviewed, one with a decision staged."""
    call = membership_call()
    (in_review_cast, in_review), (reviewed_cast, reviewed), (decided_cast, decided) = (
        casts_in_review(call, ["IE", "FR", "DE"])
    )
    finish_review(reviewed, actor=reviewed_cast.secretary, reason="On paper.")
    stage(decided_cast, decided, Decision.ACCEPTED)
    return {
        S.IN_REVIEW: (in_review_cast, in_review),
        S.REVIEWED: (reviewed_cast, reviewed),
        S.DECIDED: (decided_cast, decided),
    }


def _api_move(person, submission, to_state: str) -> tuple[int, dict]:
    response = client_for(person).post(
        f"/api/v1/submissions/{submission.pk}/transitions",
        {"to": to_state},
        content_type="application/json",
    )
    return response.status_code, response.json()


def _bodies_by_audience(cast, template_code: str, submission) -> dict[str, str]:
    """The body of each notice about ``submission``, by who received it."""
    audiences = {
        cast.coordinator.email: "coordinators",
        cast.endorser.email: "endorsers",
        cast.secretary.email: "secretariat",
    }
    return {
        audiences[email]: message.body.strip()
        for message in OutboxMessage.objects.filter(
            template_code=template_code, object_id=str(submission.pk)
        )
        for email in message.recipients
        if email in audiences
    }


# Refusals


@pytest.mark.parametrize("who", ["coordinator", "endorser"])
@pytest.mark.parametrize("to_state", [S.SUBMITTED, S.ENDORSED, S.DECLINED, S.RELEASED])
def test_api_refusal_of_a_staged_submission_reads_as_in_review(three_cities, who, to_state):
    answers = {
        state: _api_move(getattr(cast, who), submission, to_state)
        for state, (cast, submission) in three_cities.items()
    }

    assert answers[S.REVIEWED] == answers[S.IN_REVIEW]
    assert answers[S.DECIDED] == answers[S.IN_REVIEW]
    assert answers[S.IN_REVIEW][0] in (403, 409)
    assert "In review" in answers[S.IN_REVIEW][1]["detail"]
    for state, (_cast, submission) in three_cities.items():
        assert Submission.objects.get(pk=submission.pk).state == state


def test_city_page_refusal_of_a_staged_submission_reads_as_in_review(three_cities):
    pages = {}
    for state, (cast, submission) in three_cities.items():
        response = client_for(cast.coordinator).post(
            reverse("calls:city-application", kwargs={"pk": submission.pk}), {"action": "submit"}
        )
        assert response.status_code == 409, state
        pages[state] = response.content.decode()

    assert "cannot go from “In review” to “Submitted”" in pages[S.IN_REVIEW]
    for state in (S.REVIEWED, S.DECIDED):
        assert "cannot go from “In review” to “Submitted”" in pages[state], state
        assert not [word for word in STAGED_WORDS if word in pages[state]], state


def test_the_secretariat_is_still_told_the_real_state(three_cities):
    _cast, submission = three_cities[S.DECIDED]

    status, body = _api_move(secretary_with_totp(), submission, S.SUBMITTED)

    assert status == 409
    assert body["detail"] == "A submission cannot go from “Decided” to “Submitted”."


# A city withdrawing an application whose decision is staged


def _withdraw(three_cities, state):
    cast, submission = three_cities[state]
    client = client_for(cast.coordinator)
    response = client.post(
        reverse("calls:city-application", kwargs={"pk": submission.pk}),
        {"action": "withdraw", "confirm": "yes"},
    )
    assert response.status_code == 302
    assert Submission.objects.get(pk=submission.pk).state == S.WITHDRAWN
    return cast, submission


@pytest.mark.parametrize("state", [S.REVIEWED, S.DECIDED])
def test_withdrawal_from_a_staged_step_leaves_no_trace_of_it_in_the_city_activity(
    three_cities, state
):
    cast, _submission = _withdraw(three_cities, state)

    page = client_for(cast.coordinator).get(reverse("accounts:activity")).content.decode()

    assert "Withdrawn" in page
    assert "In review" in page
    assert [word for word in STAGED_WORDS if word in page] == []


@pytest.mark.parametrize("state", [S.REVIEWED, S.DECIDED])
def test_withdrawal_from_a_staged_step_leaves_no_trace_of_it_in_the_endorser_history(
    three_cities, state
):
    cast, submission = _withdraw(three_cities, state)

    response = client_for(cast.endorser).get(
        reverse("calls:endorsement-detail", kwargs={"pk": submission.pk})
    )
    history = response.content.decode().split('id="history-heading"')[1]

    assert response.status_code == 200
    assert "Withdrawn" in history
    assert [word for word in STAGED_WORDS if word in history] == []
    # The secretariat's history keeps the truth.
    assert list(submission.transitions.order_by("pk").values_list("to_state", flat=True))[-1:] == [
        S.WITHDRAWN
    ]
    assert submission.transitions.order_by("pk").last().from_state == state


def test_withdrawal_notice_of_a_staged_decision_names_neither_state_nor_decision(three_cities):
    # A template the secretariat edited with the variables its sample offers.
    MessageTemplate.objects.filter(code="calls.submission.withdrawn").update(
        body="Was {{ from_state }}; decision: {{ decision }}."
    )
    cast, submission = three_cities[S.DECIDED]

    transition(submission, S.WITHDRAWN, actor=cast.coordinator)

    bodies = _bodies_by_audience(cast, "calls.submission.withdrawn", submission)
    assert bodies == {
        "coordinators": "Was In review; decision: .",
        "endorsers": "Was In review; decision: .",
        "secretariat": "Was Decided; decision: Accepted.",
    }


# The released decision: the jury's comments are for the city alone


def test_released_decision_gives_the_jury_comments_to_the_city_only(three_cities):
    MessageTemplate.objects.filter(code="calls.submission.released").update(
        body="{% for comment in jury_comments %}{{ comment }}{% endfor %}"
    )
    cast, submission = three_cities[S.DECIDED]
    rename_city(cast, "Cork")
    for state in (S.IN_REVIEW, S.REVIEWED):
        other_cast, other = three_cities[state]
        if state == S.IN_REVIEW:
            finish_review(other, actor=other_cast.secretary, reason="On paper.")
        stage_decision(other, actor=other_cast.secretary, decision=Decision.REJECTED)

    release_cohort(
        submission.call,
        actor=cast.secretary,
        name="Cohort 2026",
        joined_on=submission.call.closes_at.date(),
        jury_comments={submission.pk: ["Strong plan."]},
    )

    bodies = _bodies_by_audience(cast, "calls.submission.released", submission)
    assert bodies == {"coordinators": "Strong plan.", "endorsers": ""}


# A juror's own recusal


def test_juror_recusal_in_a_phase_hiding_identity_does_not_name_the_city_in_their_activity():
    jury = Jury()
    jury.set_phase(sees_identity=False)

    recuse(jury.submission, jury.juror, reason="I may know them.", actor=jury.juror)

    page = client_for(jury.juror).get(reverse("accounts:activity")).content.decode()
    assert f"application {jury.submission.pk}" in page.lower()
    assert UNIQUE_CITY not in page


# When the application last changed


def _without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_staged_steps_do_not_move_the_last_change_the_city_and_commission_see():
    call = membership_call()
    [(cast, submission)] = casts_in_review(call, ["IE"])
    client = client_for(cast.coordinator)
    before = client.get(f"/api/v1/submissions/{submission.pk}").json()["updated_at"]
    listed_before = _without_csrf(client.get(reverse("calls:city-applications")))

    stage(cast, submission, Decision.ACCEPTED)
    stage_decision(submission, actor=cast.secretary, decision=Decision.REJECTED)

    assert client.get(f"/api/v1/submissions/{submission.pk}").json()["updated_at"] == before
    assert _without_csrf(client.get(reverse("calls:city-applications"))) == listed_before
    endorser = client_for(cast.endorser).get(f"/api/v1/submissions/{submission.pk}").json()
    assert endorser["updated_at"] == before
    assert Submission.objects.get(pk=submission.pk).decision == Decision.REJECTED
