"""The call dashboard and the endorsement queue, drawn once and cached, never stale or shared.

Both pages are cached under revisions read on every request (the call's, the
register's) and whose data they show (the call; the endorser's countries), so
a write shows on the very next request and nobody sees another's list.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import SubmissionState
from learningcities.calls.models import Call, Submission
from learningcities.calls.views import display
from learningcities.calls.views.endorsement import _queue_body
from learningcities.network.domain.cities import save_city
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, endorser_of, make_call, submission_in

pytestmark = pytest.mark.django_db
S = SubmissionState


def _main(response) -> str:
    """The page below its header (the header holds the person's own CSRF token)."""
    return response.content.decode().split("<main", 1)[1]


def _queue(client, user) -> str:
    client.force_login(user)
    return _main(client.get(reverse("calls:endorsement-queue")))


def _dashboard(client, call, query: str = "") -> str:
    return _main(client.get(reverse("calls:secretariat-call", args=[call.pk]) + query))


@pytest.fixture
def staff(client):
    user = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(user)
    return user


def test_dashboard_follows_a_transition_at_once(client, staff):
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    before = _dashboard(client, cast.call)
    assert _dashboard(client, cast.call) == before  # drawn once, then cached

    cast.move(submission, S.ENDORSED)
    after = _dashboard(client, cast.call, "?state=endorsed")
    shown = _dashboard(client, cast.call)

    assert cast.city.name in after
    assert "<tr><td>Endorsed</td><td>1</td></tr>" in shown
    assert "<tr><td>Endorsed</td><td>0</td></tr>" in before


def test_dashboard_follows_a_new_draft_at_once(client, staff):
    cast = Cast()
    empty = _dashboard(client, cast.call)

    cast.draft()

    assert "No submission matches." in empty
    assert cast.city.name in _dashboard(client, cast.call)


def test_dashboard_follows_a_city_renamed_in_the_register(client, staff):
    cast = Cast()
    submission_in(cast, S.SUBMITTED)
    _dashboard(client, cast.call)

    save_city(country=cast.city.country, name="Renamed Learning Town", city=cast.city)

    assert "Renamed Learning Town" in _dashboard(client, cast.call)


def test_dashboard_follows_the_call_settings(client, staff):
    call = make_call()
    _dashboard(client, call)

    # An operator's edit in the Django admin: not a write the revision hears.
    Call.objects.filter(pk=call.pk).update(title="Renamed call")

    assert "<h1>Renamed call</h1>" in _dashboard(client, call)


def test_dashboard_with_invalid_filters_is_drawn_with_its_error(client, staff):
    call = make_call()

    first = client.get(reverse("calls:secretariat-call", args=[call.pk]) + "?state=nonsense")
    second = client.get(reverse("calls:secretariat-call", args=[call.pk]) + "?state=nonsense")

    assert first.status_code == 200
    assert "nonsense" in _main(first)
    assert _main(second) == _main(first)


def test_queue_follows_a_decision_of_another_endorser_at_once(client):
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    colleague = Cast(call=cast.call).endorser  # the same National Commission (IE)
    assert cast.city.name in _queue(client, cast.endorser)

    transition(submission, S.ENDORSED, actor=colleague)

    shown = _queue(client, cast.endorser)
    assert cast.city.name not in shown
    assert "No application is waiting for your decision." in shown


def test_queue_follows_a_new_application_at_once(client):
    cast = Cast()
    assert "No application is waiting" in _queue(client, cast.endorser)

    submission_in(cast, S.SUBMITTED)

    assert cast.city.name in _queue(client, cast.endorser)


def test_queue_of_another_country_is_never_the_cached_one(client):
    ireland = Cast(country_code="IE")
    france = Cast(call=ireland.call, country_code="FR")
    submission_in(ireland, S.SUBMITTED)
    submission_in(france, S.SUBMITTED)

    irish = _queue(client, ireland.endorser)
    french = _queue(client, france.endorser)
    irish_again = _queue(client, ireland.endorser)

    assert ireland.city.name in irish
    assert france.city.name not in irish
    assert france.city.name in french
    assert ireland.city.name not in french
    assert irish_again == irish


def test_queue_of_a_country_with_nothing_waiting_shows_nothing_cached(client):
    ireland = Cast(country_code="IE")
    submission_in(ireland, S.SUBMITTED)
    _queue(client, ireland.endorser)

    shown = _queue(client, endorser_of("JP"))

    assert ireland.city.name not in shown
    assert "No application is waiting for your decision." in shown


def test_queue_fragment_goes_stale_when_the_next_deadline_passes():
    cast = Cast()
    early, late = submission_in(cast, S.SUBMITTED), submission_in(Cast(call=cast.call), S.SUBMITTED)
    now = timezone.now()
    Submission.objects.filter(pk=early.pk).update(endorsement_due_at=now - dt.timedelta(hours=1))
    Submission.objects.filter(pk=late.pk).update(endorsement_due_at=now + dt.timedelta(hours=5))

    html, stale_at = _queue_body(cast.endorser, 1, now)

    assert stale_at == now + dt.timedelta(hours=5)
    assert html.count("badge-overdue") == 1


def test_cached_fragment_is_drawn_again_once_stale():
    drawn = []

    def build(now):
        drawn.append(now)
        return f"<p>{len(drawn)}</p>", now  # stale at once

    first = display.cached_fragment("test", ("key",), build)
    second = display.cached_fragment("test", ("key",), build)

    assert (first, second, len(drawn)) == ("<p>1</p>", "<p>2</p>", 2)


def test_cached_fragment_is_kept_while_fresh_and_keyed_by_language():
    drawn = []

    def build(now):
        drawn.append(now)
        return f"<p>{len(drawn)}</p>", None

    first = display.cached_fragment("test", ("key",), build)
    again = display.cached_fragment("test", ("key",), build)
    other = display.cached_fragment("test", ("other",), build)
    with translation.override("fr"):
        french = display.cached_fragment("test", ("key",), build)

    assert (first, again, other, french) == ("<p>1</p>", "<p>1</p>", "<p>2</p>", "<p>3</p>")


def test_page_number_keeps_odd_input_to_the_first_page():
    assert [display.page_number(raw) for raw in (None, "", "2", "x", "-1", "9" * 9)] == [
        1,
        1,
        2,
        1,
        1,
        1,
    ]


def test_cached_page_shows_each_person_their_own_name_and_a_working_token():
    call = make_call()
    pages = {}
    for name in ("Ada Secretary", "Bea Secretary"):
        person = person_with_role(Role.SECRETARIAT, totp=True)
        User.objects.filter(pk=person.pk).update(name=name)
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(person)
        page = browser.get(reverse("calls:secretariat-call", args=[call.pk])).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        logout = browser.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
        pages[name] = (page, logout.status_code)

    ada, bea = pages["Ada Secretary"], pages["Bea Secretary"]
    assert ('<span class="user-name">Ada Secretary</span>' in ada[0], ada[1]) == (True, 302)
    assert ('<span class="user-name">Bea Secretary</span>' in bea[0], bea[1]) == (True, 302)
    assert "Ada Secretary" not in bea[0]
    assert "placeholder" not in bea[0]


def test_cached_page_shows_a_waiting_message_once(client):
    cast = Cast()
    submission = submission_in(cast, S.SUBMITTED)
    client.force_login(cast.endorser)
    client.get(reverse("calls:endorsement-queue"))  # the page is cached

    decided = client.post(
        reverse("calls:endorsement-detail", kwargs={"pk": submission.pk}),
        {"action": "endorse", "endorse-comment": ""},
        follow=True,
    )
    again = client.get(reverse("calls:endorsement-queue"))

    assert "application is now" in decided.content.decode()
    assert "application is now" not in again.content.decode()
