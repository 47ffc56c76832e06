"""Registration: places, quotas, approval, the waiting list, offers, substitution, erasure."""

import datetime as dt

import pytest
from django.utils import timezone

from learningcities.common.models import OutboxMessage
from learningcities.events.domain import registrations as domain
from learningcities.events.domain.errors import EventError
from learningcities.events.domain.registrations import (
    ENDORSER,
    HEAD,
    PARTICIPANT,
    SECRETARIAT,
    SYSTEM,
    accept_offer,
    create_delegation,
    expire_offers,
    move_registration,
    substitute_participant,
)
from learningcities.events.domain.retention import erase_due_personal_data, erase_personal_data
from learningcities.events.enums import (
    REGISTRATION_TRANSITIONS,
    Approval,
    DelegationKind,
    EventStatus,
)
from learningcities.events.enums import RegistrationStatus as R
from learningcities.events.models import ParticipantCategory, Quota, Registration
from tests.accounts.factories import city_organisation, make_user
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.events.factories_registration import participant, register
from tests.factories import CityFactory, country

pytestmark = pytest.mark.django_db


def _taken(category) -> int:
    return ParticipantCategory.objects.get(pk=category.pk).places_taken


def test_register_in_automatic_category_confirms_and_takes_a_place():
    category = CategoryFactory(capacity=2)

    registration = register(category)

    assert registration.status == R.CONFIRMED
    assert _taken(category) == 1
    assert len(registration.badge_code) >= 8


def test_register_in_category_needing_approval_waits_for_it():
    category = CategoryFactory(approval=Approval.NATIONAL_COMMISSION, capacity=2)

    registration = register(category)

    assert registration.status == R.PENDING
    assert _taken(category) == 1


def test_register_in_full_category_joins_waiting_list_without_a_place():
    category = CategoryFactory(capacity=1)
    register(category)

    waiting = register(category)

    assert waiting.status == R.WAITING
    assert _taken(category) == 1


def test_register_behind_people_waiting_joins_the_list_even_if_a_place_is_free():
    category = CategoryFactory(capacity=1)
    first = register(category)
    second = register(category)
    ParticipantCategory.objects.filter(pk=category.pk).update(capacity=2)  # one more place

    third = register(category)

    assert (first.status, second.status, third.status) == (R.CONFIRMED, R.WAITING, R.WAITING)


def test_register_refused_when_registration_not_open():
    category = CategoryFactory(event=EventFactory(status=EventStatus.PLANNED))

    with pytest.raises(EventError) as raised:
        register(category)

    assert raised.value.code == "registration_closed"
    assert Registration.objects.count() == 0


def test_register_refused_after_the_category_deadline():
    now = timezone.now()
    category = CategoryFactory(closes_at=now - dt.timedelta(minutes=1))

    with pytest.raises(EventError) as raised:
        register(category, now=now)

    assert raised.value.code == "registration_closed"


def test_register_refused_for_an_address_already_registered():
    category = CategoryFactory()
    register(category, email="lan@example.org")

    with pytest.raises(EventError) as raised:
        register(category, email="LAN@example.org")

    assert raised.value.code == "already_registered"
    assert _taken(category) == 1


def test_register_refused_when_city_quota_is_used_up():
    event = EventFactory(places_per_city=2)
    category = CategoryFactory(event=event)
    city = CityFactory(country=country("VN"), name="Vinh")
    register(category, city=city)
    register(category, city=city)

    with pytest.raises(EventError) as raised:
        register(category, city=city)

    assert raised.value.code == "city_quota_full"
    assert "Vinh" in raised.value.message
    assert _taken(category) == 2
    assert Quota.objects.get(event=event, city=city).taken == 2


def test_register_refused_when_country_quota_is_used_up_and_city_place_given_back():
    event = EventFactory(places_per_country=1)
    category = CategoryFactory(event=event)
    register(category, city=CityFactory(country=country("VN")))
    second_city = CityFactory(country=country("VN"))

    with pytest.raises(EventError) as raised:
        register(category, city=second_city)

    assert raised.value.code == "country_quota_full"
    assert not Quota.objects.filter(event=event, city=second_city, taken__gt=0).exists()


