"""A presentation links a good practice of the library; the schedule shows it while published."""

import pytest
from django.test import Client
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.events.domain.errors import EventError
from learningcities.events.domain.programme import create_presentation, update_presentation
from learningcities.practices.domain.moderation import move_practice
from learningcities.practices.enums import PracticeStatus
from tests.accounts.factories import person_with_role
from tests.events.factories_programme import EventFactory, make_session
from tests.practices.factories import make_practice, secretariat_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return person_with_role(Role.SECRETARIAT, totp=True)


def _edit_url(presentation) -> str:
    return reverse(
        "events:programme-presentation-edit",
        kwargs={"slug": presentation.event.slug, "pk": presentation.pk},
    )


def test_the_secretariat_links_a_practice_by_its_address_and_the_schedule_shows_it(staff):
    practice = make_practice(publish=True, title="Reading rooms on the ferries")
    event = EventFactory()
    session = make_session(event, title="Learning on the move")
    presentation = create_presentation(session, actor=staff, title="Ferries that read")
    client = Client()
    client.force_login(staff)
    response = client.post(
        _edit_url(presentation),
        {
            "title": "Ferries that read",
            "practice": f"https://cities.example.org/fr{practice.get_absolute_url()}",
            "session": session.pk,
            "order": 0,
        },
    )
    assert response.status_code == 303
    presentation.refresh_from_db()
    assert presentation.practice == practice
    schedule = Client().get(reverse("events:programme", kwargs={"slug": event.slug})).text
    assert "Good practice: Reading rooms on the ferries" in schedule
    assert practice.get_absolute_url() in schedule

    # Taken out of the library: the cached schedule no longer links it.
    move_practice(
        practice, PracticeStatus.UNPUBLISHED, actor=secretariat_person(), comment="Ended."
    )
    schedule = Client().get(reverse("events:programme", kwargs={"slug": event.slug})).text
    assert "Reading rooms on the ferries" not in schedule


def test_only_a_published_practice_can_be_linked(staff):
    draft = make_practice(title="Not yet public")
    event = EventFactory()
    session = make_session(event)
    presentation = create_presentation(session, actor=staff, title="Talk")
    client = Client()
    client.force_login(staff)
    response = client.post(
        _edit_url(presentation),
        {"title": "Talk", "practice": str(draft.pk), "session": session.pk, "order": 0},
    )
    assert response.status_code == 200  # the form again, with its error
    assert f"No published practice has the number or address “{draft.pk}”." in response.text
    with pytest.raises(EventError):
        update_presentation(presentation, actor=staff, title="Talk", practice=draft)
    presentation.refresh_from_db()
    assert presentation.practice is None


def test_the_practice_page_lists_its_presentations_and_follows_their_changes(staff):
    practice = make_practice(publish=True, title="Reading rooms on the ferries")
    event = EventFactory(title="Cluster meeting on literacy")
    session = make_session(event, title="Learning on the move")
    page_url = practice.get_absolute_url()
    visitor = Client()
    assert "Presented at" not in visitor.get(page_url).text  # cached without the section

    presentation = create_presentation(
        session, actor=staff, title="Ferries that read", practice=practice
    )
    page = visitor.get(page_url).text
    assert "Presented at" in page
    assert "Ferries that read" in page
    assert reverse("events:programme", kwargs={"slug": event.slug}) in page

    # The event renamed: the visitor's cached page follows.
    event.title = "Literacy cluster meeting"
    event.save()
    assert "Literacy cluster meeting" in visitor.get(page_url).text

    # The link taken off: gone from the page.
    update_presentation(presentation, actor=staff, title="Ferries that read", practice=None)
    assert "Ferries that read" not in visitor.get(page_url).text
