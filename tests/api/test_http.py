"""The API's manners over HTTP: conditional GETs, CORS for reads, the rate limit per client."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from learningcities.common.api_http import count_request
from tests.events.factories_outcomes import past_event
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return make_member(name="Cork", joined="2020")


def test_a_cached_list_answers_304_to_its_etag_without_drawing_the_body(member):
    client = Client()
    first = client.get("/api/v1/cities")
    etag = first["ETag"]

    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/cities", HTTP_IF_NONE_MATCH=etag)

    assert again.status_code == 304
    assert again["ETag"] == etag
    assert again.content == b""
    # The revision alone (read each time in tests; kept by the process on PostgreSQL).
    assert len(queries) <= 1


def test_the_etag_moves_when_the_register_changes(member):
    client = Client()
    etag = client.get("/api/v1/cities")["ETag"]
    make_member(name="Galway", joined="2021")

    after = client.get("/api/v1/cities", HTTP_IF_NONE_MATCH=etag)

    assert after.status_code == 200
    assert after["ETag"] != etag
    assert "Galway" in [city["name"] for city in after.json()["results"]]


def test_the_etag_differs_by_language_and_parameters(member):
    client = Client()
    english = client.get("/api/v1/cities")["ETag"]

    assert client.get("/api/v1/cities", HTTP_ACCEPT_LANGUAGE="fr")["ETag"] != english
    assert client.get("/api/v1/cities?page_size=5")["ETag"] != english


def test_every_other_read_gets_an_etag_from_its_body():
    past_event(slug="iclc-2019")
    client = Client()
    first = client.get("/api/v1/events")
    assert first.status_code == 200

    again = client.get("/api/v1/events", HTTP_IF_NONE_MATCH=first["ETag"])
    other = client.get("/api/v1/events", HTTP_IF_NONE_MATCH='"something-else"')

    assert again.status_code == 304
    assert other.status_code == 200


def test_reads_allow_any_origin_without_credentials(member):
    response = Client().get("/api/v1/cities", HTTP_ORIGIN="https://dashboard.example.org")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_a_preflight_is_answered_for_reads_only():
    response = Client().options(
        "/api/v1/cities",
        HTTP_ORIGIN="https://dashboard.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Authorization" in response["Access-Control-Allow-Headers"]


def test_pages_get_no_cors_headers():
    response = Client().get("/en/", HTTP_ORIGIN="https://elsewhere.example.org")

    assert not response.has_header("Access-Control-Allow-Origin")


def test_past_the_limit_a_client_is_answered_429_with_retry_after(settings, member):
    settings.LC_API_RATE_LIMIT = (3, 60)
    client = Client()
    answers = [client.get("/api/v1/network/stats") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert json.loads(refused.content)["code"] == "rate_limited"
    assert refused["Access-Control-Allow-Origin"] == "*"


def _partner_key() -> str:
    from learningcities.accounts.domain.tokens import create_token
    from learningcities.accounts.enums import Scope
    from tests.calls.factories import Cast

    cast = Cast()
    organisation = cast.coordinator.affiliations.get().organisation
    _token, key = create_token(
        organisation, actor=cast.coordinator, name="Partner", scopes=[Scope.REPORTS_READ], days=30
    )
    return key


def test_the_limit_counts_each_client_apart(settings, member):
    settings.LC_API_RATE_LIMIT = (1, 60)
    first = Client(REMOTE_ADDR="192.0.2.1")
    second = Client(REMOTE_ADDR="192.0.2.2")
    tokens = Client(REMOTE_ADDR="192.0.2.1", HTTP_AUTHORIZATION=f"Bearer {_partner_key()}")

    assert first.get("/api/v1/network/stats").status_code == 200
    assert first.get("/api/v1/network/stats").status_code == 429
    assert second.get("/api/v1/network/stats").status_code == 200
    # A token is a client of its own, whatever address it comes from.
    assert tokens.get("/api/v1/network/stats").status_code == 200


def test_made_up_keys_count_against_their_address(settings, member):
    settings.LC_API_RATE_LIMIT = (2, 60)
    answers = [
        Client(REMOTE_ADDR="192.0.2.9", HTTP_AUTHORIZATION=f"Bearer lc_made_up_{n}")
        .get("/api/v1/network/stats")
        .status_code
        for n in range(3)
    ]

    assert answers == [200, 200, 429]


def test_the_count_starts_again_with_the_next_window():
    assert count_request("test", limit=1, window=60, now=120.0) == (True, 0, 60)
    assert count_request("test", limit=1, window=60, now=150.0) == (False, 0, 30)
    assert count_request("test", limit=1, window=60, now=180.0) == (True, 0, 60)


def test_the_limit_can_be_turned_off(settings, member):
    settings.LC_API_RATE_LIMIT = (0, 60)
    client = Client()

    answers = [client.get("/api/v1/network/stats") for _ in range(3)]

    assert {a.status_code for a in answers} == {200}
    assert not answers[0].has_header("X-RateLimit-Limit")


def test_a_visitor_s_matching_etag_is_answered_before_the_stack_runs(member):
    client = Client()
    etag = client.get("/api/v1/cities")["ETag"]

    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/cities", HTTP_IF_NONE_MATCH=etag)

    assert (again.status_code, again["ETag"]) == (304, etag)
    assert again["Access-Control-Allow-Origin"] == "*"
    # The revision alone: no session, no person, no view.
    assert len(queries) <= 1
    # Another language or another query is another answer.
    assert (
        client.get("/api/v1/cities", HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_LANGUAGE="fr").status_code
        == 200
    )


def test_a_person_who_must_set_up_a_second_factor_is_refused_whatever_etag(member):
    from tests.calls.factories import secretary

    etag = Client().get("/api/v1/cities")["ETag"]
    person = secretary()  # the secretariat's role needs a second factor; none set up
    client = Client()
    client.force_login(person)

    response = client.get("/api/v1/cities", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 403


def test_with_redis_the_count_is_shared_by_every_process(settings):
    import socket
    import uuid

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    client = f"test-{uuid.uuid4()}"
    from django.core.cache import cache

    answers = [count_request(client, limit=2, window=60, now=600.0) for _ in range(3)]

    assert [allowed for allowed, _remaining, _retry in answers] == [True, True, False]
    # In the shared cache, where another process would read it.
    assert cache.get(f"lc:rate:{client}:10") == 3


class CountsRequests:
    """A middleware after ApiHttpMiddleware: how many requests reached the rest of the stack."""

    seen = 0

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        CountsRequests.seen += 1
        return self.get_response(request)


@pytest.fixture
def counted(settings):
    position = settings.MIDDLEWARE.index("learningcities.common.api_http.ApiHttpMiddleware")
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[: position + 1],
        f"{__name__}.CountsRequests",
        *settings.MIDDLEWARE[position + 1 :],
    ]
    CountsRequests.seen = 0
    return CountsRequests


def _headers(response) -> dict:
    return {k: v for k, v in response.items() if not k.startswith("X-RateLimit")}


def test_a_visitor_asking_again_gets_the_same_answer_before_the_stack_runs(member, counted):
    client = Client()
    first = client.get("/api/v1/cities")

    again = client.get("/api/v1/cities")

    assert counted.seen == 1
    assert (again.status_code, again.content) == (200, first.content)
    assert _headers(again) == _headers(first)


def test_an_answer_kept_by_the_process_follows_the_next_write(member, counted):
    client = Client()
    client.get("/api/v1/cities")

    make_member(name="Da Nang")
    after = client.get("/api/v1/cities").json()

    assert counted.seen == 2
    assert "Da Nang" in [city["name"] for city in after["results"]]


def test_a_kept_answer_is_for_the_same_language_and_query_only(member, counted):
    client = Client()
    english = client.get("/api/v1/countries", {"member": "true"}).json()

    french = client.get("/api/v1/countries", {"member": "true"}, HTTP_ACCEPT_LANGUAGE="fr").json()
    other = client.get("/api/v1/countries", {"member": "false"})

    assert counted.seen == 3
    assert english["results"][0]["name"] != french["results"][0]["name"]
    assert other.status_code == 200


def test_people_and_tokens_are_never_served_a_kept_answer(member, counted):
    from tests.calls.factories import secretary

    Client().get("/api/v1/cities")
    client = Client()
    client.force_login(secretary())  # the secretariat's role needs a second factor; none set up
    refused = client.get("/api/v1/cities")
    with_token = Client().get("/api/v1/cities", HTTP_AUTHORIZATION="Bearer lc_unknown")

    assert (refused.status_code, with_token.status_code) == (403, 200)
    assert counted.seen == 3
