"""The member list as the export writes it."""

from ...enums import MembershipStatus
from ...models import Membership


def member_rows_for_export() -> list[dict]:
    """Return one row per city that has a membership: its active one, else its latest.

    Rows are dicts keyed by the member-list columns (city, country, joined, ...),
    ``joined`` written with its precision; ordered by country, then folded name.
    One query, whatever the size of the network.
    """
    chosen: dict[int, Membership] = {}
    memberships = Membership.objects.select_related("city", "cohort").order_by(
        "city__country_id", "city__name_folded", "city_id", "member_from", "pk"
    )
    for membership in memberships:
        current = chosen.get(membership.city_id)
        if current is None or current.status != MembershipStatus.ACTIVE:
            chosen[membership.city_id] = membership
    rows = []
    for membership in chosen.values():
        city = membership.city
        rows.append(
            {
                "city": city.name,
                "country": city.country_id,
                "joined": membership.joined_iso,
                "population": city.population,
                "latitude": city.latitude,
                "longitude": city.longitude,
                "local_name": city.local_name,
                "admin_area": city.admin_area,
                "cohort": membership.cohort.name if membership.cohort else "",
                "source": membership.source,
            }
        )
    return rows
