"""The map of member cities and the GeoJSON it draws from."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_safe

from ..domain.queries.directory import (
    current_member_count,
    current_members_by_country,
    current_members_for_map,
)
from ..domain.queries.revision import cached_for_revision
from .caching import Page, cached_page

# Up to this many members, the page lists every one of them below the map;
# beyond, it lists the countries, each linking to its members.
MAP_LIST_LIMIT = 1000


def build_map() -> Page:
    count = current_member_count()
    if count <= MAP_LIST_LIMIT:
        groups = current_members_by_country()
        summary = []
    else:
        groups = []
        summary = [(country, len(cities)) for country, cities in current_members_by_country()]
    return (
        "network/map.html",
        {
            "member_count": count,
            "groups": groups,
            "summary": summary,
            "tiles_url": getattr(settings, "LC_MAP_TILES_URL", ""),
            "tiles_attribution": getattr(settings, "LC_MAP_TILES_ATTRIBUTION", ""),
        },
    )


@require_safe
def map_page(request: HttpRequest) -> HttpResponse:
    """Show every current member on a map, with a list of them for those who cannot see it."""
    return cached_page(request, "map", build_map)


def members_geojson() -> bytes:
    """Return the current members with coordinates as a GeoJSON FeatureCollection."""
    placeholder = 999999999
    url_pattern = reverse("network:city", kwargs={"pk": placeholder})
    features = [
        {
            "type": "Feature",
            "id": city.pk,
            "geometry": {
                "type": "Point",
                "coordinates": [round(city.longitude, 5), round(city.latitude, 5)],
            },
            "properties": {
                "name": city.name,
                # In its local script when the register has it and it differs.
                "local_name": city.local_name if city.local_name != city.name else "",
                "country": city.country.display_name,
                "url": url_pattern.replace(str(placeholder), str(city.pk)),
            },
        }
        for city in current_members_for_map()
    ]
    data = {"type": "FeatureCollection", "features": features}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@require_safe
@gzip_page  # public data, no secret in it: compressed for slow links (a third of the size)
def map_data(request: HttpRequest) -> HttpResponse:
    """Answer the map's GeoJSON, cached for the register's revision, language and day."""
    key = f"map-geojson:{get_language()}:{timezone.localdate().isoformat()}"
    body = cached_for_revision(key, members_geojson)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Vary"] = "Accept-Language, Cookie"
    return response
