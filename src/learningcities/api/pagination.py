"""Page-number pagination with the envelope every list of the API answers with."""

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode
from ninja import Query

# Beyond this the offset alone would overflow some databases' integers; no list is that long.
MAX_PAGE = 1_000_000


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
DEFAULT_PAGE_SIZE = settings.LC_API_PAGE_SIZE


def page_link(request: HttpRequest, params: dict[str, str], page: int, page_size: int) -> str:
    """Return the absolute URL of ``page`` of the list at ``request.path`` with ``params``."""
    query = {**params, "page": str(page), "page_size": str(page_size)}
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    params: dict[str, str],
    page: int,
    page_size: int,
    prepare: Callable[[QuerySet], QuerySet] = lambda qs: qs,
    item: Callable[[Any], dict],
) -> dict:
    """Return the envelope of one page: count, page, page_size, next, previous, results.

    Two queries: the count, then the page itself (``prepare`` adds what the items
    show, such as related rows and annotations, to the page query only).
    ``params`` are the normalised filters, repeated in the next/previous links.
    """
    count = queryset.count()
    offset = (page - 1) * page_size
    rows: Iterable = prepare(queryset)[offset : offset + page_size] if offset < count else []
    last_page = max(1, -(-count // page_size))
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": page_link(request, params, page + 1, page_size) if page < last_page else None,
        "previous": (
            page_link(request, params, min(page - 1, last_page), page_size) if page > 1 else None
        ),
        "results": [item(row) for row in rows],
    }
