"""The decisions page in Chromium: axe finds nothing serious; deciding works from the keyboard."""

import pytest
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Submission
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from tests.accounts.factories import PASSWORD, TOTP_SECRET, person_with_role, totp_code
from tests.browser.conftest import axe_violations
from tests.calls.factories import Cast, make_call, small_framework, submission_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = SubmissionState


def _log_in(page, base_url: str, user) -> None:
    page.goto(base_url + "/account/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In").click()


def test_decisions_page_is_accessible_and_decides_by_keyboard(live_server, page):
    call = make_call(framework=small_framework(), title="Membership call 2026")
    in_review = submission_in(Cast(call=call, country_code="IE"), S.IN_REVIEW)
    reviewed_cast = Cast(call=call, country_code="FR")
    reviewed = submission_in(reviewed_cast, S.IN_REVIEW)
    decided_cast = Cast(call=call, country_code="DE")
    decided = submission_in(decided_cast, S.IN_REVIEW)
    staff = person_with_role(Role.SECRETARIAT, totp=True)
    for submission in (reviewed, decided):
        finish_review(submission, actor=staff, reason="Reviewed in the meeting.")
    stage_decision(decided, actor=staff, decision=Decision.REJECTED)
    _log_in(page, live_server.url, staff)

    response = page.goto(live_server.url + reverse("reviews:decisions", kwargs={"pk": call.pk}))

    assert response.status == 200
    assert axe_violations(page) == []
    # No review yet: accepting asks for a reason, in the field of the city's row.
    city = reviewed_cast.city.name
    page.get_by_label(f"Reason to accept {city} with fewer reviews than required").fill(
        "Discussed in the meeting."
    )
    accept = page.get_by_role("button", name=f"Accept {city}")
    accept.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    stored = Submission.objects.get(pk=reviewed.pk)
    assert (stored.state, stored.decision) == (S.DECIDED, Decision.ACCEPTED)
    assert Submission.objects.get(pk=in_review.pk).state == S.IN_REVIEW
    assert page.js_errors == []
