"""The desk page, its counts, check-in and undo, badges and letters: views and permissions."""

import pytest
from django.test import Client
from django.urls import reverse

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.events.domain.checkin import check_in
from learningcities.events.enums import CategoryKind, RegistrationStatus
from learningcities.events.models import Registration
from tests.accounts.factories import make_user, organisation, person_with_role
from tests.events.factories_desk import RegistrationFactory
from tests.events.factories_events import CategoryFactory, EventFactory

pytestmark = pytest.mark.django_db
S = RegistrationStatus


@pytest.fixture(autouse=True)
def _fast(private_root, fast_password_hashing):
    pass


@pytest.fixture
def host():
    return organisation(OrganisationKind.CITY)


@pytest.fixture
def event(host):
    return EventFactory(organisers=[host], title="Sixth conference")


@pytest.fixture
def organiser(host):
    person = make_user(name="Desk Person")
    add_affiliation(host, user=person, role=Role.COORDINATOR, actor=None)
    return person


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def desk_url(event) -> str:
    return reverse("events:desk", kwargs={"slug": event.slug})


def check_in_url(registration) -> str:
    return reverse(
        "events:desk-check-in", kwargs={"slug": registration.event.slug, "pk": registration.pk}
    )


# --- permissions -------------------------------------------------------------------------


def _refused_people():
    other_host = organisation(OrganisationKind.CITY)
    other_organiser = make_user()
    add_affiliation(other_host, user=other_organiser, role=Role.COORDINATOR, actor=None)
    EventFactory(organisers=[other_host])
    return {
        "coordinator": person_with_role(Role.COORDINATOR),
        "endorser": person_with_role(Role.ENDORSER),
        "juror": person_with_role(Role.JUROR, totp=True),
        "other event's organiser": other_organiser,
    }


@pytest.mark.parametrize("name", ["events:desk", "events:desk-counts", "events:badges"])
def test_desk_pages_refused_to_other_roles(event, name):
    url = reverse(name, kwargs={"slug": event.slug})

    statuses = {
        role: client_for(user).get(url).status_code for role, user in _refused_people().items()
    }
    anonymous = Client().get(url)

    assert statuses == dict.fromkeys(statuses, 403)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))


def test_check_in_post_refused_to_other_roles(event):
    registration = RegistrationFactory(category=CategoryFactory(event=event))

    statuses = {
        role: client_for(user).post(check_in_url(registration), {"desk": "X"}).status_code
        for role, user in _refused_people().items()
    }

    assert statuses == dict.fromkeys(statuses, 403)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_desk_of_a_missing_event_is_404(organiser):
    response = client_for(organiser).get(reverse("events:desk", kwargs={"slug": "nope"}))

    assert response.status_code == 404


# --- the desk ----------------------------------------------------------------------------


def test_desk_search_by_name_lists_the_person_with_a_check_in_button(event, organiser):
    registration = RegistrationFactory(category=CategoryFactory(event=event), name="Nguyễn Thị Hà")

    response = client_for(organiser).get(desk_url(event), {"q": "nguyen", "desk": "Hall A"})

    assert response.status_code == 200
    assert [row["registration"].pk for row in response.context["rows"]] == [registration.pk]
    assert check_in_url(registration) in response.content.decode()
    assert response.context["desk_name"] == "Hall A"


def test_desk_search_by_badge_code_goes_straight_to_the_person(event, organiser):
    category = CategoryFactory(event=event)
    wanted = RegistrationFactory(category=category)
    RegistrationFactory(category=category)

    response = client_for(organiser).get(desk_url(event), {"q": wanted.badge_code.lower()})

    assert response.context["search"].by_code is True
    assert [row["registration"].pk for row in response.context["rows"]] == [wanted.pk]


def test_desk_check_in_then_double_check_in_shows_the_refusal(event, organiser):
    registration = RegistrationFactory(category=CategoryFactory(event=event), name="Jürgen Müller")
    client = client_for(organiser)

    first = client.post(check_in_url(registration), {"desk": "Hall A", "q": "muller"})
    second = client_for(person_with_role(Role.SECRETARIAT, totp=True)).post(
        check_in_url(registration), {"desk": "Hall B", "q": "muller"}
    )

    assert first.status_code == 302
    assert first["Location"] == desk_url(event) + "?q=muller"
    saved = Registration.objects.get(pk=registration.pk)
    assert (saved.checked_in_by, saved.check_in_desk) == (organiser, "Hall A")
    assert second.status_code == 409
    assert second.context["refusal"].startswith(
        "Jürgen Müller was already checked in by Desk Person at desk “Hall A” on "
    )
    assert 'role="alert"' in second.content.decode()


