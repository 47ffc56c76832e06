"""The site's search page: what the header's search box finds, section by section."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..site_search import MAX_QUERY, SECTION_LIMIT, search_sections


@require_safe
def site_search(request: HttpRequest) -> HttpResponse:
    """Show, for the query, the first things each section finds and how many in all."""
    # A NUL is no text any database stores: a word boundary here, as any control.
    raw = request.GET.get("q", "")[: MAX_QUERY * 4]
    query = " ".join("".join(c if c.isprintable() else " " for c in raw).split())[:MAX_QUERY]
    sections = []
    if query:
        for section in search_sections():
            total, found = section.search(query, SECTION_LIMIT)
            more = section.more_url and total > len(found)
            sections.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "total": total,
                    "found": found,
                    "more": section.more_url(query) if more else "",
                }
            )
    return render(
        request,
        "common/site_search.html",
        {
            "query": query,
            "sections": sections,
            "total": sum(section["total"] for section in sections),
        },
    )
