"""The REST API's reference, read from its OpenAPI schema, for a page in the site's frame.

The schema is the one ninja serves at ``/api/v1/openapi.json``; this module
turns it into operations grouped by tag (method, path, summary, description,
parameters, responses) and the schemas of the bodies, with their properties.
Read once per process: the schema changes only with the code.
"""

import functools
from dataclasses import dataclass

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    schema: str


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    body: str
    responses: tuple[Response, ...]


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool
    description: str


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    properties: tuple[Property, ...]


@dataclass(frozen=True)
class Reference:
    title: str
    version: str
    description: str
    tags: tuple[tuple[str, tuple[Operation, ...]], ...]
    schemas: tuple[Schema, ...]


def _ref_name(schema: dict) -> str:
    ref = schema.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref else ""


def type_of(schema: dict) -> str:
    """A short description of a JSON Schema's type: ``string (date)``, ``array of CityOut``."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return _ref_name(schema)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            kinds = [type_of(item) for item in schema[key]]
            kinds = [kind for kind in kinds if kind != "string (empty)"] or kinds
            return " or ".join(dict.fromkeys(kinds))
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {type_of(schema.get('items', {}))}"
    if schema.get("enum") == [""]:
        return "string (empty)"
    if "enum" in schema and len(schema["enum"]) <= 8:
        return f"{kind}: " + ", ".join(str(value) for value in schema["enum"])
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _parameters(operation: dict) -> tuple[Parameter, ...]:
    return tuple(
        Parameter(
            name=item["name"],
            where=item.get("in", ""),
            required=bool(item.get("required")),
            type=type_of(item.get("schema", {})),
            description=item.get("description") or item.get("schema", {}).get("description", ""),
        )
        for item in operation.get("parameters", [])
    )


def _body(operation: dict) -> str:
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        return type_of(media.get("schema", {}))
    return ""


def _responses(operation: dict) -> tuple[Response, ...]:
    responses = []
    for status, item in sorted(operation.get("responses", {}).items()):
        schema = ""
        for media in item.get("content", {}).values():
            schema = type_of(media.get("schema", {}))
        responses.append(Response(status, item.get("description", ""), schema))
    return tuple(responses)


def _schemas(components: dict) -> tuple[Schema, ...]:
    schemas = []
    for name, schema in sorted(components.get("schemas", {}).items()):
        required = set(schema.get("required", []))
        properties = tuple(
            Property(key, type_of(value), key in required, value.get("description", ""))
            for key, value in schema.get("properties", {}).items()
        )
        schemas.append(Schema(name, schema.get("description", ""), properties))
    return tuple(schemas)


def reference_from(openapi: dict) -> Reference:
    """The reference of the OpenAPI document ``openapi``."""
    tags: dict[str, list[Operation]] = {}
    for path, item in openapi.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            entry = Operation(
                id=operation.get("operationId", f"{method}-{path}"),
                method=method.upper(),
                path=path,
                summary=operation.get("summary", ""),
                description=operation.get("description", ""),
                parameters=_parameters(operation),
                body=_body(operation),
                responses=_responses(operation),
            )
            for tag in operation.get("tags", ["other"]):
                tags.setdefault(tag, []).append(entry)
    info = openapi.get("info", {})
    return Reference(
        title=info.get("title", ""),
        version=str(info.get("version", "")),
        description=info.get("description", ""),
        tags=tuple((tag, tuple(operations)) for tag, operations in tags.items()),
        schemas=_schemas(openapi.get("components", {})),
    )


@functools.cache
def api_reference() -> Reference:
    """The reference of the project's API (computed once per process)."""
    from learningcities.api.urls import api

    return reference_from(api.get_openapi_schema())
