"""The participant list of an event and its CSV: host organisers and the secretariat only."""

import pytest
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.events.enums import RegistrationStatus as R
from tests.accounts.factories import person_with_role
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.events.factories_registration import register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    pass


def _organiser_of(event):
    user = person_with_role(Role.COORDINATOR)
    event.organisers.add(user.affiliations.get().organisation)
    return user


def test_organiser_lists_and_filters_participants(client):
    event = EventFactory(slug="forum")
    category = CategoryFactory(event=event, capacity=1)
    register(category, name="Amina Diallo")
    register(category, name="Bui Lan")
    client.force_login(_organiser_of(event))

    waiting = client.get(
        reverse("events:participants", kwargs={"slug": "forum"}), {"status": R.WAITING}
    )

    assert "Bui Lan" in waiting.text
    assert "Amina Diallo" not in waiting.text


def test_organiser_of_another_event_is_refused(client):
    event = EventFactory(slug="forum")
    register(CategoryFactory(event=event), name="Amina Diallo")
    client.force_login(_organiser_of(EventFactory()))

    response = client.get(reverse("events:participants", kwargs={"slug": "forum"}))

    assert response.status_code == 403


def test_csv_defuses_formulas_and_leaves_out_passports(client):
    event = EventFactory(slug="forum")
    registration = register(CategoryFactory(event=event), name="=HYPERLINK(1)")
    registration.passport_number = "C7654321"
    registration.save(update_fields=["passport_number"])
    client.force_login(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.get(reverse("events:participants-csv", kwargs={"slug": "forum"}))

    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[1].startswith("'=HYPERLINK(1)")
    assert "C7654321" not in body


@pytest.mark.parametrize("count", [1, 3])
def test_participant_list_queries_do_not_grow(client, django_assert_max_num_queries, count):
    event = EventFactory(slug="forum")
    category = CategoryFactory(event=event)
    for _ in range(count):
        register(category)
    client.force_login(_organiser_of(event))
    url = reverse("events:participants", kwargs={"slug": "forum"})
    client.get(url)

    with django_assert_max_num_queries(14):
        response = client.get(url)

    assert response.text.count("/events/registrations/") == count