def test_quota_override_for_a_host_country():
    event = EventFactory(places_per_country=1)
    Quota.objects.create(event=event, country=country("IE"), places=3)
    category = CategoryFactory(event=event)

    statuses = [register(category).status for _ in range(3)]

    assert statuses == [R.CONFIRMED] * 3


def test_category_outside_quotas_is_not_counted():
    event = EventFactory(places_per_country=1)
    staff = CategoryFactory(event=event, kind="staff", counts_in_quotas=False)
    delegates = CategoryFactory(event=event)
    register(staff)
    register(staff)

    assert register(delegates).status == R.CONFIRMED


def test_endorser_confirms_pending_registration():
    category = CategoryFactory(approval=Approval.NATIONAL_COMMISSION)
    registration = register(category)
    endorser = make_user()

    moved = move_registration(registration, R.CONFIRMED, actor=endorser, role=ENDORSER)

    assert moved.status == R.CONFIRMED
    assert (moved.decided_by, moved.decided_at is not None) == (endorser, True)


def test_decline_needs_a_reason_and_frees_the_place():
    category = CategoryFactory(approval=Approval.SECRETARIAT, capacity=1)
    registration = register(category)

    with pytest.raises(EventError) as raised:
        move_registration(registration, R.DECLINED, actor=None, role=SECRETARIAT)
    assert raised.value.code == "reason_required"

    move_registration(registration, R.DECLINED, actor=None, role=SECRETARIAT, reason="Duplicate")
    assert _taken(category) == 0
    assert Registration.objects.get(pk=registration.pk).reason == "Duplicate"


def test_participant_cannot_confirm_their_own_pending_registration():
    registration = register(CategoryFactory(approval=Approval.SECRETARIAT))

    with pytest.raises(EventError) as raised:
        move_registration(registration, R.CONFIRMED, actor=None, role=PARTICIPANT)

    assert raised.value.code == "not_permitted"


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [
        (source, target)
        for source in R.values
        for target in R.values
        if target not in REGISTRATION_TRANSITIONS[source]
    ],
)
def test_move_refuses_every_pair_the_table_forbids(from_state, to_state):
    registration = register(CategoryFactory())
    Registration.objects.filter(pk=registration.pk).update(status=from_state)

    with pytest.raises(EventError) as raised:
        move_registration(registration, to_state, actor=None, role=SECRETARIAT)

    assert raised.value.code in {"not_allowed", "not_permitted"}
    assert Registration.objects.get(pk=registration.pk).status == from_state


def _role_for(to_state: str) -> str:
    return {
        R.PENDING: PARTICIPANT,
        R.CONFIRMED: SECRETARIAT,
        R.WAITING: SYSTEM,
        R.OFFERED: SYSTEM,
        R.DECLINED: SECRETARIAT,
        R.CANCELLED: HEAD,
        R.EXPIRED: SYSTEM,
    }[to_state]


@pytest.mark.parametrize(
    ("from_state", "to_state"),
    [
        (source, target)
        for source, targets in REGISTRATION_TRANSITIONS.items()
        for target in sorted(targets)
    ],
)
def test_move_allows_every_pair_of_the_table(from_state, to_state):
    now = timezone.now()
    registration = register(CategoryFactory(), now=now)
    Registration.objects.filter(pk=registration.pk).update(
        status=from_state,
        offer_expires_at=now - dt.timedelta(hours=1)
        if to_state == R.EXPIRED
        else now + dt.timedelta(hours=1),
    )

    moved = move_registration(
        registration, to_state, actor=None, role=_role_for(to_state), reason="Because", now=now
    )

    assert moved.status == to_state


def test_cancellation_offers_the_place_to_the_first_waiting():
    category = CategoryFactory(capacity=1)
    holder = register(category)
    first_waiting = register(category, language="vi")
    second_waiting = register(category)
    now = timezone.now()

    move_registration(holder, R.CANCELLED, actor=None, role=PARTICIPANT, now=now)

    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert (first_waiting.status, second_waiting.status) == (R.OFFERED, R.WAITING)
    assert first_waiting.offer_expires_at == now + dt.timedelta(hours=category.event.offer_hours)
    assert _taken(category) == 1
    offer = OutboxMessage.objects.filter(template_code="events.registration.offered").get()
    assert (offer.recipients, offer.language) == ([first_waiting.email], "vi")


