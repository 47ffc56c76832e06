"""Cursor pagination: every list walks forward by cursor, through ties, empty sort keys and
writes made meanwhile, and refuses a cursor it did not make."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from learningcities.events.enums import OutcomeStatus
from learningcities.events.models import OutcomeDocument
from learningcities.network.models import City
from learningcities.practices.models import Practice
from tests.events.factories_events import EventFactory
from tests.events.factories_outcomes import make_outcome, past_event
from tests.factories import CohortFactory, country, make_member
from tests.practices.factories import coordinator_and_city, make_practice
from tests.reports.factories import make_cycle

pytestmark = pytest.mark.django_db


def _walk(client: Client, path: str, key: str = "id", **params) -> list:
    """Every item of the list at ``path``, a page of one at a time, by cursor."""
    page = client.get(path, {**params, "page_size": 1}).json()
    seen = [item[key] for item in page["results"]]
    while page["next_cursor"]:
        cursor = page["next_cursor"]
        page = client.get(path, {**params, "page_size": 1, "cursor": cursor}).json()
        assert (page["page"], page["previous"]) == (None, None)
        seen += [item[key] for item in page["results"]]
    return seen


def _all(client: Client, path: str, key: str = "id", **params) -> list:
    body = client.get(path, {**params, "page_size": 100}).json()
    assert body["next"] is None
    return [item[key] for item in body["results"]]


def test_cursor_walk_of_cities_goes_on_where_the_page_ended_despite_a_new_city(client):
    for name in ["Bac Ninh", "Can Tho", "Da Nang", "Hue"]:
        make_member(name=name, country=country("VN"))
    first = client.get("/api/v1/cities", {"page_size": 2}).json()

    make_member(name="An Giang", country=country("VN"))  # sorts before the cursor
    by_number = client.get(first["next"]).json()
    by_cursor = client.get(
        "/api/v1/cities", {"page_size": 2, "cursor": first["next_cursor"]}
    ).json()

    names = [[city["name"] for city in page["results"]] for page in (first, by_number, by_cursor)]
    assert names == [["Bac Ninh", "Can Tho"], ["Can Tho", "Da Nang"], ["Da Nang", "Hue"]]
    assert by_cursor["count"] == 5
    assert (by_cursor["next"], by_cursor["next_cursor"]) == (None, None)


def test_cursor_walk_of_cities_loses_nothing_when_an_item_before_it_goes(client):
    for name in ["Bac Ninh", "Can Tho", "Da Nang", "Hue"]:
        make_member(name=name, country=country("VN"))
    first = client.get("/api/v1/cities", {"page_size": 2}).json()

    City.objects.filter(name="Bac Ninh").delete()
    by_number = client.get(first["next"]).json()
    by_cursor = client.get(
        "/api/v1/cities", {"page_size": 2, "cursor": first["next_cursor"]}
    ).json()

    assert [c["name"] for c in by_number["results"]] == ["Hue"]  # Da Nang skipped
    assert [c["name"] for c in by_cursor["results"]] == ["Da Nang", "Hue"]


def test_the_next_link_of_a_cursor_page_keeps_the_filters_and_the_cursor(client):
    for name in ["Bac Ninh", "Can Tho", "Da Nang"]:
        make_member(name=name, country=country("VN"))
    make_member(name="Berlin", country=country("DE"))
    first = client.get("/api/v1/cities", {"country": "vn", "page_size": 1}).json()

    second = client.get(
        "/api/v1/cities", {"country": "vn", "page_size": 1, "cursor": first["next_cursor"]}
    ).json()
    third = client.get(second["next"]).json()

    assert second["next"].startswith("http://testserver/api/v1/cities?country=VN&cursor=")
    assert [c["name"] for c in third["results"]] == ["Da Nang"]
    assert (third["next"], third["next_cursor"]) == (None, None)


def test_cursor_walks_give_every_item_once_through_ties_of_the_sort_key(client):
    day = dt.date.today() + dt.timedelta(days=40)
    events = [EventFactory(starts_on=day, ends_on=day) for _ in range(4)]
    EventFactory(starts_on=day + dt.timedelta(days=1), ends_on=day + dt.timedelta(days=1))
    cohorts = [CohortFactory(announced_on=dt.date(2024, 9, 1)) for _ in range(3)]

    assert _walk(client, "/api/v1/events", key="slug") == _all(client, "/api/v1/events", key="slug")
    assert len(_walk(client, "/api/v1/events", key="slug")) == 5
    assert {e.slug for e in events} <= set(_walk(client, "/api/v1/events", key="slug"))
    assert _walk(client, "/api/v1/cohorts") == _all(client, "/api/v1/cohorts")
    assert {c.pk for c in cohorts} == set(_walk(client, "/api/v1/cohorts"))


def test_cursor_walk_of_practices_keeps_times_to_the_microsecond(client):
    coordinator, organisation = coordinator_and_city()
    practices = [
        make_practice(
            coordinator=coordinator, organisation=organisation, publish=True, title=f"P{n}"
        )
        for n in range(4)
    ]
    moment = timezone.now().replace(microsecond=123_000)
    for n, practice in enumerate(practices):  # one millisecond, four microseconds
        Practice.objects.filter(pk=practice.pk).update(
            published_at=moment + dt.timedelta(microseconds=n)
        )

    walked = _walk(client, "/api/v1/practices")

    assert walked == [p.pk for p in reversed(practices)]


def test_cursor_walk_of_outcomes_passes_a_document_without_its_adoption_date(client):
    event = past_event()
    dated = [make_outcome(event, title=f"Declaration {n}") for n in range(2)]
    undated = make_outcome(event, title="Undated statement")
    OutcomeDocument.objects.filter(pk=undated.pk).update(adopted_on=None)
    make_outcome(event, title="Draft", status=OutcomeStatus.DRAFT)

    walked = _walk(client, "/api/v1/outcomes")

    assert walked == _all(client, "/api/v1/outcomes")
    assert (walked[-1], set(walked[:2])) == (undated.pk, {o.pk for o in dated})


def test_cursor_walk_of_countries_and_reporting_cycles(client):
    make_member(name="Hue", country=country("VN"))
    make_member(name="Cork", country=country("IE"))
    make_cycle(code="2023-2025", due_in_days=-10)
    make_cycle(code="2025-2027")

    assert _walk(client, "/api/v1/countries", key="code", member="true") == ["IE", "VN"]
    assert _walk(client, "/api/v1/reporting-cycles", key="code") == _all(
        client, "/api/v1/reporting-cycles", key="code"
    )
    assert len(_walk(client, "/api/v1/reporting-cycles", key="code")) == 2


def _refusal(response) -> tuple[int, list, str]:
    body = response.json()
    return response.status_code, body["detail"][0]["loc"], body["detail"][0]["msg"]


def test_a_forged_or_foreign_cursor_is_refused_naming_the_parameter(client):
    for _ in range(2):
        make_member(cohort=CohortFactory())
    cursor = client.get("/api/v1/cities", {"page_size": 1}).json()["next_cursor"]
    forged = (
        cursor.replace(cursor[:4], "WzE5", 1) if not cursor.startswith("WzE5") else "x" + cursor
    )

    for path, value in [
        ("/api/v1/cohorts", cursor),  # another list's
        ("/api/v1/cities", forged),
        ("/api/v1/cities", "not-a-cursor"),
        ("/api/v1/cities", cursor[:-2]),
    ]:
        status, loc, message = _refusal(client.get(path, {"cursor": value}))
        assert (status, loc) == (422, ["query", "cursor"]), (path, value)
        assert "cursor was not given by this list" in message


def test_page_and_cursor_together_are_refused(client):
    for _ in range(2):
        make_member()
    cursor = client.get("/api/v1/cities", {"page_size": 1}).json()["next_cursor"]

    status, loc, message = _refusal(client.get("/api/v1/cities", {"cursor": cursor, "page": 2}))

    assert (status, loc, message) == (
        422,
        ["query", "page"],
        "Give either page or cursor, not both.",
    )


def test_a_search_of_practices_goes_by_page_number_only(client):
    make_practice(publish=True)

    status, loc, _message = _refusal(
        client.get("/api/v1/practices", {"q": "festival", "cursor": "abc"})
    )
    search = client.get("/api/v1/practices", {"q": "festival"}).json()

    assert (status, loc) == (422, ["query", "cursor"])
    assert search["next_cursor"] is None
