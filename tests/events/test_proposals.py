"""An event's call for presentations: accepted proposals join the programme, to be placed."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.calls.domain.release import run_release, start_release
from learningcities.calls.enums import CallKind, Decision, SubmissionState
from learningcities.calls.models import Submission
from learningcities.common.models import ActivityLogEntry
from learningcities.events.domain.errors import EventError
from learningcities.events.domain.events import update_event
from learningcities.events.domain.programme import delete_session, update_presentation
from learningcities.events.domain.proposals import present_accepted_proposal, proposal_title
from learningcities.events.models import Presentation
from tests.accounts.factories import person_with_role
from tests.calls.factories import ANSWERS, Cast, make_call
from tests.events.factories_programme import EventFactory, make_session
from tests.reviews.test_presentation_release import _decide as decide
from tests.reviews.test_presentation_release import reviewed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

S = SubmissionState


def presentations_call(**fields):
    return make_call(
        title="Call for presentations",
        kind=CallKind.PRESENTATIONS,
        quota_per_country=None,
        **fields,
    )


def decided(cast: Cast, decision: str = Decision.ACCEPTED) -> Submission:
    """A submitted proposal of ``cast``, its decision stored as the release finds it."""
    submission = cast.draft()
    cast.move(submission, S.SUBMITTED)
    Submission.objects.filter(pk=submission.pk).update(state=S.DECIDED, decision=decision)
    submission.refresh_from_db()
    return submission


@pytest.fixture
def cast():
    return Cast(presentations_call())


@pytest.fixture
def event(cast):
    return EventFactory(title="Members' meeting", presentation_call=cast.call)


def test_an_accepted_proposal_joins_its_event_not_placed(cast, event):
    submission = decided(cast)

    presentation = present_accepted_proposal(submission)

    assert presentation.event == event
    assert presentation.session is None
    assert presentation.city == cast.city
    assert presentation.submission == submission
    assert presentation.title == ANSWERS["text"]
    assert list(presentation.speakers.all()) == [cast.coordinator]
    entry = ActivityLogEntry.objects.get(action="events.presentation.create")
    assert entry.actor is None
    assert entry.changes["proposal"] == [None, submission.pk]


def test_a_proposal_is_presented_once(cast, event):
    submission = decided(cast)
    present_accepted_proposal(submission)

    assert present_accepted_proposal(submission) is None
    assert Presentation.objects.count() == 1


def test_a_rejected_proposal_is_not_presented(cast, event):
    assert present_accepted_proposal(decided(cast, Decision.REJECTED)) is None
    assert not Presentation.objects.exists()


def test_a_call_no_event_names_presents_nothing(cast):
    assert present_accepted_proposal(decided(cast)) is None
    assert not Presentation.objects.exists()


def test_an_accepted_membership_application_is_no_presentation():
    cast = Cast()
    EventFactory()
    assert present_accepted_proposal(decided(cast)) is None


def test_the_title_is_the_first_line_of_the_first_text_answer(cast, event):
    submission = decided(cast)
    answer = submission.answers.exclude(text_value="").order_by("criterion__order").first()
    answer.text_value = "\n  Learning neighbourhoods in Sa Dec  \nThe rest of the answer."
    answer.save()
    assert proposal_title(submission) == "Learning neighbourhoods in Sa Dec"
    submission.answers.update(text_value="")
    assert proposal_title(submission) == str(cast.city)


# Placing a presentation --------------------------------------------------------


def test_a_presentation_is_placed_moved_and_taken_out_of_sessions(cast, event):
    presentation = present_accepted_proposal(decided(cast))
    first, second = make_session(event, hour=9), make_session(event, hour=11)
    values = {"title": presentation.title, "city": cast.city, "speakers": [cast.coordinator]}

    update_presentation(presentation, actor=None, session=first, **values)
    assert Presentation.objects.get().session == first
    update_presentation(presentation, actor=None, **values)  # no session given: it stays
    assert Presentation.objects.get().session == first
    update_presentation(presentation, actor=None, session=second, **values)
    assert Presentation.objects.get().session == second
    update_presentation(presentation, actor=None, session=None, **values)
    assert Presentation.objects.get().session is None


def test_a_session_of_another_event_is_refused(cast, event):
    presentation = present_accepted_proposal(decided(cast))
    elsewhere = make_session(EventFactory())
    with pytest.raises(EventError):
        update_presentation(presentation, actor=None, title="T", session=elsewhere)
    assert Presentation.objects.get().session is None


def test_removing_a_session_keeps_its_presentations(cast, event):
    presentation = present_accepted_proposal(decided(cast))
    session = make_session(event)
    update_presentation(presentation, actor=None, title=presentation.title, session=session)

    delete_session(session, actor=None)

    assert Presentation.objects.get().session is None


# The event's call ---------------------------------------------------------------


def test_only_a_call_for_presentations_brings_proposals(event):
    with pytest.raises(EventError) as refused:
        update_event(event, actor=None, presentation_call=make_call(title="Membership"))
    assert refused.value.code == "presentation_call"


def test_a_call_for_presentations_belongs_to_one_event(cast, event):
    with pytest.raises(EventError) as refused:
        update_event(EventFactory(), actor=None, presentation_call=cast.call)
    assert refused.value.code == "presentation_call"


# Pages ----------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_secretariat_places_an_accepted_proposal_from_the_programme_page(cast, event):
    presentation = present_accepted_proposal(decided(cast))
    session = make_session(event, title="Parallel session on inclusion")
    secretary = client_for(person_with_role(Role.SECRETARIAT, totp=True))
    manage = reverse("events:programme-manage", kwargs={"slug": event.slug})
    edit = reverse(
        "events:programme-presentation-edit", kwargs={"slug": event.slug, "pk": presentation.pk}
    )
    schedule = reverse("events:programme", kwargs={"slug": event.slug})

    page = secretary.get(manage).content.decode()
    assert "Presentations to place in a session" in page
    assert edit in page
    assert presentation.title not in Client().get(schedule).content.decode()

    form = secretary.get(edit).content.decode()
    assert "Parallel session on inclusion" in form
    assert "Not placed in a session yet" in form
    response = secretary.post(
        edit,
        {
            "title": presentation.title,
            "city": cast.city.pk,
            "speakers": cast.coordinator.email,
            "order": 0,
            "session": session.pk,
        },
    )

    assert response.status_code == 303
    assert Presentation.objects.get().session == session
    assert "Presentations to place in a session" not in secretary.get(manage).content.decode()
    assert presentation.title in Client().get(schedule).content.decode()


@pytest.mark.parametrize(
    ("opens", "closes", "says"),
    [
        (2, 10, "Cities may propose presentations from"),
        (-2, 10, "Cities propose presentations until"),
        (-10, -2, "The call closed on"),
    ],
)
def test_the_event_page_points_to_its_call_for_presentations(opens, closes, says):
    now = timezone.now()
    call = presentations_call(
        opens_at=now + dt.timedelta(days=opens), closes_at=now + dt.timedelta(days=closes)
    )
    event = EventFactory(presentation_call=call)

    page = Client().get(event.get_absolute_url()).content.decode()

    assert "Call for presentations" in page
    assert says in page
    assert reverse("calls:join-call", kwargs={"pk": call.pk}) in page


# Through the engine ---------------------------------------------------------------


def test_releasing_the_call_adds_its_accepted_proposals_to_the_event(reviewed):  # noqa: F811
    call = reviewed["call"]
    cork_cast, cork = reviewed["cork"]
    event = EventFactory(presentation_call=call)
    decide(reviewed)

    run_release(start_release(call, actor=cork_cast.secretary))

    presentation = Presentation.objects.get()
    assert (presentation.event, presentation.submission, presentation.city) == (
        event,
        cork,
        cork_cast.city,
    )
    assert presentation.session is None
    assert list(presentation.speakers.all()) == [cork_cast.coordinator]