def test_accepting_an_offer_confirms_or_awaits_approval():
    automatic = CategoryFactory(capacity=1)
    holder = register(automatic)
    waiting = register(automatic)
    move_registration(holder, R.CANCELLED, actor=None, role=PARTICIPANT)

    assert accept_offer(waiting, actor=None).status == R.CONFIRMED

    approved = CategoryFactory(capacity=1, approval=Approval.SECRETARIAT, kind="press")
    holder = register(approved)
    waiting = register(approved)
    move_registration(holder, R.CANCELLED, actor=None, role=PARTICIPANT)
    assert accept_offer(waiting, actor=None).status == R.PENDING


def test_offer_cannot_be_taken_up_after_it_expired():
    category = CategoryFactory(capacity=1)
    holder = register(category)
    waiting = register(category)
    now = timezone.now()
    move_registration(holder, R.CANCELLED, actor=None, role=PARTICIPANT, now=now)
    later = now + dt.timedelta(hours=category.event.offer_hours, seconds=1)

    with pytest.raises(EventError) as raised:
        accept_offer(waiting, actor=None, now=later)

    assert raised.value.code == "offer_expired"


def test_expire_offers_passes_the_place_on_and_runs_once():
    category = CategoryFactory(capacity=1)
    holder = register(category)
    first = register(category)
    second = register(category)
    now = timezone.now()
    move_registration(holder, R.CANCELLED, actor=None, role=PARTICIPANT, now=now)
    later = now + dt.timedelta(hours=category.event.offer_hours, seconds=1)

    assert expire_offers(now=later) == 1
    assert expire_offers(now=later) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (R.EXPIRED, R.OFFERED)
    assert _taken(category) == 1


def test_offer_skips_a_waiting_person_whose_city_has_no_places_left():
    event = EventFactory(places_per_city=1)
    category = CategoryFactory(event=event, capacity=1)
    vinh = CityFactory(country=country("VN"), name="Vinh")
    holder = register(category, city=CityFactory(country=country("VN")))
    register(CategoryFactory(event=event, kind="mayor"), city=vinh)  # Vinh's one place
    from_vinh = register(category, city=CityFactory(country=country("VN")))
    Registration.objects.filter(pk=from_vinh.pk).update(city=vinh)
    other = register(category, city=CityFactory(country=country("VN")))

    move_registration(holder, R.CANCELLED, actor=None, role=PARTICIPANT)

    from_vinh.refresh_from_db()
    other.refresh_from_db()
    assert (from_vinh.status, other.status) == (R.WAITING, R.OFFERED)


def test_cancelling_from_the_waiting_list_frees_nothing():
    category = CategoryFactory(capacity=1)
    register(category)
    waiting = register(category)

    move_registration(waiting, R.CANCELLED, actor=None, role=PARTICIPANT)

    assert _taken(category) == 1


def _city_delegation(event, city):
    head = make_user()
    organisation = city_organisation()
    return create_delegation(
        event, kind=DelegationKind.CITY, organisation=organisation, head=head, city=city
    )


def test_delegation_registers_only_its_own_city_and_country():
    event = EventFactory()
    category = CategoryFactory(event=event)
    vinh = CityFactory(country=country("VN"), name="Vinh")
    delegation = _city_delegation(event, vinh)

    with pytest.raises(EventError) as raised:
        register(category, delegation=delegation, city=CityFactory(country=country("VN")))
    assert raised.value.code == "wrong_city"

    with pytest.raises(EventError) as raised:
        register(category, delegation=delegation, city=vinh, country=country("FR"))
    assert raised.value.code == "wrong_country"

    assert register(category, delegation=delegation, city=vinh).delegation == delegation


def test_second_delegation_of_a_city_is_refused_naming_its_head():
    event = EventFactory()
    city = CityFactory(country=country("VN"))
    first = _city_delegation(event, city)

    with pytest.raises(EventError) as raised:
        _city_delegation(event, city)

    assert raised.value.code == "delegation_exists"
    assert first.head.email in raised.value.message


