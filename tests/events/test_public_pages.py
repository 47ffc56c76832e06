"""The public pages of events (events/views/public.py): the list and archive, an event's page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from learningcities.accounts.enums import Role
from learningcities.calls.domain.eligibility import record_award_win
from learningcities.calls.enums import CallKind
from learningcities.common.translated import set_translation
from learningcities.events.enums import Attendance, CategoryKind, EventKind, EventStatus
from learningcities.events.models import Registration
from tests.accounts.factories import person_with_role
from tests.calls.factories import make_call
from tests.events.factories_events import CategoryFactory, EventFactory
from tests.factories import CityFactory, country

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]
TODAY = timezone.localdate()
LIST = "/events/"


def _past(**fields):
    fields.setdefault("status", EventStatus.HELD)
    fields.setdefault("starts_on", dt.date(2017, 9, 18))
    fields.setdefault("ends_on", dt.date(2017, 9, 20))
    return EventFactory(**fields)


# The list


def test_list_shows_events_to_come_soonest_first_then_past_newest_first(client):
    later = EventFactory(title="Later", starts_on=TODAY + dt.timedelta(days=90))
    sooner = EventFactory(title="Sooner", starts_on=TODAY + dt.timedelta(days=10))
    old = _past(title="Old", starts_on=dt.date(2013, 10, 21), ends_on=dt.date(2013, 10, 23))
    recent = _past(title="Recent")

    response = client.get(reverse("events:list"))

    assert response.status_code == 200
    assert (response.context["upcoming"], response.context["past"]) == (
        [sooner, later],
        [recent, old],
    )
    content = response.content.decode()
    assert content.index("Sooner") < content.index("Later") < content.index("Recent")


def test_list_counts_an_event_under_way_as_to_come(client):
    today = timezone.localdate()  # not the module's TODAY: a run may cross midnight
    running = EventFactory(starts_on=today - dt.timedelta(days=1), ends_on=today)

    response = client.get(LIST)

    assert (response.context["upcoming"], response.context["past"]) == ([running], [])


def test_list_filters_by_kind(client):
    conference = _past(kind=EventKind.CONFERENCE)
    _past(kind=EventKind.WEBINAR)

    response = client.get(LIST, {"kind": EventKind.CONFERENCE})

    assert response.context["past"] == [conference]


def test_list_filters_by_year(client):
    _past()
    other = EventFactory(starts_on=dt.date(2013, 10, 21), ends_on=dt.date(2013, 10, 23))

    response = client.get(LIST, {"year": "2013"})

    assert (response.context["past"], response.context["years"]) == ([other], [2017, 2013])


@pytest.mark.parametrize("query", [{"kind": "party"}, {"year": "soon"}, {"year": "99999999999"}])
def test_list_ignores_unknown_filters(client, query):
    event = _past()

    response = client.get(LIST, query)

    assert (response.status_code, response.context["past"]) == (200, [event])


def test_list_leaves_out_synthetic_events(client):
    _past(is_synthetic=True)

    response = client.get(LIST)

    assert (response.context["upcoming"], response.context["past"]) == ([], [])
    assert "No event is announced yet." in response.content.decode()


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_events(client, django_assert_num_queries):
    host = CityFactory()
    EventFactory(host_city=host, host_country=host.country)
    one = _list_queries(client)
    EventFactory(host_city=CityFactory())
    _past(host_country=country("IE"))

    with django_assert_num_queries(one):
        client.get(LIST)
    assert one == 2  # the events, the years


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_list_open_to_every_role(client, role):
    event = EventFactory()
    client.force_login(person_with_role(role, totp=role == Role.JUROR))

    response = client.get(LIST)

    assert (response.status_code, response.context["upcoming"]) == (200, [event])


# An event's page


def test_event_page_shows_the_event(client):
    host = CityFactory(name="Cork", country=country("IE"))
    event = EventFactory(
        title="Members' meeting",
        edition=3,
        theme="Global goals, local actions",
        description="Three days in Cork.",
        host_city=host,
        co_organisers="UIL\n\nCork City Council\n",
        attendance=Attendance.HYBRID,
        languages=["en", "fr"],
        interpretation=["ar"],
        starts_on=dt.date(2027, 9, 18),
        ends_on=dt.date(2027, 9, 20),
    )

    response = client.get(event.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["co_organisers"] == ["UIL", "Cork City Council"]
    context = response.context
    assert (context["working_languages"], context["interpretation_languages"]) == (
        ["English", "French"],
        ["Arabic"],
    )
    for text in (
        "Members&#x27; meeting",
        "Global goals, local actions",
        "Three days in Cork.",
        f'href="{reverse("network:city", kwargs={"pk": host.pk})}"',
        "Hybrid (in person and online)",
        "Registration open",
        "18 Sep 2027 to 20 Sep 2027",
        "edition 3",
    ):
        assert text in content, text


def test_event_page_names_languages_in_the_viewer_language(client):
    event = EventFactory(languages=["en"], interpretation=["zh-hans"])

    with translation.override("fr"):
        url = event.get_absolute_url()
    response = client.get(url)

    expected = (["Anglais"], f"/fr/events/{event.slug}/")
    assert (response.context["working_languages"], url) == expected
    assert len(response.context["interpretation_languages"]) == 1


def test_event_page_shows_the_translated_title(client):
    event = EventFactory(title="Members' meeting")
    set_translation(event, "fr", "title", "Réunion des membres")
    event.save()

    with translation.override("fr"):
        response = client.get(event.get_absolute_url())

    assert "Réunion des membres" in response.content.decode()


def test_event_page_shows_reported_participants_of_a_past_event(client):
    event = _past(reported_participants="650+", reported_countries=92, source="UIL")

    response = client.get(event.get_absolute_url())

    content = response.content.decode()
    assert ("650+" in content, "92 countries" in content, "Held" in content) == (True, True, True)


def test_event_page_shows_the_award_and_its_winners(client):
    call = make_call(kind=CallKind.AWARD, title="Learning City Award 2027")
    winner = CityFactory(name="Winnerton", country=country("IE"))
    record_award_win(winner, year=timezone.localdate().year, actor=None, call=call)
    other_call = make_call(kind=CallKind.AWARD, title="Another award")
    record_award_win(CityFactory(name="Elsewhere"), year=TODAY.year, actor=None, call=other_call)
    event = EventFactory(award_call=call)

    response = client.get(event.get_absolute_url())

    content = response.content.decode()
    assert [win.city for win in response.context["winners"]] == [winner]
    assert "Learning City Award 2027" in content
    assert f'href="{reverse("network:city", kwargs={"pk": winner.pk})}"' in content
    assert "Elsewhere" not in content


def test_event_page_award_without_winners_yet(client):
    event = EventFactory(award_call=make_call(kind=CallKind.AWARD, title="Award 2027"))

    response = client.get(event.get_absolute_url())

    assert "The winners are not announced yet." in response.content.decode()


def test_event_page_lists_open_categories_with_places_left_not_names(client):
    event = EventFactory()
    delegates = CategoryFactory(event=event, name="City delegates", capacity=40)
    CategoryFactory(event=event, kind=CategoryKind.MAYOR, name="Mayors")
    CategoryFactory(
        event=event,
        kind=CategoryKind.PRESS,
        name="Press",
        closes_at=timezone.now() - dt.timedelta(hours=1),
    )
    Registration.objects.create(
        event=event,
        category=delegates,
        name="Ada Secretname",
        email="ada@example.org",
        country=country("IE"),
        status="confirmed",
        registered_at=timezone.now(),
        badge_code="PUBLIC1",
    )
    delegates.__class__.objects.filter(pk=delegates.pk).update(places_taken=1)

    response = client.get(event.get_absolute_url())

    content = response.content.decode()
    rows = [(c.name, c.places_left) for c in response.context["categories"]]
    assert rows == [("City delegates", 39), ("Mayors", None)]
    assert ("Ada Secretname" in content, "ada@example.org" in content) == (False, False)


@pytest.mark.parametrize("status", [EventStatus.PLANNED, EventStatus.REGISTRATION_CLOSED])
def test_event_page_lists_no_category_unless_registration_is_open(client, status):
    event = EventFactory(status=status)
    CategoryFactory(event=event)

    response = client.get(event.get_absolute_url())

    assert response.context["categories"] == []


def test_event_page_lists_no_category_after_the_event_deadline(client):
    event = EventFactory(registration_closes_at=timezone.now() - dt.timedelta(minutes=1))
    CategoryFactory(event=event)

    response = client.get(event.get_absolute_url())

    assert response.context["categories"] == []


def test_event_page_of_a_cancelled_event_says_so(client):
    event = EventFactory(status=EventStatus.CANCELLED)

    response = client.get(event.get_absolute_url())

    assert "This event is cancelled." in response.content.decode()


@pytest.mark.parametrize("slug", ["no-such-event", "synthetic"])
def test_event_page_unknown_or_synthetic_is_404(client, slug):
    EventFactory(slug="synthetic", is_synthetic=True)

    response = client.get(reverse("events:event", kwargs={"slug": slug}))

    assert response.status_code == 404


def test_event_page_refuses_post(client):
    event = EventFactory()

    response = client.post(event.get_absolute_url())

    assert response.status_code == 405


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ENDORSER, Role.JUROR])
def test_event_page_open_to_every_role(client, role):
    event = EventFactory(title="Open to all")
    client.force_login(person_with_role(role, totp=role == Role.JUROR))

    response = client.get(event.get_absolute_url())

    assert (response.status_code, response.context["event"]) == (200, event)


def test_main_navigation_links_to_events(client):
    response = client.get(reverse("network:home"))

    assert f'href="{LIST}"' in response.content.decode()


def test_events_link_is_current_on_the_list(client):
    response = client.get(LIST)

    assert f'<a href="{LIST}" aria-current="page">' in response.content.decode()
