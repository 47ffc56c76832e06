"""The register's section of the site's search: the cities anyone may see."""

from django.urls import reverse
from django.utils.http import urlencode

from learningcities.common.site_search import Found

from ..domain.queries.directory import cities_for_public, search_cities


def find_cities(query: str, limit: int) -> tuple[int, list[Found]]:
    """Return how many public cities match ``query`` and the first ``limit`` by name."""
    cities = search_cities(cities_for_public(), query)
    found = cities.select_related("country").order_by("name", "pk")[:limit]
    return cities.count(), [
        Found(title=city.name, url=city.get_absolute_url(), detail=city.country.display_name)
        for city in found
    ]


def directory_url(query: str) -> str:
    return reverse("network:directory") + "?" + urlencode({"q": query, "status": "all"})
