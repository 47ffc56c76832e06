"""Check-in at the desks (domain), badge codes and the desk's queries."""

import datetime as dt

import pytest
from django.utils import formats

from learningcities.common.models import ActivityLogEntry
from learningcities.events.domain.checkin import (
    BADGE_ALPHABET,
    check_in,
    new_badge_code,
    undo_check_in,
)
from learningcities.events.domain.errors import EventError
from learningcities.events.domain.queries.desk import check_in_counts, find_participants
from learningcities.events.domain.queries.registrations import registrations_for_user
from learningcities.events.enums import (
    Approval,
    CategoryKind,
    DelegationKind,
    RegistrationStatus,
)
from learningcities.events.models import Delegation, Registration
from tests.accounts.factories import make_user, organisation, person_with_role
from tests.events.factories_desk import RegistrationFactory
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.factories import CityFactory, country

pytestmark = pytest.mark.django_db
S = RegistrationStatus
UTC = dt.UTC
MORNING = dt.datetime(2026, 10, 4, 7, 30, tzinfo=UTC)  # 09:30 in Paris (summer time)


@pytest.fixture
def desk_person():
    return make_user(name="Amina Desk")


def test_check_in_sets_who_where_and_when(desk_person):
    registration = RegistrationFactory()

    check_in(registration, actor=desk_person, desk=" Hall  A ", now=MORNING)

    saved = Registration.objects.get(pk=registration.pk)
    assert (saved.checked_in_at, saved.checked_in_by, saved.check_in_desk) == (
        MORNING,
        desk_person,
        "Hall A",
    )
    entry = ActivityLogEntry.objects.get(action="events.registration.check_in")
    assert (entry.actor, entry.object_id) == (desk_person, str(registration.pk))


def test_second_check_in_refused_naming_who_where_and_when(desk_person):
    registration = RegistrationFactory(name="Lê Văn Tám")
    check_in(registration, actor=desk_person, desk="Hall A", now=MORNING)
    second_desk = make_user(name="Bo Other")

    with pytest.raises(EventError) as refused:
        check_in(
            Registration.objects.get(pk=registration.pk),
            actor=second_desk,
            desk="Hall B",
            now=MORNING + dt.timedelta(minutes=5),
        )

    paris = formats.date_format(dt.datetime(2026, 10, 4, 9, 30), "DATETIME_FORMAT")
    assert refused.value.code == "already_checked_in"
    assert refused.value.message == (
        f"Lê Văn Tám was already checked in by Amina Desk at desk “Hall A” on "
        f"{paris} (Europe/Paris)."
    )
    saved = Registration.objects.get(pk=registration.pk)
    assert (saved.checked_in_by, saved.check_in_desk) == (desk_person, "Hall A")
    assert ActivityLogEntry.objects.filter(action="events.registration.check_in").count() == 1


@pytest.mark.parametrize("status", [S.PENDING, S.WAITING, S.OFFERED, S.CANCELLED, S.DECLINED])
def test_check_in_refused_unless_confirmed(status, desk_person):
    registration = RegistrationFactory(status=status)

    with pytest.raises(EventError) as refused:
        check_in(registration, actor=desk_person, desk="Hall A")

    assert refused.value.code == "not_confirmed"
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_check_in_refused_without_desk_name(desk_person):
    registration = RegistrationFactory()

    with pytest.raises(EventError):
        check_in(registration, actor=desk_person, desk="   ")

    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_undo_check_in_by_secretariat_allows_a_new_check_in(desk_person):
    registration = RegistrationFactory()
    check_in(registration, actor=desk_person, desk="Hall A", now=MORNING)

    undo_check_in(registration, actor=person_with_role("secretariat"))
    check_in(registration, actor=desk_person, desk="Hall C")

    saved = Registration.objects.get(pk=registration.pk)
    assert saved.check_in_desk == "Hall C"
    assert ActivityLogEntry.objects.filter(action="events.registration.check_in").count() == 3


def test_undo_check_in_refused_to_a_desk_person(desk_person):
    registration = RegistrationFactory()
    check_in(registration, actor=desk_person, desk="Hall A", now=MORNING)

    with pytest.raises(EventError) as refused:
        undo_check_in(registration, actor=desk_person)

    assert refused.value.code == "not_permitted"
    assert Registration.objects.get(pk=registration.pk).checked_in_at == MORNING


def test_undo_check_in_refused_when_not_checked_in():
    registration = RegistrationFactory()

    with pytest.raises(EventError) as refused:
        undo_check_in(registration, actor=person_with_role("secretariat"))

    assert refused.value.code == "not_checked_in"


def test_new_badge_code_is_ten_unambiguous_symbols():
    codes = {new_badge_code() for _ in range(2000)}

    assert len(codes) == 2000
    assert {len(code) for code in codes} == {10}
    assert set("".join(codes)) <= set(BADGE_ALPHABET)
    assert not set("01IOL") & set(BADGE_ALPHABET)


# --- the desk's search -----------------------------------------------------------------


