"""Reads of clusters: the list with its counts, a cluster's cities, requests and practices.

Each costs one query whatever the number of rows, so a cluster's page costs
the same for three cities and for three hundred.
"""

from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from learningcities.accounts.rules import is_secretariat

from ...enums import ClusterRequestStatus, ClusterRole, PracticeStatus
from ...models import Cluster, ClusterMembership, Practice
from ..clusters import led_cluster_ids


def clusters_with_counts() -> QuerySet[Cluster]:
    """Return every cluster with ``member_count`` (cities in it) and ``lead_count``."""
    accepted = Q(memberships__status=ClusterRequestStatus.ACCEPTED)
    return Cluster.objects.annotate(
        member_count=Count("memberships", filter=accepted),
        lead_count=Count("memberships", filter=accepted & Q(memberships__role=ClusterRole.LEAD)),
    ).order_by("order", "pk")


def cluster_cities(cluster: Cluster) -> list[ClusterMembership]:
    """Return the cities in ``cluster`` (accepted), the lead cities first, then by name."""
    return list(
        cluster.memberships.filter(status=ClusterRequestStatus.ACCEPTED)
        .select_related("city__country")
        .order_by("role", "city__name")
    )


def pending_requests(cluster: Cluster) -> QuerySet[ClusterMembership]:
    """Return the requests to join ``cluster`` that wait for a decision, oldest first."""
    return (
        cluster.memberships.filter(status=ClusterRequestStatus.REQUESTED)
        .select_related("city__country")
        .order_by("requested_at", "pk")
    )


def cluster_practices(cluster: Cluster, *, limit: int = 20) -> list[Practice]:
    """Return the latest published practices of ``cluster`` (at most ``limit``)."""
    return list(
        Practice.objects.filter(status=PracticeStatus.PUBLISHED, clusters=cluster)
        .select_related("city__country")
        .order_by("-published_at", "-pk")[:limit]
    )


def cluster_practice_count(cluster: Cluster) -> int:
    return Practice.objects.filter(status=PracticeStatus.PUBLISHED, clusters=cluster).count()


def _clusters_waiting(cluster_ids=None) -> list[Cluster]:
    """Return the clusters (of ``cluster_ids``, or all) with ``waiting`` requests to join."""
    clusters = Cluster.objects.annotate(
        waiting=Count("memberships", filter=Q(memberships__status=ClusterRequestStatus.REQUESTED))
    ).filter(waiting__gt=0)
    if cluster_ids is not None:
        clusters = clusters.filter(pk__in=cluster_ids)
    return list(clusters.order_by("order", "pk"))


def secretariat_cluster_work(user) -> dict | None:
    """ "My work" of the secretariat: the clusters with requests to join waiting (one query)."""
    if not is_secretariat(user):
        return None
    return {"clusters": _clusters_waiting(), "clusters_url": reverse("practices:clusters")}


def lead_cluster_work(user) -> dict | None:
    """ "My work" of a lead city's coordinator: requests waiting in the clusters it leads.

    Three queries at most; None for a person whose cities lead no cluster.
    """
    led = led_cluster_ids(user)
    if not led:
        return None
    return {"clusters": _clusters_waiting(led), "clusters_url": reverse("practices:clusters")}
