"""A city proposes a presentation at an event, and the secretariat places it in the programme.

A city coordinator, once logged in, only clicks visible links and buttons:
the header's Events, the event, "Read the call …", the header's
Applications (where the call page says proposals start), the start button,
then the proposal's contact and motivation (no city profile: no figures, no
challenges, no mayor's letter) and its questions, and submits. No National
Commission is told. The panel's work and the secretariat's screening,
decision and release are done through the domain; then the secretariat
clicks from its Workspace to the event's programme, opens the accepted
proposal under "Presentations to place in a session", chooses the session
and saves: the public programme shows the presentation.
"""

import re

import pytest

from learningcities.accounts.enums import Role
from learningcities.calls.domain.release import run_release, start_release
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.models import Submission
from learningcities.common.models import OutboxMessage
from learningcities.demo.domain.event_registration import ensure_proposal_form
from learningcities.events.models import Presentation
from learningcities.reviews.domain.assignments import assign_submission
from learningcities.reviews.domain.decisions import finish_review, stage_decision
from learningcities.reviews.domain.reviews import (
    open_review,
    save_review,
    save_score,
    submit_review,
)
from learningcities.reviews.models import ReviewPhase
from tests.accounts.factories import person_with_role
from tests.browser.test_role_journeys_work import WAIT, click, save_form
from tests.calls.factories import city_with_coordinator, endorser_of, make_call, secretary
from tests.events.factories_programme import EventFactory, make_session
from tests.reviews.factories import make_juror, make_panel

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

S = SubmissionState
CALL = "Presentations at the forum 2027"
EVENT = "Learning cities forum 2027"
SESSION = "Learning neighbourhoods"
TALK = "Espoo's learning neighbourhoods"
CONTACT = {
    "Contact person": "Aino Virtanen",
    "Contact e-mail": "aino.virtanen@example.org",
    "Motivation": "Espoo wants to share how its neighbourhoods learn together.",
}
ANSWERS = {
    "P1.1 Title of the presentation": TALK,
    "P1.2 Summary": "Libraries, schools and employers run learning festivals in every district.",
    "P2.1 Speakers and their roles": "Aino Virtanen, lifelong learning coordinator.",
}


def _watch(page):
    """Give ``page`` the long default wait and the record of visited languages ``click`` keeps."""
    page.set_default_timeout(WAIT)
    page.languages = set()
    return page


def _accept_and_release(submission: Submission) -> None:
    """Screen, review, decide accepted and release ``submission`` through the domain."""
    secretariat = secretary()
    transition(submission, S.ELIGIBLE, actor=secretariat)
    panel = make_panel(submission.call)
    juror = make_juror(panel, "BR")
    assignment = assign_submission(panel, submission, juror, actor=secretariat)
    review = open_review(assignment, actor=juror)
    for criterion in submission.call.framework.criteria.all():
        save_score(review, criterion, actor=juror, value=panel.score_max)
    save_review(review, actor=juror, recommendation="admit", comment="A vivid programme.")
    submit_review(review, actor=juror)
    ReviewPhase.objects.filter(panel=panel).update(may_change_state=True)
    submission.refresh_from_db()
    finish_review(submission, actor=secretariat)
    stage_decision(submission, actor=secretariat, decision=Decision.ACCEPTED)
    run_release(start_release(submission.call, actor=secretariat))


def test_a_city_proposes_a_presentation_and_the_secretariat_places_it(open_as):
    call = make_call(
        title=CALL, kind=CallKind.PRESENTATIONS, framework=ensure_proposal_form(), min_reviews=1
    )
    event = EventFactory(slug="forum-2027", title=EVENT, presentation_call=call)
    make_session(event, title=SESSION, day=0, hour=10)
    organisation, coordinator = city_with_coordinator("FI", name="Espoo")
    endorser = endorser_of("FI")

    # (a) The coordinator, from the public event page to the submitted proposal.
    page = _watch(open_as(coordinator))
    click(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Events"))
    click(page, page.get_by_role("main").get_by_role("link", name=EVENT))
    click(page, page.get_by_role("link", name=f"Read the call {CALL}"))
    page.get_by_text("This call is open for proposals.").wait_for()
    prepare = page.locator(".call-documents").inner_text()
    click(
        page,
        page.get_by_role("navigation", name="Account").get_by_role("link", name="Applications"),
    )
    click(page, page.get_by_role("button", name="Start application for Espoo"))
    click(page, page.get_by_role("link", name="Contact and motivation"))
    asked = page.locator("form.application-form").inner_text()
    for label, value in CONTACT.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("Language of communication").select_option("en")
    save_form(page, "Save draft")
    click(page, page.get_by_role("link", name="Back to the application"))
    click(page, page.get_by_role("link", name=re.compile(r"^P The presentation")))
    for label, value in ANSWERS.items():
        page.get_by_label(label).fill(value)
    save_form(page, "Save draft")
    click(page, page.get_by_role("link", name="Back to the application"))
    page.get_by_text("Your application is complete.").wait_for()
    click(page, page.get_by_role("button", name="Submit the application"))
    page.locator(".application-state").get_by_text("Submitted", exact=True).wait_for()
    coordinator_errors = list(page.js_errors)

    submission = Submission.objects.get(call=call, city=organisation.city)
    assert submission.state == S.SUBMITTED
    assert (submission.contact_name, submission.population, submission.challenges) == (
        "Aino Virtanen",
        None,
        {},
    )
    told = {a for m in OutboxMessage.objects.all() for a in m.recipients}
    assert endorser.email not in told
    assert coordinator.email in told
    assert "population" not in prepare
    assert "Why the city proposes to present" in prepare
    assert all(word not in asked for word in ("Population", "Challenges", "commitment letter"))

    # (b) Accepted and released through the engine; the secretariat places the presentation.
    _accept_and_release(submission)
    presentation = Presentation.objects.get(submission=submission)
    assert presentation.session_id is None

    page = _watch(open_as(person_with_role(Role.SECRETARIAT, totp=True), totp=True))
    click(page, page.get_by_role("banner").get_by_role("link", name="Workspace"))
    click(page, page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Events"))
    click(page, page.get_by_role("link", name=EVENT))
    click(
        page,
        page.get_by_role("navigation", name="This event").get_by_role("link", name="Programme"),
    )
    unplaced = page.locator(
        "section", has=page.get_by_role("heading", name="Presentations to place in a session")
    )
    click(page, unplaced.get_by_role("link", name=TALK))
    session = page.get_by_role("combobox", name="Session")
    option = session.locator("option", has_text=SESSION).inner_text()
    session.select_option(label=option)
    click(page, page.get_by_role("button", name="Save the presentation"))
    page.get_by_text("The presentation was saved.").wait_for()
    click(page, page.get_by_role("link", name="See the public programme"))
    page.locator(".presentation-title", has_text=TALK).wait_for()
    programme = page.get_by_role("main").inner_text()

    presentation.refresh_from_db()
    assert presentation.session.title == SESSION
    assert SESSION in programme
    assert TALK in programme
    assert (coordinator_errors, page.js_errors) == ([], [])
