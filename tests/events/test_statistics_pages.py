"""The secretariat's statistics and prospects pages of an event (events/views/statistics.py)."""

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.enums import Role
from learningcities.events.enums import CategoryKind, EventStatus
from learningcities.events.models import Event
from tests.accounts.factories import city_organisation, make_user, person_with_role
from tests.events.factories_events import EventFactory
from tests.events.factories_stats import register
from tests.factories import country, make_member

pytestmark = pytest.mark.django_db

FIRST_DAY = dt.date(2024, 12, 10)
PAGES = ["events:statistics", "events:prospects", "events:prospects-csv"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def event():
    """A held event hosted by Leipzig (a member city) with a German and a Kenyan participant."""
    membership = make_member(name="Leipzig", country=country("DE"), joined="2020")
    host = city_organisation(name="Host city hall")
    event = EventFactory(
        status=EventStatus.HELD,
        starts_on=FIRST_DAY,
        ends_on=FIRST_DAY,
        host_city=membership.city,
        organisers=[host],
    )
    event.host_org = host
    register(event, name="Anna Becker", city=membership.city, checked_in=True)
    event.kenyan = register(
        event,
        name="Wanjiru Kamau",
        city_name="Nairobi",
        country_code="KE",
        kind=CategoryKind.OBSERVER,
        organisation_name="Nairobi County",
    )
    return event


@pytest.fixture
def secretariat():
    return logged_in(person_with_role(Role.SECRETARIAT, totp=True))


def _url(name: str, event) -> str:
    return reverse(name, kwargs={"slug": event.slug})


def _organiser(event):
    user = make_user()
    add_affiliation(event.host_org, user=user, role=Role.COORDINATOR, actor=None)
    return user


REFUSED = {
    "organiser": _organiser,
    "coordinator": lambda event: person_with_role(Role.COORDINATOR),
    "endorser": lambda event: person_with_role(Role.ENDORSER),
    "juror": lambda event: person_with_role(Role.JUROR, totp=True),
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", sorted(REFUSED))
def test_statistics_pages_refuse_everyone_but_the_secretariat(event, name, role):
    client = logged_in(REFUSED[role](event))

    response = client.get(_url(name, event))

    assert response.status_code == 403
    assert "Kamau" not in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_statistics_pages_send_visitors_to_log_in(client, event, name):
    response = client.get(_url(name, event))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", PAGES)
def test_statistics_pages_of_a_missing_event_answer_404(secretariat, name):
    response = secretariat.get(reverse(name, kwargs={"slug": "no-such-event"}))

    assert response.status_code == 404


def test_statistics_page_shows_the_breakdowns_and_charts(secretariat, event):
    response = secretariat.get(_url("events:statistics", event))

    assert response.status_code == 200
    text = text_of(response)
    assert re.findall(r'<svg class="chart chart-narrow"[^>]*id="([a-z-]+)"', text) == [
        "region-chart",
        "category-chart",
        "country-chart",
    ]
    assert '<title id="region-chart-title">Participants by UNESCO region</title>' in text
    # A tie goes to the first region in UNESCO's order.
    assert (
        '<desc id="region-chart-desc">Confirmed participants in each UNESCO region. '
        "Largest: Africa, 1.</desc>" in text
    )
    country_table = re.search(r'<table id="country-table">.*?</table>', text).group(0)
    assert re.findall(r'<th scope="row">([^<(]+)', country_table) == [
        "Germany",
        "Kenya ",
        "Total",
    ]
    assert "(no member city)" in country_table
    city_table = re.search(r'<table id="city-table">.*?</table>', text).group(0)
    assert 'Nairobi <span class="muted">(not in the register)</span>' in city_table
    assert response.context["stats"].without_member.participants == 1


def test_statistics_page_of_an_event_without_participants_says_so(secretariat):
    event = EventFactory()

    response = secretariat.get(_url("events:statistics", event))

    assert response.status_code == 200
    assert "This event has no confirmed participant yet." in text_of(response)
    assert "<svg" not in text_of(response)


def test_statistics_page_query_count_does_not_grow_with_participants(
    secretariat, event, django_assert_max_num_queries
):
    secretariat.get(_url("events:statistics", event))  # the session and roles, once
    with django_assert_max_num_queries(12) as one:
        secretariat.get(_url("events:statistics", event))
    for number in range(3):
        register(event, city_name=f"Town {number}", country_code="EG", kind="press")
    with django_assert_max_num_queries(12) as more:
        secretariat.get(_url("events:statistics", event))

    assert len(more.captured_queries) == len(one.captured_queries)


def test_prospects_page_lists_the_participants_from_countries_without_a_member_city(
    secretariat, event
):
    response = secretariat.get(_url("events:prospects", event))

    assert response.status_code == 200
    assert [p.name for p in response.context["prospects"]] == ["Wanjiru Kamau"]
    text = text_of(response)
    assert "Anna Becker" not in text
    assert '<a href="mailto:' in text


def test_prospects_page_query_count_at_one_and_three_prospects(
    secretariat, event, django_assert_max_num_queries
):
    secretariat.get(_url("events:prospects", event))
    with django_assert_max_num_queries(12) as one:
        secretariat.get(_url("events:prospects", event))
    for number in range(2):
        register(event, city_name=f"Town {number}", country_code="EG", kind="press")
    with django_assert_max_num_queries(12) as three:
        response = secretariat.get(_url("events:prospects", event))

    assert len(response.context["prospects"]) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_prospects_csv_lists_the_prospects(secretariat, event):
    response = secretariat.get(_url("events:prospects-csv", event))

    assert csv_rows(response) == [
        {
            "name": "Wanjiru Kamau",
            "job_title": "",
            "organisation": "Nairobi County",
            "city": "Nairobi",
            "city_in_register": "no",
            "country_code": "KE",
            "country": "Kenya",
            "category": "Observer from a city or country not yet in the network",
            "email": event.kenyan.email,
            "checked_in": "no",
        }
    ]


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Mayor's office", "Mayor's office"),
    ],
)
def test_prospects_csv_defuses_formulas(secretariat, event, typed, written):
    register(event, name=typed, city_name=typed, country_code="EG", organisation_name=typed)

    rows = csv_rows(secretariat.get(_url("events:prospects-csv", event)))

    row = next(r for r in rows if r["country_code"] == "EG")
    assert (row["name"], row["city"], row["organisation"]) == (written, written, written)


def test_prospects_page_after_the_personal_data_was_erased_lists_nobody(secretariat, event):
    Event.objects.filter(pk=event.pk).update(personal_data_erased_at=timezone.now())

    response = secretariat.get(_url("events:prospects", event))

    assert response.status_code == 200
    text = text_of(response)
    assert "has been erased: only the counts remain." in text
    assert "Kamau" not in text
