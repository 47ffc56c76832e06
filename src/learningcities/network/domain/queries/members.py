"""The member list as the export writes it."""

from ...models import Membership


def member_rows_for_export() -> list[dict]:
    """Return one row per membership: every period of every city that has been a member.

    Rows are dicts keyed by the member-list columns (city, country, joined, ...,
    status, ended), ``joined`` written with its precision and ``ended`` as
    YYYY-MM-DD (None while the membership lasts); ordered by country, folded
    name, then joining, so a city that rejoined has its periods in order and
    the list imports back into the same register. One query, whatever the size
    of the network.
    """
    memberships = Membership.objects.select_related("city", "cohort").order_by(
        "city__country_id", "city__name_folded", "city_id", "member_from", "pk"
    )
    rows = []
    for membership in memberships:
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
                "status": membership.status,
                "ended": membership.ended_on.isoformat() if membership.ended_on else None,
            }
        )
    return rows
