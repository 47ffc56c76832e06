"""Registration pages: delegations, delegates and their form, the personal link, approvals."""

import pytest
from django.urls import reverse

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.demo.domain.event_registration import ensure_registration_form
from learningcities.events.domain.notices import registration_token
from learningcities.events.domain.registrations import create_delegation
from learningcities.events.enums import Approval, CategoryKind, DelegationKind
from learningcities.events.enums import RegistrationStatus as R
from learningcities.events.models import Delegation, Registration
from tests.accounts.factories import make_user, organisation, person_with_role
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.events.factories_registration import register
from tests.factories import CityFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(fast_password_hashing):
    pass


def _coordinator_of(city):
    user = make_user()
    org = organisation(OrganisationKind.CITY)
    org.city = city
    org.country = city.country
    org.save(update_fields=["city", "country"])
    add_affiliation(org, user=user, role=Role.COORDINATOR, actor=None)
    return user, org


def _endorser_of(code: str):
    user = make_user()
    add_affiliation(
        organisation(OrganisationKind.NATIONAL_COMMISSION, country=country(code)),
        user=user,
        role=Role.ENDORSER,
        actor=None,
    )
    return user


@pytest.fixture
def world():
    event = EventFactory(slug="hanoi-meeting")
    vinh = CityFactory(country=country("VN"), name="Vinh")
    coordinator, org = _coordinator_of(vinh)
    delegates = CategoryFactory(
        event=event, approval=Approval.NATIONAL_COMMISSION, questionnaire=ensure_registration_form()
    )
    return {
        "event": event,
        "city": vinh,
        "coordinator": coordinator,
        "org": org,
        "delegates": delegates,
    }


def test_coordinator_opens_city_delegation_from_register_page(client, world):
    client.force_login(world["coordinator"])
    page = client.get(reverse("events:register", kwargs={"slug": "hanoi-meeting"}))
    assert "Register the delegation of Vinh" in page.text

    response = client.post(
        reverse("events:open-delegation", kwargs={"slug": "hanoi-meeting"}),
        {"kind": "city", "key": world["city"].pk},
    )

    delegation = Delegation.objects.get()
    assert response.url == reverse("events:delegation", kwargs={"pk": delegation.pk})
    assert (delegation.kind, delegation.city, delegation.head) == (
        DelegationKind.CITY,
        world["city"],
        world["coordinator"],
    )


def test_open_delegation_for_another_city_is_not_found(client, world):
    client.force_login(world["coordinator"])
    other = CityFactory(country=country("VN"))

    response = client.post(
        reverse("events:open-delegation", kwargs={"slug": "hanoi-meeting"}),
        {"kind": "city", "key": other.pk},
    )

    assert response.status_code == 404
    assert not Delegation.objects.exists()


def _delegation(world):
    return create_delegation(
        world["event"],
        kind=DelegationKind.CITY,
        organisation=world["org"],
        head=world["coordinator"],
        city=world["city"],
    )


def _delegate_post(world, **extra):
    data = {
        "p-name": "Nguyễn Thị Lan",
        "p-email": "lan@example.org",
        "p-city": world["city"].pk,
        "p-language": "vi",
        "answer-R1.2": "yes",
        "answer-R2.1": "Vegetarian",
    }
    data.update(extra)
    return data


def test_add_delegate_stores_details_and_answers(client, world):
    delegation = _delegation(world)
    client.force_login(world["coordinator"])
    url = reverse(
        "events:delegate-add", kwargs={"pk": delegation.pk, "category_pk": world["delegates"].pk}
    )

    response = client.post(url, _delegate_post(world))

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.name, registration.status, registration.language) == (
        "Nguyễn Thị Lan",
        R.PENDING,
        "vi",
    )
    answers = {
        a.criterion.code: (a.text_value, a.boolean_value) for a in registration.answers.all()
    }
    assert answers["R1.2"] == ("", True)
    assert answers["R2.1"] == ("Vegetarian", None)


def test_add_delegate_without_required_answer_is_refused_and_names_it(client, world):
    delegation = _delegation(world)
    client.force_login(world["coordinator"])
    url = reverse(
        "events:delegate-add", kwargs={"pk": delegation.pk, "category_pk": world["delegates"].pk}
    )

    response = client.post(url, _delegate_post(world, **{"answer-R1.2": ""}))

    assert response.status_code == 400
    assert "Taking part in the site visits" in response.text
    assert not Registration.objects.exists()


def test_visa_letter_needs_passport_number(client, world):
    delegation = _delegation(world)
    client.force_login(world["coordinator"])
    url = reverse(
        "events:delegate-add", kwargs={"pk": delegation.pk, "category_pk": world["delegates"].pk}
    )

    response = client.post(url, _delegate_post(world, **{"p-needs_visa_letter": "on"}))

    assert response.status_code == 400
    assert "A visa-support letter needs this." in response.text


def test_delegate_refused_by_quota_shows_the_reason(client, world):
    world["event"].places_per_city = 1
    world["event"].save(update_fields=["places_per_city"])
    delegation = _delegation(world)
    register(world["delegates"], city=world["city"], delegation=delegation)
    client.force_login(world["coordinator"])
    url = reverse(
        "events:delegate-add", kwargs={"pk": delegation.pk, "category_pk": world["delegates"].pk}
    )

    response = client.post(url, _delegate_post(world))

    assert response.status_code == 409
    assert "Vinh has no places left at this event" in response.text
    assert Registration.objects.count() == 1


