"""The whole journey in Chromium, each step taken by its own person on the real pages.

A visitor browses the network; a city coordinator applies to the open call
with her mayor's letter and an evidence file; her National Commission
endorses; the secretariat screens and assigns a juror; the juror scores and
submits the review; the secretariat finishes the review, accepts and
releases the cohort; a visitor then finds the new member on the map and in
the directory. Every page is screenshot to ``var/screenshots/journey-NN-*.png``
and checked with axe-core.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.calls.enums import Decision, SubmissionState
from learningcities.calls.models import Submission
from learningcities.network.models import Membership
from learningcities.reviews.domain.panels import add_phase, create_panel
from learningcities.reviews.enums import ReviewState
from learningcities.reviews.models import Review
from tests.accounts.factories import person_with_role
from tests.browser.conftest import axe_violations, save_form
from tests.calls.factories import city_with_coordinator, endorser_of, make_call
from tests.common.files import PDF
from tests.factories import CityFactory, country, make_member
from tests.reviews.factories import make_juror

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

S = SubmissionState
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ESPOO = {"latitude": 60.2055, "longitude": 24.6559, "population": 305_274}
PROFILE = {
    "Year of the data": "2024",
    "Population": "305274",
    "Area (km²)": "528",
    "GDP per capita of the city (USD)": "61000",
    "GDP per capita of the country (USD)": "53000",
    "Average years of schooling, men": "12.9",
    "Average years of schooling, women": "13.4",
    "Motivation": "Espoo wants to share its learning neighbourhoods and learn from peers.",
    "Implementation": "A lifelong learning board of the city, schools and employers meets monthly.",
    "Contact person": "Aino Virtanen",
    "Contact e-mail": "aino.virtanen@example.org",
    "Contact telephone": "+358 9 000 0000",
}


class Journey:
    """Numbered steps: a screenshot, axe-core and the page's JavaScript errors for each."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.number = 0
        self.violations: list[str] = []
        self.js_errors: list[str] = []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("journey-*.png"):
            old.unlink()

    def step(self, page, name: str) -> None:
        """Record the page as it stands after the step ``name``."""
        self.number += 1
        page.screenshot(
            path=str(SCREENSHOTS / f"journey-{self.number:02d}-{name}.png"), full_page=True
        )
        where = f"{self.number:02d} {name} ({page.url.removeprefix(self.base_url)})"
        for violation in axe_violations(page):
            self.violations.append(
                f"{where}: {violation['id']} [{violation['impact']}] {violation['help']} "
                f"at {violation['nodes']}"
            )
        self.js_errors.extend(f"{where}: {error}" for error in page.js_errors)
        page.js_errors.clear()

    def watch(self, page):
        """Collect the console errors of ``page`` (a blocked script, a refused style)."""

        def record(message) -> None:
            # A missing favicon is reported as a failed resource; nothing else may fail.
            if message.type == "error" and "favicon" not in (message.location or {}).get("url", ""):
                self.js_errors.append(f"{page.url}: console: {message.text}")

        page.on("console", record)
        return page

    def go(self, page, path: str, name: str, *, ready: str = "") -> None:
        """Open ``path``; wait for the selector ``ready`` (drawn by a script) before the step."""
        response = page.goto(self.base_url + path)
        assert response.status == 200, f"{path} answered {response.status}"
        if ready:
            page.wait_for_selector(ready, timeout=15_000)
        self.step(page, name)


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_journey_from_visitor_to_released_cohort_in_the_browser(live_server, page, open_as):
    # The network as the visitor finds it, and the people of the journey.
    make_member(
        CityFactory(name="Cork", country=country("IE"), latitude=51.8985, longitude=-8.4756),
        joined="2016",
    )
    make_member(
        CityFactory(name="Son La", country=country("VN"), latitude=21.3256, longitude=103.9188),
        joined="2024-02-14",
    )
    call = make_call(title="Membership call 2026", min_reviews=1)
    organisation, coordinator = city_with_coordinator("FI", name="Espoo", **ESPOO)
    endorser = endorser_of("FI")
    staff = person_with_role(Role.SECRETARIAT, totp=True)
    # No page creates a panel's juror accounts or sets a phase's dates relative
    # to now, so the jury is set up through the domain: a panel, one phase in
    # force that lets the juror score and the secretariat decide, one juror.
    now = timezone.now()
    panel = create_panel(call, actor=staff)
    add_phase(
        panel,
        actor=staff,
        name="Scoring and decisions",
        starts_at=now - dt.timedelta(days=1),
        ends_at=now + dt.timedelta(days=10),
        may_change_state=True,
    )
    juror = make_juror(panel, "BR", name="Beatriz Souza")
    journey = Journey(live_server.url)
    journey.watch(page)

    # 1. A visitor browses the home page, the directory (searching), the map and a city.
    journey.go(page, "/", "visitor-home")
    journey.go(page, reverse("network:directory"), "visitor-directory")
    page.get_by_role("main").get_by_label("Search").fill("cork")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.step(page, "visitor-directory-search")
    found_before = page.locator(".directory-table tbody th a").all_inner_texts()
    journey.go(page, reverse("network:map"), "visitor-map-before", ready=".leaflet-marker-icon")
    members_before = page.locator(".country-groups").inner_text()
    click_and_wait(page, page.locator(".country-groups").get_by_role("link", name="Cork"))
    journey.step(page, "visitor-city")
    city_heading = page.get_by_role("heading", level=1).inner_text()

    # 2. The coordinator starts an application to the open call.
    city = journey.watch(open_as(coordinator))
    journey.go(city, reverse("calls:city-applications"), "coordinator-applications")
    click_and_wait(city, city.get_by_role("button", name="Start application for Espoo"))
    journey.step(city, "coordinator-application-started")
    submission = Submission.objects.get(call=call, city=organisation.city)
    missing_at_start = city.locator(".missing-items li").count()

    # 3. The profile, the challenges and the mayor's letter.
    click_and_wait(city, city.get_by_role("link", name="City profile and commitment letter"))
    for label, value in PROFILE.items():
        city.get_by_label(label).fill(value)
    city.get_by_label("Language of communication").select_option("en")
    for group in city.locator(".field.rating fieldset").all():
        group.get_by_role("radio", name="3").check()
    city.get_by_label("Mayor's commitment letter").set_input_files(
        {"name": "mayors-letter.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    journey.step(city, "coordinator-profile-filled")
    save_form(city)
    journey.step(city, "coordinator-profile-saved")
    letters = city.locator("#document-commitment_letter .documents").inner_text()

    # 4. The criteria: section 1 (text, rating, number), section 2 (an evidence file).
    click_and_wait(city, city.get_by_role("link", name="Back to the application"))
    click_and_wait(city, city.get_by_role("link", name=re.compile(r"^1 First section")))
    city.get_by_label("1.1.1 A text question").fill(
        "Libraries, schools and employers run learning festivals in every district."
    )
    city.get_by_role("radio", name="3: High").check()
    city.get_by_label("1.2.1 A number").fill("42")
    journey.step(city, "coordinator-section-1")
    save_form(city)
    click_and_wait(city, city.get_by_role("link", name="Back to the application"))
    click_and_wait(city, city.get_by_role("link", name=re.compile(r"^2 Second section")))
    city.get_by_label("2.3 A file").set_input_files(
        {"name": "learning-festival-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    save_form(city)
    journey.step(city, "coordinator-section-2")
    evidence = city.locator("#criterion-2\\.3 .documents").inner_text()

    # 5. The completeness check shows nothing missing; the coordinator submits.
    click_and_wait(city, city.get_by_role("link", name="Back to the application"))
    journey.step(city, "coordinator-complete")
    complete = city.get_by_text("Your application is complete.").count()
    missing_at_end = city.locator(".missing-items li").count()
    click_and_wait(city, city.get_by_role("button", name="Submit the application"))
    journey.step(city, "coordinator-submitted")
    state_after_submit = city.locator(".application-state").inner_text()

    # 6. The National Commission's endorser endorses from the queue.
    commission = journey.watch(open_as(endorser))
    journey.go(commission, reverse("calls:endorsement-queue"), "endorser-queue")
    click_and_wait(commission, commission.get_by_role("link", name="Espoo"))
    journey.step(commission, "endorser-application")
    endorse = commission.locator("form.decision-endorse")
    endorse.get_by_role("textbox").fill("Finland's National Commission supports Espoo.")
    click_and_wait(commission, endorse.get_by_role("button", name="Endorse"))
    journey.step(commission, "endorser-endorsed")

    # 7. The secretariat screens the application eligible and assigns the juror.
    secretariat = journey.watch(open_as(staff, totp=True))
    journey.go(
        secretariat, reverse("calls:secretariat-call", kwargs={"pk": call.pk}), "secretariat-call"
    )
    click_and_wait(
        secretariat, secretariat.locator(".submission-list").get_by_role("link", name="Espoo")
    )
    journey.step(secretariat, "secretariat-screening")
    click_and_wait(secretariat, secretariat.get_by_role("button", name="Eligible", exact=True))
    journey.step(secretariat, "secretariat-eligible")
    state_after_screening = Submission.objects.get(pk=submission.pk).state
    panel_submission = reverse(
        "reviews:panel-submission", kwargs={"call_pk": call.pk, "pk": submission.pk}
    )
    journey.go(secretariat, panel_submission, "secretariat-jurors")
    click_and_wait(secretariat, secretariat.get_by_role("button", name="Assign Beatriz Souza"))
    journey.step(secretariat, "secretariat-assigned")

    # 8. The juror scores every criterion, recommends and submits the review.
    jury = journey.watch(open_as(juror, totp=True))
    journey.go(jury, reverse("reviews:jury-workspace"), "juror-workspace")
    click_and_wait(jury, jury.locator(".submission-list tbody").get_by_role("link").first)
    for group in jury.locator("fieldset.rating").all():
        group.get_by_role("radio").nth(3).check()  # 4 on the panel's scale
    jury.get_by_label("Admit", exact=True).check()
    jury.get_by_label("Overall comment").fill("A convincing plan with the whole city behind it.")
    jury.get_by_label(re.compile("I have finished")).check()
    journey.step(jury, "juror-review-filled")
    save_form(jury, "Submit review")
    journey.step(jury, "juror-review-submitted")
    review = Review.objects.get(assignment__submission=submission)

    # 9. The secretariat finishes the review, accepts and releases the cohort.
    decisions = reverse("reviews:decisions", kwargs={"pk": call.pk})
    journey.go(secretariat, decisions, "secretariat-decisions")
    secretariat.get_by_label("Finish the review of Espoo").check()
    click_and_wait(secretariat, secretariat.get_by_role("button", name="Finish the reviews"))
    journey.step(secretariat, "secretariat-reviews-finished")
    click_and_wait(secretariat, secretariat.get_by_role("button", name="Accept Espoo"))
    journey.step(secretariat, "secretariat-accepted")
    click_and_wait(secretariat, secretariat.get_by_role("link", name="Prepare the release"))
    journey.step(secretariat, "secretariat-release-preview")
    secretariat.get_by_label("Name of the cohort").fill("Cohort 2026")
    secretariat.get_by_label("Members join on").fill(timezone.localdate().isoformat())
    secretariat.get_by_label("Type the title of the call to confirm").fill(call.title)
    click_and_wait(secretariat, secretariat.get_by_role("button", name="Release the cohort"))
    secretariat.get_by_role("heading", name="The release is done").wait_for()
    journey.step(secretariat, "secretariat-released")

    # 10. A visitor finds Espoo on the map (its marker's popup), the list and the directory.
    espoo = ".leaflet-marker-icon[title='Espoo (Finland)']"
    journey.go(page, reverse("network:map") + "#60.2,24.7,8", "visitor-map-after", ready=espoo)
    page.locator(espoo).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    # The popup fades in; axe would measure the contrast of a half-transparent text.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    journey.step(page, "visitor-map-popup")
    popup_text = popup.inner_text()
    members_after = page.locator(".country-groups").inner_text()
    journey.go(page, reverse("network:directory"), "visitor-directory-after")
    page.get_by_role("main").get_by_label("Search").fill("espoo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    journey.step(page, "visitor-directory-found")
    found_after = page.locator(".directory-table tbody th a").all_inner_texts()
    click_and_wait(page, page.get_by_role("link", name="Espoo"))
    journey.step(page, "visitor-new-member")
    new_member_heading = page.get_by_role("heading", level=1).inner_text()

    assert (found_before, "Espoo" in members_before, "Cork" in city_heading) == (
        ["Cork"],
        False,
        True,
    )
    assert (missing_at_start > 0, missing_at_end) == (True, 0)
    assert (letters, evidence) == ("mayors-letter.pdf", "learning-festival-report.pdf")
    assert (complete, state_after_submit) == (1, "Submitted")
    assert state_after_screening == S.ELIGIBLE
    assert (review.state, review.recommendation) == (ReviewState.SUBMITTED, "admit")
    assert list(review.scores.values_list("value", flat=True)) == [4] * 4  # every criterion
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.state, stored.decision) == (S.RELEASED, Decision.ACCEPTED)
    membership = Membership.objects.get(city=organisation.city)
    assert (membership.cohort.name, membership.joined_on) == ("Cohort 2026", timezone.localdate())
    assert popup_text.splitlines()[0] == "Espoo"
    assert "Espoo" in members_after
    assert found_after == ["Espoo"]
    assert "Espoo" in new_member_heading
    assert journey.js_errors == []
    assert journey.violations == [], "axe-core found:\n" + "\n".join(journey.violations)
