"""The directory of member cities: search, filters, sort and pages."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..domain.queries.directory import (
    STATUS_CURRENT,
    cities_for_directory,
    countries_with_members,
    joining_years,
)
from ..interfaces.forms import DirectoryFilterForm
from .caching import Page, cached_page

# How many page links stand either side of the current one.
PAGE_WINDOW = 2


def page_number(raw: str | None, notices: list[str]) -> int:
    """Return the page asked for (1 if missing or not a positive whole number)."""
    if raw in (None, ""):
        return 1
    try:
        number = int(raw)
    except ValueError:
        number = 0
    if number < 1:
        notices.append(_("“%(value)s” is not a page number; showing page 1.") % {"value": raw})
        return 1
    return number


def page_links(current: int, last: int) -> list[int | None]:
    """Return the page numbers to link, ``None`` standing for a gap."""
    shown = {1, last, *range(current - PAGE_WINDOW, current + PAGE_WINDOW + 1)}
    numbers = sorted(n for n in shown if 1 <= n <= last)
    links: list[int | None] = []
    for n in numbers:
        if links and n - links[-1] > 1:
            links.append(None)
        links.append(n)
    return links


def build_directory(request: HttpRequest) -> Page:
    form = DirectoryFilterForm(
        request.GET, countries=countries_with_members(), years=joining_years()
    )
    filters = form.filters()
    notices = [str(e) for errors in form.errors.values() for e in errors]
    number = page_number(request.GET.get("page"), notices)
    paginator = Paginator(cities_for_directory(filters), settings.LC_DIRECTORY_PAGE_SIZE)
    if number > paginator.num_pages:
        notices.append(
            _("There is no page %(number)s; showing the last page, %(last)s.")
            % {"number": number, "last": paginator.num_pages}
        )
        number = paginator.num_pages
    page = paginator.page(number)
    query = request.GET.copy()
    query.pop("page", None)
    return (
        "network/directory.html",
        {
            "form": form,
            "filters": filters,
            "show_status": filters.status != STATUS_CURRENT,
            "filtered": form.active_filters(),
            "notices": notices,
            "page": page,
            "paginator": paginator,
            "page_links": page_links(page.number, paginator.num_pages),
            "query": query.urlencode(),
        },
    )


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    """List member cities, filtered, searched, sorted and in pages."""
    return cached_page(request, "directory", lambda: build_directory(request))