def test_substitute_takes_over_the_place_and_needs_approval_again():
    category = CategoryFactory(capacity=1, approval=Approval.NATIONAL_COMMISSION)
    original = register(category)
    move_registration(original, R.CONFIRMED, actor=None, role=ENDORSER)

    new = substitute_participant(
        original, participant=participant(name="Trần Văn Minh"), actor=None
    )

    original.refresh_from_db()
    assert (original.status, new.status, new.substitute_for) == (R.CANCELLED, R.PENDING, original)
    assert new.badge_code != original.badge_code
    assert _taken(category) == 1


def test_substitute_refused_for_a_person_without_a_place():
    category = CategoryFactory(capacity=1)
    register(category)
    waiting = register(category)

    with pytest.raises(EventError) as raised:
        substitute_participant(waiting, participant=participant(), actor=None)

    assert raised.value.code == "not_allowed"


def test_mail_goes_to_participant_and_head_each_in_their_language():
    event = EventFactory()
    city = CityFactory(country=country("VN"))
    delegation = _city_delegation(event, city)
    delegation.head.language = "fr"
    delegation.head.save(update_fields=["language"])
    category = CategoryFactory(event=event)

    register(category, delegation=delegation, city=city, language="vi")

    registration = Registration.objects.get()
    sent = sorted(
        (m.recipients, m.language)
        for m in OutboxMessage.objects.filter(template_code="events.registration.status")
    )
    assert sent == sorted([([registration.email], "vi"), ([delegation.head.email], "fr")])


def test_erase_personal_data_keeps_counts_and_runs_once():
    event = EventFactory(starts_on=dt.date(2024, 12, 3), ends_on=dt.date(2024, 12, 5))
    category = CategoryFactory(event=event)
    Registration.objects.create(
        event=event,
        category=category,
        name="Lan",
        email="lan@example.org",
        country=country("VN"),
        status=R.CONFIRMED,
        registered_at=timezone.now(),
        passport_number="C1234567",
        badge_code="ABCDEFGHJK",
    )
    event.retention_until = dt.date(2025, 6, 30)
    event.save(update_fields=["retention_until"])

    assert erase_due_personal_data() == 1
    assert erase_due_personal_data() == 0
    row = Registration.objects.get()
    assert (row.passport_number, row.email.endswith("@invalid"), row.status) == (
        "",
        True,
        R.CONFIRMED,
    )
    assert "Lan" not in row.name


def test_erase_personal_data_refused_before_the_event_ends():
    event = EventFactory()

    with pytest.raises(EventError) as raised:
        erase_personal_data(event)

    assert raised.value.code == "event_not_over"


def test_domain_module_names_its_roles():
    assert {
        domain.PARTICIPANT,
        domain.HEAD,
        domain.SECRETARIAT,
        domain.ENDORSER,
        domain.SYSTEM,
    } == {"participant", "head", "secretariat", "endorser", "system"}


def test_reminders_go_once_to_confirmed_participants_of_events_starting_soon():
    from learningcities.events.domain.notices import send_reminders

    today = timezone.localdate()
    soon = EventFactory(
        starts_on=today + dt.timedelta(days=5), ends_on=today + dt.timedelta(days=6)
    )
    later = EventFactory(
        starts_on=today + dt.timedelta(days=30), ends_on=today + dt.timedelta(days=31)
    )
    confirmed = register(CategoryFactory(event=soon), language="ar")
    register(CategoryFactory(event=soon, kind="press", approval=Approval.SECRETARIAT))  # pending
    register(CategoryFactory(event=later))

    assert send_reminders() == 1
    assert send_reminders() == 0
    reminder = OutboxMessage.objects.get(template_code="events.registration.reminder")
    assert (reminder.recipients, reminder.language) == ([confirmed.email], "ar")
    assert confirmed.badge_code in reminder.body


def test_participants_are_told_when_the_dates_change_and_not_for_the_theme():
    from learningcities.events.domain.events import update_event

    event = EventFactory()
    registration = register(CategoryFactory(event=event), language="fr")

    update_event(event, actor=None, theme="Learning for climate action")
    assert not OutboxMessage.objects.filter(template_code="events.event.changed").exists()

    update_event(event, actor=None, starts_on=event.starts_on + dt.timedelta(days=1))
    told = OutboxMessage.objects.get(template_code="events.event.changed")
    assert (told.recipients, told.language) == ([registration.email], "fr")
