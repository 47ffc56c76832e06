"""Every operation of the API, fuzzed from its own OpenAPI document (schemathesis).

Requests valid and invalid by the schema go through the whole WSGI application,
middleware included, five times each: anonymously, with a partner's token
holding every scope (the coordinator's organisation's), as a city
coordinator with a submission, as a juror assigned to it, and as a juror who
has not set up a second factor, with the session cookie and the CSRF token a
browser would send.
Every answer must be documented, status, content type, headers and body; a
request the schema calls invalid must be refused and one it calls valid must
not be (CHECKS). Path ids are drawn from the generated ones and the ids of the
rows made here, so handlers run past their 404 too. Deterministic
(derandomised, no example database) and bounded (MAX_EXAMPLES).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import PositiveDataAcceptanceConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from learningcities.accounts.domain.tokens import create_token
from learningcities.accounts.enums import Scope
from learningcities.wsgi import application
from tests.calls.factories import Cast
from tests.factories import CohortFactory, make_member
from tests.reviews.factories import assign, make_juror, make_panel

MAX_EXAMPLES = 20
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# A well-formed review may still be refused with 400 by the rules of the jury
# (a score off the panel's scale, a criterion of another framework), as the
# document says; a valid request is never refused with 422.
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=[*PositiveDataAcceptanceConfig().expected_statuses, "400"]
)

# The ids of the rows the test makes, filled by the `cast` fixture before any
# request is drawn: submissions, cities and cohorts share the one `id` parameter.
KNOWN_IDS: list[int] = []


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters or "id" not in path_parameters or not KNOWN_IDS:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters["id"], *KNOWN_IDS]).map(
        lambda id: {**path_parameters, "id": id}
    )


@pytest.fixture
def wsgi_requests_keep_the_test_transaction():
    # As Django's test client does: the end of a request must not close the
    # connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _browser_credentials(user) -> tuple[dict[str, str], dict[str, str]]:
    """The cookies and headers of a logged-in browser: session and CSRF token."""
    client = Client()
    client.force_login(user)
    request = RequestFactory().get("/")
    token = get_token(request)
    cookies = {
        "sessionid": client.cookies["sessionid"].value,
        "csrftoken": request.META["CSRF_COOKIE"],
    }
    return cookies, {"X-CSRFToken": token}


@pytest.fixture
def no_rate_limit(settings):
    # Each operation is tried hundreds of times from one address, within a
    # minute; the limit has tests of its own (tests/api/test_http.py).
    settings.LC_API_RATE_LIMIT = (0, 60)


@pytest.fixture
def identities(private_root, fast_password_hashing, no_rate_limit):
    """Anonymous, a coordinator with a complete draft, a juror assigned to another city's
    submitted application, and a juror without a second factor (refused everywhere)."""
    cast = Cast()
    draft = cast.draft()
    other = Cast(call=cast.call, country_code="DE")
    submitted = other.move(other.draft(), "submitted")
    panel = make_panel(cast.call)
    juror = make_juror(panel)
    assign(panel, submitted, juror)
    membership = make_member(cohort=CohortFactory())
    KNOWN_IDS[:] = [draft.pk, submitted.pk, membership.city_id, membership.cohort_id]
    organisation = cast.coordinator.affiliations.get().organisation
    _token, key = create_token(
        organisation, actor=cast.coordinator, name="Partner", scopes=Scope.values, days=30
    )
    yield {
        "anonymous": ({}, {}),
        "a partner's token": ({}, {"Authorization": f"Bearer {key}"}),
        "coordinator": _browser_credentials(cast.coordinator),
        "juror": _browser_credentials(juror),
        "juror without a second factor": _browser_credentials(make_juror(panel, totp=False)),
    }
    KNOWN_IDS.clear()


def _negates_the_identity(case, cookies, headers) -> bool:
    """Whether the case is invalid by what the identity replaces: its session or its token.

    The identity's own cookie (the document's only cookie) or Authorization
    header replaces the generated one on the way out, so the request sent may
    not be the invalid one and need not be refused.
    """
    meta = case.meta
    if not (meta and meta.generation.mode.is_negative):
        return False
    negative = {location for location, info in meta.components.items() if info.mode.is_negative}
    location = getattr(meta.phase.data, "parameter_location", None)
    if location is not None:
        negative.add(location)
    return bool(
        (ParameterLocation.COOKIE in negative and cookies)
        or (ParameterLocation.HEADER in negative and "Authorization" in headers)
    )


def _with_a_cursor_the_list_gave(case, cookies, headers) -> None:
    """Give a valid case's ``cursor`` one the list made, as a client would have it.

    A cursor is valid only if the list made it (signed); any other string is
    rightly refused with 422, and the document cannot say so by its schema.
    So a valid case asks for the list's first item and goes on from there, or
    leaves the cursor out when the list has nothing after its first item.
    ``page`` goes, as a cursor replaces it.
    """
    query = case.query or {}
    if "cursor" not in query or (case.meta and case.meta.generation.mode.is_negative):
        return
    rest = {name: value for name, value in query.items() if name not in {"cursor", "page"}}
    case.query = {**rest, "page_size": 1}
    first = case.call(cookies=cookies, headers=headers)
    cursor = first.json().get("next_cursor") if first.status_code == 200 else None
    case.query = {**rest, "cursor": cursor} if cursor else rest


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_request_as_documented(
    case, identities, wsgi_requests_keep_the_test_transaction
):
    for who, (cookies, headers) in identities.items():
        _with_a_cursor_the_list_gave(case, cookies, headers)
        response = case.call(cookies=cookies, headers=headers)
        excluded = (
            [negative_data_rejection] if _negates_the_identity(case, cookies, headers) else []
        )
        try:
            case.validate_response(
                response, checks=CHECKS, excluded_checks=excluded, headers=headers
            )
        except Exception as error:
            error.add_note(f"as {who}")
            raise
        assert response.status_code < 500, who
