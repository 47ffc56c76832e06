"""Autosave of the application form in Chromium: nothing typed is lost.

A lost connection, a tab closed before the save and an ended session each
keep the typed text in the browser; it is put back and saved on the next
occasion, and the database then holds it.
"""

import pytest
from django.http import HttpResponse

from learningcities.calls.domain.submissions import start_submission
from learningcities.calls.models import Submission
from learningcities.calls.views import city as city_views
from tests.accounts.factories import PASSWORD
from tests.calls.factories import city_with_coordinator, make_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATUS = "[data-autosave-status]"


@pytest.fixture
def draft():
    organisation, coordinator = city_with_coordinator("IE")
    submission = start_submission(make_call(), city=organisation.city, actor=coordinator)
    return submission, coordinator


def log_in(page, base_url: str, email: str) -> None:
    page.goto(base_url + "/account/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def motivation_in_db(submission) -> str:
    return Submission.objects.get(pk=submission.pk).motivation


def profile_url(base_url: str, submission) -> str:
    return f"{base_url}/applications/{submission.pk}/profile/"


def wait_for_status(page, fragment: str) -> None:
    page.wait_for_function(
        "([selector, fragment]) => document.querySelector(selector).textContent.includes(fragment)",
        arg=[STATUS, fragment],
        timeout=10_000,
    )


def test_autosave_saves_as_typed(live_server, page, draft):
    submission, coordinator = draft
    log_in(page, live_server.url, coordinator.email)
    page.goto(profile_url(live_server.url, submission))

    page.get_by_label("Motivation").fill("Our libraries open on Sundays.")
    wait_for_status(page, "Saved at")

    assert motivation_in_db(submission) == "Our libraries open on Sundays."
    assert page.js_errors == []


def test_autosave_offline_keeps_text_and_saves_when_back_online(live_server, page, draft):
    submission, coordinator = draft
    log_in(page, live_server.url, coordinator.email)
    page.goto(profile_url(live_server.url, submission))

    page.context.set_offline(True)
    page.get_by_label("Motivation").fill("Typed on a train without signal.")
    wait_for_status(page, "kept in this browser")
    saved_while_offline = motivation_in_db(submission)
    page.context.set_offline(False)
    wait_for_status(page, "Saved at")

    assert saved_while_offline == ""
    assert motivation_in_db(submission) == "Typed on a train without signal."


class Unreachable:
    """While ``on``, every autosave answers 503, as if the server could not be reached.

    Unlike the browser's offline mode, this also holds for the request a closing
    tab sends on its way out (``keepalive``): Chromium may send that one after the
    tab, and its offline emulation, are gone.
    """

    def __init__(self, monkeypatch):
        self.on = True
        self.refused = 0
        edit_response = city_views._edit_response

        def refusing(request, *args, **kwargs):
            if self.on and request.method == "POST" and request.headers.get("X-Autosave"):
                self.refused += 1
                return HttpResponse(status=503)
            return edit_response(request, *args, **kwargs)

        monkeypatch.setattr(city_views, "_edit_response", refusing)


def test_autosave_text_of_a_closed_tab_is_put_back_and_saved(live_server, page, draft, monkeypatch):
    submission, coordinator = draft
    log_in(page, live_server.url, coordinator.email)
    page.goto(profile_url(live_server.url, submission))
    server = Unreachable(monkeypatch)
    page.get_by_label("Motivation").fill("Written just before the tab closed.")
    wait_for_status(page, "kept in this browser")
    context = page.context
    page.close()

    # The next visit puts the text back and tries to save it: still unreachable.
    again = context.new_page()
    again.goto(profile_url(live_server.url, submission))
    put_back = again.get_by_label("Motivation").input_value()
    wait_for_status(again, "kept in this browser")
    lost_meanwhile = motivation_in_db(submission)
    # The server is back; the browser says it is online again and the page saves.
    server.on = False
    context.set_offline(True)
    context.set_offline(False)
    wait_for_status(again, "Saved at")

    assert server.refused >= 2  # the save in the first tab and the one of the next visit
    assert (put_back, lost_meanwhile) == ("Written just before the tab closed.", "")
    assert motivation_in_db(submission) == "Written just before the tab closed."


def test_autosave_after_the_session_ended_keeps_text_until_logged_in_again(
    live_server, page, draft
):
    submission, coordinator = draft
    log_in(page, live_server.url, coordinator.email)
    page.goto(profile_url(live_server.url, submission))
    page.context.clear_cookies()

    page.get_by_label("Motivation").fill("Typed after the session ended.")
    wait_for_status(page, "session has ended")
    saved_without_session = motivation_in_db(submission)
    other = page.context.new_page()
    log_in(other, live_server.url, coordinator.email)
    other.close()
    page.reload()
    wait_for_status(page, "Saved at")

    assert saved_without_session == ""
    assert motivation_in_db(submission) == "Typed after the session ended."
