"""What the library adds to a city's public page (network.domain.city_sections)."""

from ..domain.clusters import active_member_cities
from ..domain.peers import peers_for_city
from ..domain.queries.practices import city_published_practices

# The practices listed on a city's page; the library lists the rest.
CITY_PAGE_LIMIT = 10
# The cities like it a member city's page lists.
CITY_PAGE_PEERS = 4


def city_practices_section(city) -> dict | None:
    """The city's published practices (its own and those it is a partner of), newest first."""
    practices = list(city_published_practices(city.pk)[: CITY_PAGE_LIMIT + 1])
    if not practices:
        return None
    return {
        "city": city,
        "practices": practices[:CITY_PAGE_LIMIT],
        "more": len(practices) > CITY_PAGE_LIMIT,
    }


def city_peers_section(city) -> dict | None:
    """Member cities like a member city, with the reasons anyone may read (None otherwise)."""
    if not active_member_cities().filter(pk=city.pk).exists():
        return None
    matches = peers_for_city(city, limit=CITY_PAGE_PEERS, public=True)
    return {"city": city, "matches": matches} if matches else None
