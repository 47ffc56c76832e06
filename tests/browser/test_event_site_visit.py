"""A site visit fills up, the next person waits, a place is given back, and the offer is taken.

Three confirmed participants of a conference, each in their own browser,
reach the programme by clicking from where they land after logging in: the
"Events" link of the site header, the event, its "Programme". The second
takes the last place of the site visit, the third joins its waiting list;
the second gives the place back; the third, coming back the same way, sees
the place offered and takes it. The programme shows the event's times with
the viewer's own beside them, and passes axe-core.
"""

import re

import pytest

from learningcities.events.domain.programme import sign_up
from learningcities.events.enums import SessionKind, SignupStatus
from learningcities.events.models import ProgrammeSession, SessionSignup
from tests.browser.conftest import axe_violations
from tests.events.factories_programme import EventFactory, make_participant, make_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_root", "fast_password_hashing"),
]

WAIT = 20_000
VISIT = "Site visit: a community learning centre"


def click(page, locator) -> None:
    """Click a visible link or button and wait for the page it leads to."""
    locator.wait_for(state="visible", timeout=WAIT)
    with page.expect_navigation(timeout=WAIT):
        locator.click()


def open_programme(page, event) -> None:
    """From wherever the person is: Events (site header), the event, its programme."""
    click(page, page.get_by_role("banner").get_by_role("link", name="Events", exact=True))
    click(page, page.get_by_role("link", name=event.title).first)
    click(page, page.get_by_role("link", name="Programme", exact=True))
    page.get_by_role("heading", level=1, name=re.compile("^Programme")).wait_for()


def visit_card(page):
    return page.locator("article.session", has=page.get_by_role("heading", name=VISIT))


def test_site_visit_waiting_list_offer_taken(open_as):
    event = EventFactory(title="Seventh conference", time_zone="Asia/Riyadh")
    make_session(event, kind=SessionKind.OPENING, title="Opening ceremony", hour=9)
    visit = make_session(event, kind=SessionKind.SITE_VISIT, title=VISIT, capacity=2, day=1)
    first, second, third = (make_participant(event, name=n) for n in ("Ana", "Binh", "Chen"))
    sign_up(visit, first, actor=None)

    # The second participant takes the last place.
    page_b = open_as(second.user)
    page_b.set_default_timeout(WAIT)
    open_programme(page_b, event)
    click(page_b, visit_card(page_b).get_by_role("button", name="Sign up"))
    assert visit_card(page_b).get_by_text("You are signed up.").is_visible()
    assert visit_card(page_b).get_by_text("Full: a waiting list is open.").is_visible()

    # The third finds it full and joins the waiting list.
    page_c = open_as(third.user)
    page_c.set_default_timeout(WAIT)
    open_programme(page_c, event)
    click(page_c, visit_card(page_c).get_by_role("button", name="Join the waiting list"))
    assert visit_card(page_c).get_by_text("You are on the waiting list.").is_visible()
    # The viewer's own time is shown beside the event's (the browser is not in Riyadh).
    viewer_zone = page_c.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
    if viewer_zone != event.time_zone:
        page_c.locator(".local-time").first.wait_for(state="visible")
    assert axe_violations(page_c) == []

    # The second gives the place back.
    click(page_b, visit_card(page_b).get_by_role("button", name="Give back my place"))
    assert visit_card(page_b).get_by_role("button", name="Join the waiting list").is_visible()

    # The third comes back through the site and takes the offered place.
    click(page_c, page_c.get_by_role("banner").get_by_role("link", name="My work"))
    open_programme(page_c, event)
    assert visit_card(page_c).get_by_text("A place is offered to you.").is_visible()
    click(page_c, visit_card(page_c).get_by_role("button", name="Take the place"))

    assert visit_card(page_c).get_by_text("You are signed up.").is_visible()
    assert SessionSignup.objects.get(registration=third).status == SignupStatus.SIGNED_UP
    assert SessionSignup.objects.get(registration=second).status == SignupStatus.CANCELLED
    assert ProgrammeSession.objects.get(pk=visit.pk).places_taken == 2
    assert page_b.js_errors == []
    assert page_c.js_errors == []
