"""Pagination with the envelope every list of the API answers with: by page number or by cursor.

A page number is easy to jump with; a cursor walks a list that changes
under it without repeating or skipping an item. A cursor is the position
after the last item of a page: the values of the list's sort keys there
(keyset pagination), signed so that a client cannot forge one and a cursor
of one list is refused by another. Every page names the cursor that follows
it (``next_cursor``), so a client may switch from pages to cursors at any
point.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Field, Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Query, Schema
from pydantic import WithJsonSchema

from .errors import invalid_parameter

# Beyond this the offset alone would overflow some databases' integers; no list is that long.
MAX_PAGE = 1_000_000
# A cursor holds a handful of sort keys; a longer one was not made here.
MAX_CURSOR_LENGTH = 1000


PageNumber = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_PAGE,
        description="Page number, from 1. A page past the last one is empty.",
        example=1,
    ),
]
PageSize = Annotated[
    int,
    Query(
        ge=1,
        le=settings.LC_API_MAX_PAGE_SIZE,
        description=(
            f"Items per page (default {settings.LC_API_PAGE_SIZE}, "
            f"at most {settings.LC_API_MAX_PAGE_SIZE})."
        ),
        example=settings.LC_API_PAGE_SIZE,
    ),
]
PageCursor = Annotated[
    Annotated[
        str | None,
        WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_CURSOR_LENGTH}),
    ],
    Query(
        None,
        min_length=1,
        max_length=MAX_CURSOR_LENGTH,
        description=(
            "Where to go on: the `next_cursor` of the page before (instead of `page`). The "
            "page holds the items after that position, so items added or removed meanwhile "
            "are neither repeated nor skipped. A cursor walks forward and belongs to its list."
        ),
    ),
]
DEFAULT_PAGE_SIZE = settings.LC_API_PAGE_SIZE


class PageOut(Schema):
    """The envelope of a list; each list's page adds its ``results``."""

    count: int = SchemaField(description="Items in the whole list.")
    page: int | None = SchemaField(
        description="The page number, or null when the page was asked for by cursor."
    )
    page_size: int
    next: str | None = SchemaField(description="Absolute URL of the next page, or null.")
    previous: str | None = SchemaField(
        description="Absolute URL of the previous page, or null (always null by cursor)."
    )
    next_cursor: str | None = SchemaField(
        description="The cursor of the next page (the `cursor` parameter), or null at the end."
    )


def page_link(request: HttpRequest, params: dict[str, str], page: int, page_size: int) -> str:
    """Return the absolute URL of ``page`` of the list at ``request.path`` with ``params``."""
    return _list_link(request, {**params, "page": str(page)}, page_size)


def cursor_link(request: HttpRequest, params: dict[str, str], cursor: str, page_size: int) -> str:
    """Return the absolute URL of the page after ``cursor`` of the list at ``request.path``."""
    return _list_link(request, {**params, "cursor": cursor}, page_size)


def _list_link(request: HttpRequest, query: dict[str, str], page_size: int) -> str:
    query = {**query, "page_size": str(page_size)}
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


@dataclass(frozen=True)
class SortKey:
    """One key of a list's order: a field path, its direction and whether it may be empty."""

    path: str
    descending: bool
    field: Field

    @property
    def nullable(self) -> bool:
        return self.field.null

    def ordering(self) -> Any:
        if not self.nullable:
            return f"-{self.path}" if self.descending else self.path
        # Empty values last in either direction, on every database alike.
        expression = F(self.path)
        return (
            expression.desc(nulls_last=True) if self.descending else expression.asc(nulls_last=True)
        )

    def equal(self, value: Any) -> Q:
        return Q(**{f"{self.path}__isnull": True}) if value is None else Q(**{self.path: value})

    def after(self, value: Any) -> Q:
        if value is None:
            return Q(pk__in=[])  # nothing sorts after an empty value
        beyond = Q(**{f"{self.path}__{'lt' if self.descending else 'gt'}": value})
        return beyond | Q(**{f"{self.path}__isnull": True}) if self.nullable else beyond


def _field(model: type[Model], path: str) -> Field:
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    last = parts[-1]
    return model._meta.pk if last == "pk" else model._meta.get_field(last)


def sort_keys(queryset: QuerySet) -> list[SortKey]:
    """Return the keys ``queryset`` is sorted by, ending with its primary key (a total order).

    Only field paths are supported (``"-cycle__due_at"``); a list sorted by an
    expression cannot be walked by cursor and is a programming error.
    """
    model = queryset.model
    keys = []
    for entry in queryset.query.order_by or model._meta.ordering:
        if not isinstance(entry, str):
            raise TypeError(f"A paginated list is sorted by field paths, not by {entry!r}.")
        path = entry.removeprefix("-")
        keys.append(SortKey(path, entry.startswith("-"), _field(model, path)))
    if not any(key.field.primary_key and key.path.count("__") == 0 for key in keys):
        keys.append(SortKey("pk", False, model._meta.pk))
    return keys


