"""REST API v1 of events (events/api.py): public events, programme and outcome documents;
registrations for those who may see them, never with a passport number."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import Role
from learningcities.common.domain.translations import save_translations
from learningcities.common.translated import set_translation
from learningcities.events.domain.outcomes import adopt_outcome, endorse_outcome
from learningcities.events.enums import (
    CategoryKind,
    DelegationKind,
    EventKind,
    EventStatus,
    OutcomeStatus,
    RegistrationStatus,
    SessionKind,
)
from learningcities.events.models import (
    Delegation,
    OutcomeDocument,
    Presentation,
    ProgrammeSession,
)
from learningcities.network.models import NetworkRevision
from tests.accounts.factories import city_organisation, make_user, person_with_role
from tests.calls.factories import secretary
from tests.events.factories_events import EventFactory, RoomFactory, VenueFactory
from tests.events.factories_outcomes import attach_pdf, coordinator_of, make_outcome, shared_draft
from tests.events.factories_stats import register
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db

PASSPORT = "P9X7Q1234"
ACCEPT_ES = "es-ES,es;q=0.9"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def jubail():
    """The held 2024 conference in Jubail (Asia/Riyadh, UTC+3) with a session and outcomes."""
    city = CityFactory(name="Jubail", country=country("SA"))
    event = EventFactory(
        slug="jubail-2024",
        title="6th International Conference on Learning Cities",
        kind=EventKind.CONFERENCE,
        status=EventStatus.HELD,
        starts_on=dt.date(2024, 12, 2),
        ends_on=dt.date(2024, 12, 5),
        time_zone="Asia/Riyadh",
        host_city=city,
        host_country=country("SA"),
        co_organisers="Royal Commission for Jubail\n\nUNESCO UIL\n",
    )
    OutcomeDocument.objects.create(
        event=event,
        title="Jubail Declaration",
        status=OutcomeStatus.ADOPTED,
        adopted_on=dt.date(2024, 12, 5),
    )
    OutcomeDocument.objects.create(event=event, title="Secret draft", status=OutcomeStatus.DRAFT)
    return event


def _session(event, *, title="Opening plenary", hour=9, city=None) -> ProgrammeSession:
    room = RoomFactory(venue=VenueFactory(event=event, name="Jubail Convention Centre"))
    start = dt.datetime(2024, 12, 2, hour, 0, tzinfo=dt.UTC)
    session = ProgrammeSession.objects.create(
        event=event,
        kind=SessionKind.PLENARY,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1, minutes=30),
        room=room,
    )
    Presentation.objects.create(
        event=session.event, session=session, title=f"{title}: a city's work", city=city
    )
    return session


# Events ------------------------------------------------------------------------


def test_events_api_lists_public_events_newest_first(client, jubail):
    older = EventFactory(slug="cork-2017", starts_on=dt.date(2017, 9, 18), status="held")
    EventFactory(slug="synthetic-1", is_synthetic=True)

    results = _results(client.get("/api/v1/events"))

    assert [item["slug"] for item in results] == ["jubail-2024", "cork-2017"]
    first = results[0]
    assert first == {
        **first,
        "id": jubail.pk,
        "kind": "conference",
        "kind_label": "International conference",
        "status": "held",
        "status_label": "Held",
        "starts_on": "2024-12-02",
        "ends_on": "2024-12-05",
        "time_zone": "Asia/Riyadh",
        "host_city": {"id": jubail.host_city_id, "name": "Jubail"},
        "host_country": "SA",
        "host_country_name": "Saudi Arabia",
        "url": "http://testserver/events/jubail-2024/",
    }
    assert results[1]["id"] == older.pk


@pytest.mark.parametrize(
    ("params", "slugs"),
    [
        ({"kind": "webinar"}, ["webinar-2024"]),
        ({"year": "2017"}, ["cork-2017"]),
        ({"status": "held", "year": "2024"}, ["jubail-2024"]),
        ({"kind": "", "status": ""}, ["webinar-2024", "jubail-2024", "cork-2017"]),
    ],
)
def test_events_api_filters_combine(client, jubail, params, slugs):
    EventFactory(slug="cork-2017", starts_on=dt.date(2017, 9, 18), status="held")
    EventFactory(
        slug="webinar-2024",
        kind=EventKind.WEBINAR,
        starts_on=dt.date(2024, 12, 20),
        status=EventStatus.REGISTRATION_OPEN,
    )

    results = _results(client.get("/api/v1/events", params))

    assert [item["slug"] for item in results] == slugs


@pytest.mark.parametrize(
    ("params", "name"),
    [({"kind": "party"}, "kind"), ({"status": "over"}, "status"), ({"year": "1800"}, "year")],
)
def test_events_api_refuses_an_unknown_filter_value_naming_it(client, params, name):
    response = client.get("/api/v1/events", params)

    assert response.status_code == 422
    assert [item["loc"][-1] for item in response.json()["detail"]] == [name]


@pytest.mark.parametrize("n", [1, 3])
def test_events_api_list_query_count(client, django_assert_num_queries, n):
    for number in range(n):
        EventFactory(host_city=CityFactory(), slug=f"event-{number}")

    # The events' and the register's revisions (one query), the count, the page.
    with django_assert_num_queries(3):
        results = _results(client.get("/api/v1/events"))

    assert len(results) == n


def test_events_api_cached_list_costs_the_revisions_and_follows_a_write(
    client, django_assert_num_queries
):
    event = EventFactory(title="Before")
    client.get("/api/v1/events")

    with django_assert_num_queries(1):
        cached = _results(client.get("/api/v1/events"))
    event.title = "After"
    event.save()
    after = _results(client.get("/api/v1/events"))

    assert ([e["title"] for e in cached], [e["title"] for e in after]) == (["Before"], ["After"])


def test_events_api_list_follows_a_translation_of_the_title(client, jubail):
    client.get("/api/v1/events", headers={"accept-language": "es"})

    save_translations(jubail, "es", {"title": "6.ª Conferencia"}, actor=None)
    results = _results(client.get("/api/v1/events", headers={"accept-language": "es"}))

    assert results[0]["title"] == "6.ª Conferencia"


def test_events_api_labels_and_texts_follow_accept_language(client, jubail):
    set_translation(
        jubail, "es", "title", "6.ª Conferencia Internacional sobre Ciudades del Aprendizaje"
    )
    jubail.save()
    with translation.override("es"):
        kind, status = str(EventKind.CONFERENCE.label), str(EventStatus.HELD.label)
    # The labels equal the Spanish catalogue's (English until it translates them); the
    # country's name (CLDR) and the event's own translation show the language is used.

    item = _results(client.get("/api/v1/events", HTTP_ACCEPT_LANGUAGE=ACCEPT_ES))[0]

    assert (item["kind_label"], item["status_label"], item["host_country_name"]) == (
        kind,
        status,
        "Arabia Saudí",
    )
    assert item["title"] == "6.ª Conferencia Internacional sobre Ciudades del Aprendizaje"
    assert item["slug"] == "jubail-2024"


def test_event_api_gives_the_event_with_its_adopted_outcomes(client, jubail):
    response = client.get("/api/v1/events/jubail-2024")

    assert response.status_code == 200
    body = response.json()
    assert body["co_organisers"] == ["Royal Commission for Jubail", "UNESCO UIL"]
    assert [o["title"] for o in body["outcomes"]] == ["Jubail Declaration"]
    assert "Secret draft" not in response.content.decode()


@pytest.mark.parametrize("slug", ["no-such-event", "synthetic-1"])
def test_event_api_answers_404_for_a_missing_or_synthetic_event(client, slug):
    EventFactory(slug="synthetic-1", is_synthetic=True)

    for path in [f"/api/v1/events/{slug}", f"/api/v1/events/{slug}/sessions"]:
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": f"There is no event with the address {slug}."}


def test_event_api_refuses_a_malformed_slug(client):
    response = client.get("/api/v1/events/not%20a%20slug")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "slug"]


# Programme ---------------------------------------------------------------------


def test_sessions_api_gives_times_with_the_events_offset_rooms_and_city_ids(client, jubail):
    _session(jubail, title="Opening plenary", hour=6, city=jubail.host_city)

    response = client.get("/api/v1/events/jubail-2024/sessions")

    assert response.status_code == 200
    body = response.json()
    assert (body["event"], body["time_zone"]) == (
        {"slug": "jubail-2024", "title": jubail.title},
        "Asia/Riyadh",
    )
    [session] = body["sessions"]
    assert (session["starts_at"], session["ends_at"]) == (
        "2024-12-02T09:00:00+03:00",
        "2024-12-02T10:30:00+03:00",
    )
    assert session["room"]["venue"] == "Jubail Convention Centre"
    assert session["kind_label"] == "Plenary"
    assert session["presentations"] == [
        {
            "id": session["presentations"][0]["id"],
            "title": "Opening plenary: a city's work",
            "city": {"id": jubail.host_city_id, "name": "Jubail"},
            "city_id": jubail.host_city_id,
        }
    ]


@pytest.mark.parametrize("n", [1, 3])
def test_sessions_api_query_count(client, jubail, django_assert_num_queries, n):
    for hour in range(n):
        _session(jubail, title=f"Session {hour}", hour=6 + hour, city=CityFactory())

    with django_assert_num_queries(4):
        response = client.get("/api/v1/events/jubail-2024/sessions")

    assert [s["title"] for s in response.json()["sessions"]] == [f"Session {h}" for h in range(n)]


# Outcome documents ----------------------------------------------------------------


def test_outcomes_api_lists_only_adopted_documents(client, jubail):
    response = client.get("/api/v1/outcomes")

    results = _results(response)
    assert [(o["title"], o["event"]["slug"], o["adopted_on"]) for o in results] == [
        ("Jubail Declaration", "jubail-2024", "2024-12-05")
    ]
    assert "Secret draft" not in response.content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_outcomes_api_query_count(client, django_assert_num_queries, n):
    for number in range(n):
        OutcomeDocument.objects.create(
            event=EventFactory(),
            title=f"Statement {number}",
            status=OutcomeStatus.ADOPTED,
            adopted_on=dt.date(2020, 1, 1) + dt.timedelta(days=number),
        )

    # The events' revision, the count, the page, the files.
    with django_assert_num_queries(4):
        results = _results(client.get("/api/v1/outcomes"))

    assert len(results) == n


def test_outcomes_api_cached_list_follows_endorsements_files_and_adoption(client):
    outcome = make_outcome(title="Declaration")
    client.get("/api/v1/outcomes")

    city = make_member(name="Hue").city
    endorse_outcome(outcome, city=city, actor=coordinator_of(city))
    endorsed = _results(client.get("/api/v1/outcomes"))
    attach_pdf(outcome, "fr")
    with_file = _results(client.get("/api/v1/outcomes"))
    draft = shared_draft(outcome.event, title="Statement")
    adopt_outcome(draft, actor=secretary(), adopted_on=dt.date(2019, 10, 3))
    adopted = _results(client.get("/api/v1/outcomes"))

    assert (endorsed[0]["endorsements"], with_file[0]["languages"]) == (1, ["fr"])
    assert {o["title"] for o in adopted} == {"Declaration", "Statement"}


# Registrations -----------------------------------------------------------------


@pytest.fixture
def conference():
    """An event hosted by a city hall, with a Vietnamese national delegation and others.

    Registrations: two of the delegation (one with a passport number), one
    German city delegate, one Irish observer; and one of another event.
    """
    host = city_organisation(name="Host city hall")
    event = EventFactory(slug="conference", organisers=[host])
    head = make_user()
    delegation_org = city_organisation(country=country("VN"))
    add_affiliation(delegation_org, user=head, role=Role.COORDINATOR, actor=None)
    delegation = Delegation.objects.create(
        event=event,
        kind=DelegationKind.COUNTRY,
        country=country("VN"),
        organisation=delegation_org,
        head=head,
    )
    vinh = CityFactory(name="Vinh", country=country("VN"))
    register(
        event, name="Nguyen Van An", city=vinh, delegation=delegation, passport_number=PASSPORT
    )
    register(event, name="Tran Thi Binh", city=vinh, delegation=delegation, kind=CategoryKind.MAYOR)
    register(event, name="Anna Becker", city=CityFactory(country=country("DE")))
    register(event, name="Aoife Byrne", city_name="Galway", country_code="IE", kind="observer")
    register(EventFactory(), name="Elsewhere Person", city_name="Lyon", country_code="FR")
    event.host_org, event.head = host, head
    return event


def _organiser(event):
    user = make_user()
    add_affiliation(event.host_org, user=user, role=Role.COORDINATOR, actor=None)
    return user


SEES = {
    "secretariat": (
        lambda event: person_with_role(Role.SECRETARIAT, totp=True),
        ["Nguyen Van An", "Tran Thi Binh", "Anna Becker", "Aoife Byrne"],
    ),
    "organiser": (
        _organiser,
        ["Nguyen Van An", "Tran Thi Binh", "Anna Becker", "Aoife Byrne"],
    ),
    "head of delegation": (lambda event: event.head, ["Nguyen Van An", "Tran Thi Binh"]),
}
REFUSED = {
    "coordinator of another city": lambda event: person_with_role(Role.COORDINATOR),
    "endorser of another country": lambda event: person_with_role(Role.ENDORSER),
    "juror": lambda event: person_with_role(Role.JUROR, totp=True),
}
URL = "/api/v1/events/conference/registrations"


@pytest.mark.parametrize("who", sorted(SEES))
def test_registrations_api_shows_each_role_what_it_may_see(conference, who):
    make, names = SEES[who]

    response = logged_in(make(conference)).get(URL)

    assert [item["name"] for item in _results(response)] == names
    assert PASSPORT not in response.content.decode()
    assert "passport" not in response.content.decode()


@pytest.mark.parametrize("who", sorted(REFUSED))
def test_registrations_api_refuses_others_with_403(conference, who):
    response = logged_in(REFUSED[who](conference)).get(URL)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "You may not see the registrations of this event.",
        "code": "not_permitted",
    }


def test_registrations_api_answers_401_without_a_session(client, conference):
    response = client.get(URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "Log in to see registrations."}


def test_registrations_api_of_a_missing_event_answers_404(conference):
    client = logged_in(person_with_role(Role.SECRETARIAT, totp=True))

    response = client.get("/api/v1/events/no-such-event/registrations")

    assert response.status_code == 404


def test_registrations_api_item_carries_what_the_event_needs(conference):
    client = logged_in(conference.head)

    item = _results(client.get(URL, HTTP_ACCEPT_LANGUAGE=ACCEPT_ES))[0]

    with translation.override("es"):
        confirmed = str(RegistrationStatus.CONFIRMED.label)
    assert item == {
        **item,
        "name": "Nguyen Van An",
        "city": {"id": item["city"]["id"], "name": "Vinh"},
        "city_name": "",
        "country": "VN",
        "country_name": "Vietnam",
        "category": {"kind": "city_delegate", "name": "City delegate"},
        "delegation_id": conference.registrations.first().delegation_id,
        "status": "confirmed",
        "status_label": confirmed,
        "checked_in_at": None,
    }
    assert "passport_number" not in item


def test_registrations_api_filters_by_status(conference):
    client = logged_in(person_with_role(Role.SECRETARIAT, totp=True))
    register(
        conference, name="Waiting Person", city_name="Cork", country_code="IE", status="waiting"
    )

    results = _results(client.get(URL, {"status": "waiting"}))

    assert [item["name"] for item in results] == ["Waiting Person"]


@pytest.mark.parametrize("n", [1, 3])
def test_registrations_api_query_count(django_assert_num_queries, n):
    event = EventFactory(slug="conference")
    for number in range(n):
        register(event, city_name=f"Town {number}", country_code="KE")
    client = logged_in(person_with_role(Role.SECRETARIAT, totp=True))
    client.get(URL)  # the session's roles, once

    with django_assert_num_queries(5):
        results = _results(client.get(URL))

    assert len(results) == n


def test_registrations_api_is_documented_without_passport_numbers(client):
    document = client.get("/api/v1/openapi.json").json()

    assert "passport" not in str(document["components"]["schemas"]["RegistrationOut"])


def test_events_api_list_follows_writes_before_the_register_has_a_revision(client):
    NetworkRevision.objects.all().delete()
    EventFactory(title="First")
    first = _results(client.get("/api/v1/events"))

    EventFactory(title="Second")
    second = _results(client.get("/api/v1/events"))

    assert (len(first), len(second)) == (1, 2)
