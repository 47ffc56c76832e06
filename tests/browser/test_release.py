"""The release in Chromium: preview, typed confirmation, progress to the end, a certificate."""

import pytest
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Certificate, Release, ReleaseState, Submission
from learningcities.network.domain.cities import save_city
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from tests.accounts.factories import person_with_role
from tests.browser.conftest import axe_violations, log_in
from tests.calls.factories import Cast, make_call, small_framework, submission_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = SubmissionState
TITLE = "Membership call 2026"


def _staged_call(staff):
    """Cork (IE) accepted and Lyon (FR) rejected, both staged."""
    call = make_call(framework=small_framework(), title=TITLE)
    for code, name, decision in (("IE", "Cork", Decision.ACCEPTED), ("FR", "Lyon", "rejected")):
        cast = Cast(call=call, country_code=code)
        save_city(country=cast.city.country, name=name, city=cast.city)
        submission = submission_in(cast, S.IN_REVIEW)
        finish_review(submission, actor=staff, reason="Reviewed in the meeting.")
        stage_decision(submission, actor=staff, decision=decision, reason="Reviewed on paper.")
    return call


def test_secretariat_previews_confirms_watches_and_downloads_a_certificate(live_server, page):
    staff = person_with_role(Role.SECRETARIAT, totp=True)
    call = _staged_call(staff)
    log_in(page, live_server.url, staff, totp=True)
    page.goto(live_server.url + reverse("reviews:decisions", kwargs={"pk": call.pk}))

    with page.expect_navigation():
        page.get_by_role("link", name="Prepare the release").click()
    preview_ok = axe_violations(page)
    admitted = page.locator("#accepted-list").inner_text()
    not_admitted = page.locator("#rejected-list").inner_text()
    page.get_by_label("Name of the cohort").fill("2026 cohort")
    page.get_by_label("Type the title of the call to confirm").fill("Membership call")
    with page.expect_navigation():
        page.get_by_role("button", name="Release the cohort").click()
    summary = page.locator(".error-summary").inner_text()
    released_after_mismatch = Release.objects.exists()

    page.get_by_label("Type the title of the call to confirm").fill(TITLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Release the cohort").click()
    page.get_by_role("heading", name="The release is done").wait_for()
    progress = page.locator("progress#release-progress")
    progress_values = (progress.get_attribute("value"), progress.get_attribute("max"))
    result_ok = axe_violations(page)
    certificate = Certificate.objects.select_related("submission__city").get()
    link = page.get_by_role("link", name=f"Certificate {certificate.number} (PDF)")
    with page.expect_response(lambda r: "/documents/" in r.url) as answer:
        link.click()
    response = answer.value
    pdf_type = response.header_value("content-type")
    # Chromium shows the PDF in its viewer; the same address, fetched with the
    # session's cookies, gives the file's bytes.
    pdf = page.request.get(response.url).body()

    assert "Africa" not in admitted
    assert "Europe and North America (1):" in admitted
    assert "Cork" in admitted
    assert "Lyon" in not_admitted
    assert "The text typed is not the title of the call" in summary
    assert released_after_mismatch is False
    assert progress_values == ("2", "2")
    assert Release.objects.get().state == ReleaseState.DONE
    assert set(Submission.objects.values_list("state", flat=True)) == {S.RELEASED}
    assert certificate.submission.city.name == "Cork"
    assert pdf_type == "application/pdf"
    assert pdf.startswith(b"%PDF")
    assert (preview_ok, result_ok) == ([], [])
    assert page.js_errors == []