def _salt(request: HttpRequest, keys: list[SortKey]) -> str:
    order = ",".join(("-" if key.descending else "") + key.path for key in keys)
    return f"learningcities.api.cursor:{request.path}:{order}"


def _jsonable(value: Any) -> Any:
    # Whole precision: a datetime cut to milliseconds would repeat the item at the cursor.
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    return value


def make_cursor(request: HttpRequest, keys: list[SortKey], values: list[Any]) -> str:
    """Return the signed cursor of the position ``values`` (one per key) in the list."""
    return signing.Signer(salt=_salt(request, keys)).sign_object(
        [_jsonable(value) for value in values]
    )


def read_cursor(request: HttpRequest, keys: list[SortKey], cursor: str) -> list[Any]:
    """Return the position ``cursor`` names, or refuse it (422) if this list did not make it."""
    refusal = invalid_parameter(
        "query",
        "cursor",
        _("This cursor was not given by this list; use the next_cursor of one of its pages."),
    )
    try:
        values = signing.Signer(salt=_salt(request, keys)).unsign_object(cursor)
        if not isinstance(values, list) or len(values) != len(keys):
            raise refusal
        return [
            None if value is None else key.field.to_python(value)
            for key, value in zip(keys, values, strict=True)
        ]
    except (signing.BadSignature, ValueError, DjangoValidationError) as error:
        raise refusal from error


def _annotated(queryset: QuerySet, keys: list[SortKey]) -> QuerySet:
    # Each row carries its sort keys, so the page's last row makes the next cursor.
    return queryset.order_by(*(key.ordering() for key in keys)).annotate(
        **{f"cursor_key_{n}": F(key.path) for n, key in enumerate(keys)}
    )


def _cursor_after(request: HttpRequest, keys: list[SortKey], row: Model) -> str:
    return make_cursor(request, keys, [getattr(row, f"cursor_key_{n}") for n in range(len(keys))])


def _after(keys: list[SortKey], values: list[Any]) -> Q:
    condition = Q(pk__in=[])
    for n, key in enumerate(keys):
        step = key.after(values[n])
        for earlier, value in zip(keys[:n], values[:n], strict=True):
            step &= earlier.equal(value)
        condition |= step
    return condition


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    params: dict[str, str],
    page: int,
    page_size: int,
    cursor: str | None = None,
    prepare: Callable[[QuerySet], QuerySet] = lambda qs: qs,
    item: Callable[[Any], dict] | None = None,
    items: Callable[[list], list[dict]] | None = None,
) -> dict:
    """Return the envelope of one page (``PageOut`` and ``results``), by ``page`` or ``cursor``.

    Two queries: the count, then the page itself (``prepare`` adds what the items
    show, such as related rows and annotations, to the page query only).
    ``params`` are the normalised filters, repeated in the next/previous links.
    A ``cursor`` with an explicit ``page`` is refused (422): they contradict.
    Each row becomes ``item(row)``, or the page's rows ``items(rows)`` when
    an item needs its neighbours (figures computed for the page at once).
    """
    if items is None:
        assert item is not None, "paginate needs item or items"

        def items(rows: list) -> list[dict]:
            return [item(row) for row in rows]

    keys = sort_keys(queryset)
    count = queryset.count()
    if cursor is not None:
        if "page" in request.GET:
            raise invalid_parameter("query", "page", _("Give either page or cursor, not both."))
        position = read_cursor(request, keys, cursor)
        rows = list(
            prepare(_annotated(queryset.filter(_after(keys, position)), keys))[: page_size + 1]
        )
        more = len(rows) > page_size
        rows = rows[:page_size]
        following = _cursor_after(request, keys, rows[-1]) if more else None
        return {
            "count": count,
            "page": None,
            "page_size": page_size,
            "next": cursor_link(request, params, following, page_size) if following else None,
            "previous": None,
            "next_cursor": following,
            "results": items(rows),
        }
    offset = (page - 1) * page_size
    rows = (
        list(prepare(_annotated(queryset, keys))[offset : offset + page_size])
        if offset < count
        else []
    )
    last_page = max(1, -(-count // page_size))
    more = page < last_page and bool(rows)
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": page_link(request, params, page + 1, page_size) if page < last_page else None,
        "previous": (
            page_link(request, params, min(page - 1, last_page), page_size) if page > 1 else None
        ),
        "next_cursor": _cursor_after(request, keys, rows[-1]) if more else None,
        "results": items(rows),
    }