def test_desk_check_in_of_a_pending_registration_is_refused(event, organiser):
    registration = RegistrationFactory(category=CategoryFactory(event=event), status=S.PENDING)

    response = client_for(organiser).post(check_in_url(registration), {"desk": "Hall A"})

    assert response.status_code == 409
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_desk_check_in_of_another_events_registration_is_404(event, organiser):
    elsewhere = RegistrationFactory()
    url = reverse("events:desk-check-in", kwargs={"slug": event.slug, "pk": elsewhere.pk})

    response = client_for(organiser).post(url, {"desk": "Hall A"})

    assert response.status_code == 404
    assert Registration.objects.get(pk=elsewhere.pk).checked_in_at is None


def test_undo_check_in_refused_to_organiser_and_done_by_secretariat(event, organiser):
    registration = RegistrationFactory(category=CategoryFactory(event=event))
    check_in(registration, actor=organiser, desk="Hall A")
    url = reverse("events:desk-undo-check-in", kwargs={"slug": event.slug, "pk": registration.pk})

    refused = client_for(organiser).post(url)
    done = client_for(person_with_role(Role.SECRETARIAT, totp=True)).post(url)

    assert (refused.status_code, done.status_code) == (403, 302)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_desk_counts_fragment_and_page(event, organiser, django_assert_max_num_queries):
    delegates = CategoryFactory(event=event, kind=CategoryKind.CITY_DELEGATE)
    arrived = RegistrationFactory(category=delegates)
    RegistrationFactory(category=delegates)
    check_in(arrived, actor=organiser, desk="A")
    client = client_for(organiser)
    url = reverse("events:desk-counts", kwargs={"slug": event.slug})

    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true"})

    assert [(r.confirmed, r.checked_in) for r in page.context["counts"]] == [(2, 1)]
    # No automatic refresh (WCAG 2.2.1): the page reloads when asked.
    assert 'http-equiv="refresh"' not in page.content.decode()
    assert fragment.content.decode().startswith('<div id="desk-counts"')


@pytest.mark.parametrize("extra", [1, 3])
def test_desk_search_query_count_does_not_grow(event, organiser, django_assert_num_queries, extra):
    category = CategoryFactory(event=event)
    for n in range(extra):
        RegistrationFactory(category=category, name=f"Ana {n}")
    client = client_for(organiser)
    client.get(desk_url(event), {"q": "ana"})  # warm the session and the user's roles

    with django_assert_num_queries(QUERIES_PER_SEARCH):
        response = client.get(desk_url(event), {"q": "ana"})

    assert len(response.context["rows"]) == extra


# The session, the person and their roles, the event and the organiser check, the search
# (two), the counts and the badge filters' choices: the same for 1 or 3 people found.
QUERIES_PER_SEARCH = 9


# --- badges and letters ------------------------------------------------------------------


def test_badges_pdf_for_an_organiser(event, organiser):
    RegistrationFactory(category=CategoryFactory(event=event))

    response = client_for(organiser).get(reverse("events:badges", kwargs={"slug": event.slug}))

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF")


def test_badges_with_a_category_of_another_event_is_refused(event, organiser):
    foreign = CategoryFactory()

    response = client_for(organiser).get(
        reverse("events:badges", kwargs={"slug": event.slug}), {"category": foreign.pk}
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def letter_url(registration, kind="invitation") -> str:
    return reverse("events:letter", kwargs={"pk": registration.pk, "kind": kind})


def test_letter_for_the_person_themself(event):
    person = make_user()
    registration = RegistrationFactory(category=CategoryFactory(event=event), user=person)

    response = client_for(person).get(letter_url(registration))

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_letter_hidden_from_other_roles(event):
    registration = RegistrationFactory(category=CategoryFactory(event=event), user=make_user())

    statuses = {
        role: client_for(user).get(letter_url(registration)).status_code
        for role, user in _refused_people().items()
    }

    assert statuses == dict.fromkeys(statuses, 404)
    assert Client().get(letter_url(registration)).status_code == 302


def test_visa_letter_refused_when_not_asked_for(event, organiser):
    registration = RegistrationFactory(category=CategoryFactory(event=event))

    response = client_for(organiser).get(letter_url(registration, "visa"))

    assert response.status_code == 409
    assert "did not ask for a visa-support letter" in response.content.decode()


def test_letter_of_a_pending_registration_is_refused(event, organiser):
    registration = RegistrationFactory(category=CategoryFactory(event=event), status=S.PENDING)

    response = client_for(organiser).get(letter_url(registration))

    assert response.status_code == 409


def test_letter_of_an_unknown_kind_is_404(event, organiser):
    registration = RegistrationFactory(category=CategoryFactory(event=event))

    response = client_for(organiser).get(letter_url(registration, "diploma"))

    assert response.status_code == 404
