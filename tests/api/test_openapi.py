"""The OpenAPI document lists every status each operation answers and the real formats
of its parameters (issue 11, #11); test_schemathesis checks the answers against it."""

import pycountry
import pytest
from django.test import Client

# The refusals no handler writes, and where they come from: 401 ninja's
# session auth (not logged in); 403 accounts.middleware (a role that needs a
# second factor, without one) on every operation, and the CSRF check of POST
# and PUT; 400 a body that is not JSON; 422 any invalid parameter.


@pytest.fixture(scope="module")
def document():
    # Written from the code alone: no database, so read once for the module.
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", path, operation


def _statuses(operation) -> set[str]:
    return set(operation["responses"])


def _parameter(document, path: str, name: str) -> dict:
    parameters = document["paths"][path]["get"]["parameters"]
    return next(p for p in parameters if p["name"] == name)


def test_openapi_every_operation_documents_the_second_factor_refusal_and_422(document):
    missing = {
        label: {"403", "422"} - _statuses(operation)
        for label, _path, operation in _operations(document)
    }

    assert {label: codes for label, codes in missing.items() if codes} == {}


def test_openapi_operations_behind_a_session_document_401_and_403(document):
    protected = {
        label: _statuses(operation)
        for label, _path, operation in _operations(document)
        if operation.get("security")
    }
    # The routers of calls and of the jury, every operation of which needs a session;
    # and the operations that also take a partner's token (reports, registrations).
    session_routers = {
        label
        for label, path, _operation in _operations(document)
        if "submissions" in path
        or "/jury/" in path
        or path.startswith("/api/v1/reports")
        or path.endswith("/registrations")
        or path.endswith("/delegations")
    }

    assert set(protected) == session_routers
    assert [label for label, codes in protected.items() if not {"401", "403"} <= codes] == []


def test_openapi_operations_with_a_body_document_400(document):
    with_body = [
        label for label, _path, operation in _operations(document) if "requestBody" in operation
    ]
    missing = [
        label
        for label, _path, operation in _operations(document)
        if "requestBody" in operation and "400" not in _statuses(operation)
    ]

    assert with_body == [
        "POST /api/v1/submissions/{id}/transitions",
        "PUT /api/v1/jury/submissions/{id}/review",
        "POST /api/v1/events/{slug}/delegations",
        "PUT /api/v1/reports/{id}/answers",
    ]
    assert missing == []


def test_openapi_operations_on_an_id_document_404(document):
    missing = [
        label
        for label, path, operation in _operations(document)
        if "{id}" in path and "404" not in _statuses(operation)
    ]

    assert missing == []


def test_openapi_refusals_document_their_bodies(document):
    schemas = document["components"]["schemas"]
    transitions = document["paths"]["/api/v1/submissions/{id}/transitions"]["post"]
    listing = document["paths"]["/api/v1/submissions"]["get"]

    def body(operation, status: str) -> dict:
        reference = operation["responses"][status]["content"]["application/json"]["schema"]
        return schemas[reference["$ref"].rsplit("/", 1)[-1]]

    assert body(listing, "401")["required"] == ["detail"]
    assert body(transitions, "403")["required"] == ["detail", "code"]
    assert body(transitions, "400")["required"] == ["detail", "code"]
    assert body(transitions, "409")["required"] == ["detail", "code"]
    assert body(listing, "422")["required"] == ["detail", "message"]


def test_openapi_as_of_is_a_date_in_the_years_statistics_cover_or_empty(document):
    schema = _parameter(document, "/api/v1/network/stats", "as_of")["schema"]

    assert schema["anyOf"] == [
        {"type": "string", "format": "date", "pattern": r"^(19\d\d|20\d\d|2100)-\d\d-\d\d$"},
        {"type": "string", "enum": [""]},
    ]


@pytest.mark.parametrize("path", ["/api/v1/cities", "/api/v1/countries"])
def test_openapi_region_lists_the_unesco_regions_by_name_and_code_or_empty(document, path):
    schema = _parameter(document, path, "region")["schema"]

    assert schema == {
        **schema,
        "type": "string",
        "enum": [
            "Africa",
            "Arab States",
            "Asia and the Pacific",
            "Europe and North America",
            "Latin America and the Caribbean",
            "africa",
            "arab_states",
            "asia_pacific",
            "europe_north_america",
            "latin_america_caribbean",
            "",
        ],
    }


def test_openapi_country_lists_the_iso_alpha_2_codes_or_empty(document):
    schema = _parameter(document, "/api/v1/cities", "country")["schema"]

    assert schema["type"] == "string"
    assert schema["enum"] == [*sorted(entry.alpha_2 for entry in pycountry.countries), ""]
    assert {"VN", "DE", "IE"} <= set(schema["enum"])
    assert "ZZ" not in schema["enum"]


@pytest.mark.parametrize("path", ["/api/v1/cities", "/api/v1/countries"])
def test_openapi_member_is_a_boolean(document, path):
    schema = _parameter(document, path, "member")["schema"]

    assert schema["type"] == "boolean"
    assert "anyOf" not in schema


def test_openapi_optional_query_parameters_are_never_null(document):
    def types(schema: dict) -> list:
        return [schema.get("type"), *(t for s in schema.get("anyOf", []) for t in types(s))]

    nullable = [
        f"{label} {parameter['name']}"
        for label, _path, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if "null" in types(parameter["schema"])
    ]

    assert nullable == []
