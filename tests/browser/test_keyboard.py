"""The application completed by keyboard alone, in Chromium.

After logging in and opening her applications page by its address, the
coordinator uses only the keyboard: Tab and Shift+Tab to move, typing, Space
and arrows for radio groups and the select, Enter for links and buttons, Space
to open the file chooser of the mayor's letter. Reading the page (which element
has the focus, how it is drawn, whether the autosave has caught up) is the
test's only other contact with it.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from learningcities.calls.enums import DocumentKind, SubmissionState
from learningcities.calls.models import Submission
from tests.browser.conftest import wait_until_saved
from tests.calls.factories import city_with_coordinator, make_call
from tests.common.files import PDF

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

# The profile's fields in the order of the form, with what the coordinator types.
TYPED = [
    ("profile-data_year", "2024"),
    ("profile-population", "118000"),
    ("profile-area_km2", "91.3"),
    ("profile-gdp_per_capita_city", "41000"),
    ("profile-gdp_per_capita_country", "39000"),
    ("profile-schooling_years_men", "11.8"),
    ("profile-schooling_years_women", "12.2"),
    ("profile-motivation", "Our study circles want partners abroad."),
    ("profile-implementation", "The council's learning office runs the plan."),
    ("profile-contact_name", "Ines Moreau"),
    ("profile-contact_email", "ines.moreau@example.org"),
    ("profile-contact_phone", "+33 4 00 00 00 00"),
]
CHALLENGES = [
    "funding",
    "coordination",
    "participation",
    "data",
    "capacity",
    "digital",
]
FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        id: element.id,
        tag: element.tagName.toLowerCase(),
        type: element.type || "",
        text: (element.innerText || "").trim(),
        indicator: (style.outlineStyle !== "none" && style.outlineWidth !== "0px")
            || style.boxShadow !== "none",
    };
}"""


class Keyboard:
    """The coordinator's keyboard, and a record of what each move focused."""

    def __init__(self, page):
        self.page = page
        self.indicators: dict[str, bool] = {}

    def focused(self) -> dict:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, *, id: str = "", text: str = "", back: bool = False, limit: int = 60) -> int:
        """Press Tab (Shift+Tab with ``back``) until the element ``id`` or named ``text`` has focus.

        Returns the number of presses; fails when it is not reached within ``limit``.
        """
        seen = []
        for presses in range(1, limit + 1):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            element = self.focused()
            seen.append(element["id"] or element["text"][:30] or element["tag"])
            if (id and element["id"] == id) or (text and element["text"] == text):
                self.indicators[f"{element['tag']}[{element['type']}] {id or text}"] = element[
                    "indicator"
                ]
                return presses
        raise AssertionError(f"{id or text} not reached by keyboard; focus went to {seen}")

    def follow(self, text: str) -> None:
        """Tab to the link or button ``text`` and press Enter; wait for the next page."""
        self.tab_to(text=text)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def type(self, value: str) -> None:
        self.page.keyboard.type(value)

    def rate(self, points: int) -> None:
        """Choose ``points`` in the focused radio group: Space picks 1, each arrow one more."""
        self.page.keyboard.press("Space")
        for _step in range(points - 1):
            self.page.keyboard.press("ArrowDown")

    def save(self, name: str = "Save draft") -> None:
        """Tab to the form's button and press Enter once the autosave has caught up."""
        self.tab_to(text=name)
        wait_until_saved(self.page)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")


def test_application_completed_and_submitted_by_keyboard_alone(live_server, open_as):
    call = make_call(title="Membership call 2026")
    organisation, coordinator = city_with_coordinator("FR", name="Villeurbanne")
    page = open_as(coordinator)
    # Playwright asks Chromium to hand it file choosers when the first listener is
    # added, without waiting for the answer: a listener added just before the key
    # press can lose that race on a busy machine, and the chooser is never seen.
    # Listening from the start keeps the interception on long before it is needed.
    choosers = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.goto(live_server.url + reverse("calls:city-applications"))
    keys = Keyboard(page)

    keys.follow("Start application for Villeurbanne")
    submission = Submission.objects.get(call=call, city=organisation.city)
    missing_at_start = page.locator(".missing-items li").count()
    keys.follow("City profile and commitment letter")

    # The profile: each field in turn, one Tab apart.
    presses = []
    for field_id, value in TYPED:
        presses.append(keys.tab_to(id=field_id))
        keys.type(value)
    # Back to the contact person with Shift+Tab, to add to what was typed.
    keys.tab_to(id="profile-contact_name", back=True)
    page.keyboard.press("End")
    keys.type(" (learning office)")
    keys.tab_to(id="profile-contact_email")
    keys.tab_to(id="profile-contact_phone")
    keys.tab_to(id="profile-communication_language")
    page.keyboard.press("ArrowDown")  # "Not chosen" -> English
    for challenge in CHALLENGES:
        presses.append(keys.tab_to(id=f"profile-challenges-{challenge}_0"))
        keys.rate(4)
    keys.tab_to(id="profile-commitment_letter")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    assert choosers == [chooser.value]
    chooser.value.set_files(
        {"name": "lettre-du-maire.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    keys.save()
    letter_listed = page.locator("#document-commitment_letter .documents").inner_text()

    # The criteria of the first section; the second holds only an optional file.
    keys.follow("Back to the application")
    keys.follow("1 First section")
    keys.tab_to(id="answer-1.1.1")
    keys.type("Study circles in every library, open to all ages.")
    keys.tab_to(id="answer-1.1.2_0")
    keys.rate(2)  # "2: Mid"
    keys.tab_to(id="answer-1.2.1")
    keys.type("17")
    keys.save()

    keys.follow("Back to the application")
    complete = page.get_by_text("Your application is complete.").count()
    missing_at_end = page.locator(".missing-items li").count()
    keys.tab_to(text="Submit the application")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    stored = Submission.objects.get(pk=submission.pk)
    answers = {
        answer.criterion.code: (answer.text_value, answer.rating_value, answer.number_value)
        for answer in stored.answers.select_related("criterion")
    }
    assert missing_at_start > 0
    # After the first field, each next one is one Tab away: the focus follows the form.
    assert presses[1:] == [1] * (len(TYPED) + len(CHALLENGES) - 1)
    assert letter_listed == "lettre-du-maire.pdf"
    assert (complete, missing_at_end) == (1, 0)
    assert stored.state == SubmissionState.SUBMITTED
    assert page.locator(".application-state").inner_text() == "Submitted"
    assert (stored.data_year, stored.population, stored.area_km2) == (2024, 118000, Decimal("91.3"))
    assert stored.motivation == "Our study circles want partners abroad."
    assert stored.contact_name == "Ines Moreau (learning office)"
    assert (stored.contact_email, stored.communication_language) == (
        "ines.moreau@example.org",
        "en",
    )
    assert stored.challenges == dict.fromkeys(CHALLENGES, 4)
    assert stored.documents.filter(kind=DocumentKind.COMMITMENT_LETTER).count() == 1
    assert answers["1.1.1"][0] == "Study circles in every library, open to all ages."
    assert answers["1.1.2"][1] == 2
    assert answers["1.2.1"][2] == Decimal("17")
    without_indicator = [name for name, drawn in keys.indicators.items() if not drawn]
    assert len(keys.indicators) > 10
    assert without_indicator == []
    assert page.js_errors == []