def test_endorser_approves_from_the_queue_and_other_endorser_cannot(client, world):
    registration = register(world["delegates"], city=world["city"])
    endorser = _endorser_of("VN")
    stranger = _endorser_of("FR")

    client.force_login(stranger)
    assert registration.name not in client.get(reverse("events:approvals")).text
    move = reverse("events:registration-move", kwargs={"pk": registration.pk})
    assert client.post(move, {"action": "confirm"}).status_code == 404

    client.force_login(endorser)
    assert registration.name in client.get(reverse("events:approvals")).text
    response = client.post(move, {"action": "confirm", "next": "approvals"})

    assert response.url == reverse("events:approvals")
    registration.refresh_from_db()
    assert (registration.status, registration.decided_by) == (R.CONFIRMED, endorser)


def test_head_of_delegation_cannot_approve_its_own_delegate(client, world):
    delegation = _delegation(world)
    registration = register(world["delegates"], city=world["city"], delegation=delegation)
    client.force_login(world["coordinator"])

    response = client.post(
        reverse("events:registration-move", kwargs={"pk": registration.pk}), {"action": "confirm"}
    )

    assert response.status_code == 403
    assert Registration.objects.get().status == R.PENDING


def test_cancel_needs_the_confirmation_box(client, world):
    delegation = _delegation(world)
    registration = register(world["delegates"], city=world["city"], delegation=delegation)
    client.force_login(world["coordinator"])
    url = reverse("events:registration-move", kwargs={"pk": registration.pk})

    client.post(url, {"action": "cancel"})
    assert Registration.objects.get().status == R.PENDING

    client.post(url, {"action": "cancel", "confirm": "yes"})
    assert Registration.objects.get().status == R.CANCELLED


def test_observer_registers_without_account_and_follows_personal_link(client, world):
    observers = CategoryFactory(
        event=world["event"], kind=CategoryKind.OBSERVER, is_open_to_public=True, capacity=1
    )
    register(observers)
    url = reverse(
        "events:register-self", kwargs={"slug": "hanoi-meeting", "category_pk": observers.pk}
    )

    response = client.post(
        url,
        {
            "p-name": "Amina Diallo",
            "p-email": "amina@example.org",
            "p-country": "SN",
            "p-city_name": "Thiès",
            "p-language": "fr",
        },
    )

    registration = Registration.objects.get(email="amina@example.org")
    assert response.url == reverse(
        "events:registration-token", kwargs={"token": registration_token(registration)}
    )
    page = client.get(response.url)
    assert "On the waiting list" in page.text
    assert registration.city_name == "Thiès"


def test_personal_link_takes_up_an_offer(client, world):
    observers = CategoryFactory(
        event=world["event"], kind=CategoryKind.OBSERVER, is_open_to_public=True, capacity=1
    )
    holder = register(observers)
    waiting = register(observers)
    from learningcities.events.domain.registrations import PARTICIPANT, move_registration

    move_registration(holder, R.CANCELLED, actor=None, role=PARTICIPANT)
    token = registration_token(waiting)
    page = client.get(reverse("events:registration-token", kwargs={"token": token}))
    assert "Take up the place" in page.text

    client.post(
        reverse("events:registration-token-move", kwargs={"token": token}), {"action": "accept"}
    )

    waiting.refresh_from_db()
    assert waiting.status == R.CONFIRMED


def test_personal_link_cannot_approve(client, world):
    registration = register(world["delegates"], city=world["city"])
    token = registration_token(registration)

    response = client.post(
        reverse("events:registration-token-move", kwargs={"token": token}), {"action": "confirm"}
    )

    assert response.status_code == 403
    assert Registration.objects.get().status == R.PENDING


def test_substitute_replaces_a_delegate(client, world):
    delegation = _delegation(world)
    registration = register(world["delegates"], city=world["city"], delegation=delegation)
    client.force_login(world["coordinator"])

    response = client.post(
        reverse("events:substitute", kwargs={"pk": registration.pk}),
        _delegate_post(world, **{"p-name": "Trần Minh", "p-email": "minh@example.org"}),
    )

    assert response.url == reverse("events:delegation", kwargs={"pk": delegation.pk})
    new = Registration.objects.get(email="minh@example.org")
    assert (new.substitute_for, new.status) == (registration, R.PENDING)


def test_my_work_shows_delegations_and_approvals(client, world):
    delegation = _delegation(world)
    register(world["delegates"], city=world["city"], delegation=delegation)
    client.force_login(world["coordinator"])
    page = client.get(reverse("accounts:my-work"))
    assert reverse("events:delegation", kwargs={"pk": delegation.pk}) in page.text

    client.force_login(_endorser_of("VN"))
    page = client.get(reverse("accounts:my-work"))
    assert "1 registration waits for your approval" in page.text


@pytest.mark.parametrize("count", [1, 3])
def test_approvals_queue_queries_do_not_grow(client, world, django_assert_max_num_queries, count):
    for _ in range(count):
        register(world["delegates"], city=world["city"])
    client.force_login(_endorser_of("VN"))
    client.get(reverse("events:approvals"))  # warm the session

    with django_assert_max_num_queries(12):
        response = client.get(reverse("events:approvals"))

    assert response.text.count("Approve</button>") == count


@pytest.mark.parametrize("count", [1, 3])
def test_delegation_page_queries_do_not_grow(client, world, django_assert_max_num_queries, count):
    delegation = _delegation(world)
    for _ in range(count):
        register(world["delegates"], city=world["city"], delegation=delegation)
    client.force_login(world["coordinator"])
    url = reverse("events:delegation", kwargs={"pk": delegation.pk})
    client.get(url)

    with django_assert_max_num_queries(14):
        response = client.get(url)

    assert response.text.count("/events/registrations/") == count


def test_juror_and_visitor_refused_the_approvals_queue(client):
    juror = person_with_role(Role.JUROR, totp=True)
    client.force_login(juror)
    assert client.get(reverse("events:approvals")).status_code == 403
    client.logout()
    assert client.get(reverse("events:approvals")).url.startswith(reverse("account_login"))
