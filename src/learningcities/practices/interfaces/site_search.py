"""The library's section of the site's search: practices found by the full-text index."""

from django.urls import reverse
from django.utils.http import urlencode

from learningcities.common.site_search import Found
from learningcities.common.translated import shown

from ..domain.queries.practices import practices_by_ids
from ..domain.search import search_practices


def find_practices(query: str, limit: int) -> tuple[int, list[Found]]:
    """Return how many published practices match ``query`` and the best ``limit``."""
    result = search_practices(query, per_page=limit)
    snippets = {hit.practice_id: hit.snippet for hit in result.hits}
    found = []
    for practice in practices_by_ids([hit.practice_id for hit in result.hits]):
        title = shown(practice, "title")
        found.append(
            Found(
                title=title,
                url=practice.get_absolute_url(),
                detail=f"{practice.city.name}, {practice.city.country.display_name}",
                snippet=snippets.get(practice.pk, ""),
                language=title.language,
            )
        )
    return result.total, found


def library_url(query: str) -> str:
    return reverse("practices:library") + "?" + urlencode({"q": query})
