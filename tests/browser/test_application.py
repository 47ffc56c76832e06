"""The application pages in Chromium: autosave as one types, and axe on the calls pages."""

import re

import pytest
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Answer, Submission
from tests.accounts.factories import person_with_role
from tests.browser.conftest import axe_violations
from tests.calls.factories import Cast, submission_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = SubmissionState
# The autosave waits 1.2 s after the last keystroke; this is only how long to
# wait at most, never asserted.
SAVE_WAIT_MS = 15_000


def wait_for_status(page, start: str) -> None:
    """Wait until the autosave status region says something starting with ``start``."""
    page.wait_for_function(
        "start => document.querySelector('[data-autosave-status]').textContent.startsWith(start)",
        arg=start,
        timeout=SAVE_WAIT_MS,
    )


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, f"{url} answered {response.status}"


def test_profile_autosaves_as_the_coordinator_types(live_server, open_as):
    cast = Cast()
    submission = cast.draft(complete=False)
    page = open_as(cast.coordinator)
    profile_url = live_server.url + reverse("calls:city-profile", kwargs={"pk": submission.pk})
    visit(page, profile_url)
    status = page.locator("[data-autosave-status]")

    page.get_by_label("Motivation").fill("Our libraries open on Sundays for every learner.")
    wait_for_status(page, "Saved at")
    stored = Submission.objects.get(pk=submission.pk).motivation
    page.reload()

    assert stored == "Our libraries open on Sundays for every learner."
    assert page.get_by_label("Motivation").input_value() == stored
    assert (status.get_attribute("role"), status.get_attribute("aria-live")) == (
        "status",
        "polite",
    )
    assert page.js_errors == []


def test_section_autosave_updates_the_progress_and_what_is_missing(live_server, open_as):
    cast = Cast()
    submission = cast.draft(complete=False)
    text_question = submission.call.framework.criteria.get(code="1.1.1")
    page = open_as(cast.coordinator)
    overview_url = live_server.url + reverse("calls:city-application", kwargs={"pk": submission.pk})
    visit(page, overview_url)
    before = page.locator(".section-progress").first.inner_text()
    missing_before = page.locator(".missing-items").inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^1 First section")).click()
    page.get_by_label(re.compile("A text question")).fill("Schools, libraries and employers.")
    wait_for_status(page, "Saved at")
    visit(page, overview_url)

    assert Answer.objects.get(submission=submission, criterion=text_question).text_value == (
        "Schools, libraries and employers."
    )
    assert before == "0 of 3 required answers"
    assert page.locator(".section-progress").first.inner_text() == "1 of 3 required answers"
    assert "1.1.1 A text question: answer missing." in missing_before
    assert "1.1.1 A text question" not in page.locator(".missing-items").inner_text()
    assert page.js_errors == []


def test_autosave_announces_a_refused_value(live_server, open_as):
    cast = Cast()
    submission = cast.draft(complete=False)
    page = open_as(cast.coordinator)
    visit(page, live_server.url + reverse("calls:city-profile", kwargs={"pk": submission.pk}))

    page.get_by_label("Year of the data").fill("1800")
    wait_for_status(page, "Not saved")

    assert "a year such as 2024" in page.locator("[data-autosave-status]").inner_text()
    assert Submission.objects.get(pk=submission.pk).data_year is None


def test_calls_pages_pass_axe(live_server, open_as):
    cast = Cast()
    draft = cast.draft(complete=False)
    other = Cast(call=cast.call)
    waiting = submission_in(other, S.SUBMITTED)
    submission_in(Cast(call=cast.call), S.ENDORSED)
    staff = person_with_role(Role.SECRETARIAT, totp=True)
    pages = {
        "coordinator": open_as(cast.coordinator),
        "endorser": open_as(other.endorser),
        "secretariat": open_as(staff, totp=True),
    }
    urls = [
        ("coordinator", reverse("calls:city-application", kwargs={"pk": draft.pk})),
        ("coordinator", reverse("calls:city-profile", kwargs={"pk": draft.pk})),
        ("coordinator", reverse("calls:city-section", kwargs={"pk": draft.pk, "code": "1"})),
        ("endorser", reverse("calls:endorsement-queue")),
        ("endorser", reverse("calls:endorsement-detail", kwargs={"pk": waiting.pk})),
        ("secretariat", reverse("calls:secretariat-call", kwargs={"pk": cast.call.pk})),
        ("secretariat", reverse("calls:secretariat-submission", kwargs={"pk": waiting.pk})),
        ("secretariat", reverse("calls:secretariat-call-create")),
    ]

    found = {}
    for who, url in urls:
        page = pages[who]
        visit(page, live_server.url + url)
        found[url] = axe_violations(page)

    assert {url: violations for url, violations in found.items() if violations} == {}
    assert [page.js_errors for page in pages.values()] == [[], [], []]
