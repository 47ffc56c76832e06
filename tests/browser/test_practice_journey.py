"""A city shares a practice from its application; the secretariat returns, then publishes it.

After the login page, people only click what they see: the coordinator goes
from "My work" to the city's practices, makes one of the application's
answers a practice, ticks the consent and submits it; the secretariat, from
its Workspace, returns it with a comment; the coordinator reads the comment
on the practice's page, fixes the text and submits again; the secretariat
publishes it. Then a visitor in the French interface searches the site
from the header's box and opens the practice.
"""

import pytest
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.calls.enums import SubmissionState
from learningcities.frameworks.enums import AnswerType
from learningcities.practices.enums import PracticeStatus
from learningcities.practices.models import Practice
from tests.accounts.factories import person_with_role
from tests.browser.test_role_journeys_work import WAIT, click, say
from tests.calls.factories import Cast, submission_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

ANSWER = (
    "Riverside libraries open floating reading rooms on the ferries every summer. "
    "Volunteers and librarians read with children and adults on the crossings, "
    "and the ferry company gives the space for free. "
) * 2
TITLE = "Reading rooms on the ferries"


def _watch(page):
    page.set_default_timeout(WAIT)
    page.languages = set()
    return page


def _my_practices(page):
    click(page, page.get_by_role("navigation", name="Account").get_by_role("link", name="My work"))
    click(page, page.get_by_role("main").get_by_role("link", name="Your city's practices"))


def _moderation(page):
    click(page, page.get_by_role("banner").get_by_role("link", name="Workspace"))
    click(
        page, page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Practices")
    )


def test_a_practice_from_an_answer_is_returned_fixed_published_and_found(
    open_as, browser, live_server
):
    cast = Cast()
    submission = submission_in(cast, SubmissionState.SUBMITTED)
    answer = submission.answers.get(criterion__answer_type=AnswerType.TEXT)
    answer.text_value = ANSWER
    answer.save(update_fields=["text_value"])
    secretariat = person_with_role(Role.SECRETARIAT, totp=True)

    # The coordinator makes the answer a practice, names it, consents and submits.
    city = _watch(open_as(cast.coordinator))
    _my_practices(city)
    click(city, city.get_by_role("button", name=f"Make answer {answer.criterion.code} a practice"))
    city.get_by_label("Title").fill(TITLE)
    city.get_by_label("Consent to publish").check()
    click(city, city.get_by_role("button", name="Save"))
    click(city, city.get_by_role("button", name="Submit for publication"))
    city.get_by_text("The practice is submitted: the secretariat will review it.").wait_for()
    practice = Practice.objects.get(title=TITLE)
    assert practice.status == PracticeStatus.SUBMITTED
    assert practice.body == answer.text_value.strip()

    # The secretariat returns it with a comment.
    desk = _watch(open_as(secretariat, totp=True))
    _moderation(desk)
    click(desk, desk.get_by_role("main").get_by_role("link", name=TITLE))
    desk.get_by_label("What the city should change").fill("Say how many people took part.")
    click(desk, desk.get_by_role("button", name="Return for changes"))
    desk.get_by_text("Nothing waits: every submitted practice").wait_for()

    # The city reads the comment, fixes the practice and submits it again.
    _my_practices(city)
    click(city, city.get_by_role("main").get_by_role("link", name=TITLE))
    city.locator("blockquote", has_text="Say how many people took part.").wait_for()
    click(city, city.get_by_role("link", name="Edit the practice"))
    results = "About 3,400 people read on the ferries in 2024."
    city.get_by_label("Results:", exact=True).fill(results)
    click(city, city.get_by_role("button", name="Save"))
    click(city, city.get_by_role("button", name="Submit for publication"))

    # The secretariat publishes it.
    _moderation(desk)
    waiting = desk.get_by_role("region", name="1 practice waits")
    click(desk, waiting.get_by_role("link", name=TITLE))
    click(desk, desk.get_by_role("button", name="Publish"))
    practice.refresh_from_db()
    assert practice.status == PracticeStatus.PUBLISHED

    # A visitor in the French interface finds it from the header's search box.
    context = browser.new_context(locale="fr-FR")
    visitor = _watch(context.new_page())
    visitor.goto(live_server.url + reverse("network:home"))
    click(visitor, visitor.locator(".lang-nav").get_by_role("link", name="Français"))
    visitor.get_by_role(
        "searchbox", name=say("fr", "Search practices, cities, events and documents")
    ).fill("ferries")
    click(visitor, visitor.get_by_role("banner").get_by_role("button", name=say("fr", "Search")))
    click(visitor, visitor.get_by_role("main").get_by_role("link", name=TITLE))
    visitor.get_by_text(results).wait_for()
    assert "fr" in visitor.languages
    assert visitor.url.endswith(f"/fr/practices/{practice.pk}/")
    assert (city.js_errors, desk.js_errors) == ([], [])
    context.close()
