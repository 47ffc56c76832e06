"""The Learning City Award's winners, and the cities of the thematic clusters."""

from django.utils.translation import gettext_lazy as _

from learningcities.calls.domain.queries.public import award_wins_stamp
from learningcities.calls.models import AwardWin
from learningcities.network.models.countries import localised_country_name
from learningcities.practices.domain.revision import practices_revision
from learningcities.practices.enums import ClusterCode, ClusterRequestStatus, ClusterRole
from learningcities.practices.models import ClusterMembership

from .base import Dataset, Field, register
from .network import CITY, CITY_ID, COUNTRY, COUNTRY_CODE, register_revision


def _winners():
    wins = AwardWin.objects.select_related("city").order_by("year", "city__name", "pk")
    for win in wins.iterator(chunk_size=2000):
        yield {
            "year": win.year,
            "city_id": win.city_id,
            "city": win.city.name,
            "country_code": win.city.country_id,
            "country": localised_country_name(win.city.country_id),
        }


def _winners_revision() -> str:
    """The register's (cities' names) and the wins recorded."""
    return f"{register_revision()}-{award_wins_stamp()}"


register(
    Dataset(
        name="award-winners",
        title=_("Learning City Award winners"),
        description=_("Every city that won the UNESCO Learning City Award, by year."),
        fields=(
            Field("year", "year", _("Year"), _("The year of the award."), required=True),
            CITY_ID,
            CITY,
            COUNTRY_CODE,
            COUNTRY,
        ),
        rows=_winners,
        revision=_winners_revision,
        primary_key=("year", "city_id"),
        keywords=("Learning City Award",),
    )
)


def _cluster_members():
    members = (
        ClusterMembership.objects.filter(status=ClusterRequestStatus.ACCEPTED)
        .select_related("cluster", "city")
        .order_by("cluster__order", "cluster__pk", "city__name", "pk")
    )
    labels = dict(ClusterCode.choices)
    for member in members.iterator(chunk_size=2000):
        yield {
            "cluster": member.cluster.code,
            "cluster_name": str(labels.get(member.cluster.code, member.cluster.code)),
            "city_id": member.city_id,
            "city": member.city.name,
            "country_code": member.city.country_id,
            "role": member.role,
            "since": member.decided_at,
        }


register(
    Dataset(
        name="cluster-members",
        title=_("Thematic clusters and their cities"),
        description=_(
            "The member cities of each of the network's thematic clusters, with the cities "
            "that lead them."
        ),
        fields=(
            Field(
                "cluster",
                "string",
                _("Cluster code"),
                _("The cluster, by its code."),
                required=True,
                enum=tuple(ClusterCode.values),
            ),
            Field("cluster_name", "string", _("Cluster"), _("The cluster's name.")),
            CITY_ID,
            CITY,
            COUNTRY_CODE,
            Field(
                "role",
                "string",
                _("Role"),
                _("member, or lead (a city that leads the cluster)."),
                required=True,
                enum=tuple(ClusterRole.values),
            ),
            Field(
                "since", "datetime", _("Since"), _("When the city's membership was accepted (UTC).")
            ),
        ),
        rows=_cluster_members,
        revision=lambda: str(practices_revision()),
        primary_key=("cluster", "city_id"),
        keywords=("thematic clusters",),
    )
)