@pytest.fixture
def crowd():
    """An event with people of several scripts, cities and states."""
    category = CategoryFactory()
    event = category.event
    sa_dec = CityFactory(name="Sa Đéc", country=country("VN"))
    people = {
        "ha": RegistrationFactory(category=category, name="Nguyễn Thị Hà", city=sa_dec),
        "muller": RegistrationFactory(category=category, name="Jürgen Müller", city_name="Köln"),
        "aswan": RegistrationFactory(category=category, name="فاطمة الزهراء"),
        "wuhan": RegistrationFactory(category=category, name="王小明", organisation_name="武汉市"),
        "gone": RegistrationFactory(category=category, name="Hà Cancelled", status=S.CANCELLED),
    }
    return event, people


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nguyen thi ha", ["ha"]),
        ("NGUYỄN", ["ha"]),
        ("sa dec", ["ha"]),
        ("muller", ["muller"]),
        ("koln jurgen", ["muller"]),
        ("الزهراء", ["aswan"]),
        ("武汉", ["wuhan"]),
        ("nobody", []),
    ],
)
def test_find_participants_folds_accents_and_case(crowd, query, expected):
    event, people = crowd

    search = find_participants(event, query)

    assert [r.pk for r in search.results] == [people[key].pk for key in expected]
    assert search.by_code is False


def test_find_participants_by_badge_code_typed_loosely(crowd):
    event, people = crowd
    code = people["muller"].badge_code
    typed = f" {code[:5].lower()}-{code[5:]} "

    search = find_participants(event, typed)

    assert ([r.pk for r in search.results], search.by_code) == ([people["muller"].pk], True)


def test_find_participants_ignores_another_events_badge(crowd):
    event, _people = crowd
    elsewhere = RegistrationFactory()

    search = find_participants(event, elsewhere.badge_code)

    assert search.results == []


def test_find_participants_excludes_closed_registrations(crowd):
    event, people = crowd

    search = find_participants(event, "ha")

    assert [r.pk for r in search.results] == [people["ha"].pk]


@pytest.mark.parametrize("extra", [0, 2])
def test_find_participants_query_count_is_constant(django_assert_num_queries, crowd, extra):
    event, people = crowd
    for n in range(extra):
        RegistrationFactory(category=people["ha"].category, name=f"Hà {n}")

    with django_assert_num_queries(2):
        search = find_participants(event, "ha")
        [(r.category.name, r.country.code, r.city) for r in search.results]

    assert len(search.results) == 1 + extra


# --- the counts ------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [1, 3])
def test_check_in_counts_by_category_in_one_query(django_assert_num_queries, desk_person, extra):
    event = EventFactory()
    delegates = CategoryFactory(event=event, kind=CategoryKind.CITY_DELEGATE, order=1)
    press = CategoryFactory(event=event, kind=CategoryKind.PRESS, order=2)
    arrived = [RegistrationFactory(category=delegates) for _ in range(extra)]
    RegistrationFactory(category=delegates)
    RegistrationFactory(category=delegates, status=S.PENDING)
    RegistrationFactory(category=press)
    for registration in arrived:
        check_in(registration, actor=desk_person, desk="A")

    with django_assert_num_queries(1):
        rows, total = check_in_counts(event)

    assert [(r.category, r.confirmed, r.checked_in, r.expected) for r in rows] == [
        (delegates, extra + 1, extra, 1),
        (press, 1, 0, 1),
    ]
    assert (total.confirmed, total.checked_in) == (extra + 2, extra)


def test_check_in_counts_of_an_event_without_categories():
    assert check_in_counts(EventFactory()) == ([], None)


# --- who sees a registration, so may get its letters (the lead's query) ------------------


def test_registrations_for_user_truth_table():
    from learningcities.accounts.domain.organisations import add_affiliation
    from learningcities.accounts.enums import OrganisationKind, Role

    host = organisation(OrganisationKind.CITY)
    event = EventFactory(organisers=[host])
    nc_category = CategoryFactory(event=event, approval=Approval.NATIONAL_COMMISSION)
    own_person = make_user()
    own = RegistrationFactory(category=nc_category, user=own_person, country=country("IE"))
    other = RegistrationFactory(category=nc_category, country=country("FR"))
    organiser = make_user()
    add_affiliation(host, user=organiser, role=Role.COORDINATOR, actor=None)
    endorser_ie = person_with_role(Role.ENDORSER)  # the National Commission of Ireland
    city_org = organisation(OrganisationKind.CITY)
    head, colleague = make_user(), make_user()
    add_affiliation(city_org, user=colleague, role=Role.COORDINATOR, actor=None)
    delegation = Delegation.objects.create(
        event=event,
        kind=DelegationKind.CITY,
        city=city_org.city,
        country=city_org.city.country,
        organisation=city_org,
        head=head,
    )
    delegate = RegistrationFactory(
        category=nc_category, delegation=delegation, country=country("DE")
    )

    def seen(user):
        return sorted(registrations_for_user(user).filter(event=event).values_list("pk", flat=True))

    everyone = sorted([own.pk, other.pk, delegate.pk])
    assert seen(person_with_role(Role.SECRETARIAT)) == everyone
    assert seen(organiser) == everyone
    assert seen(head) == [delegate.pk]
    assert seen(colleague) == [delegate.pk]
    assert seen(own_person) == [own.pk]
    assert seen(endorser_ie) == [own.pk]
    assert seen(person_with_role(Role.COORDINATOR)) == []
    assert seen(person_with_role(Role.JUROR)) == []
