"""Clusters: cities ask to join, the secretariat or the cluster's lead cities decide; leads write.

A city's place in a cluster is one ``ClusterMembership`` row, which moves:

    (none) or declined -> requested      (a coordinator of a member city asks)
    requested -> accepted | declined     (the secretariat or a lead city's coordinator)
    accepted member <-> lead city        (the secretariat alone)

Every change runs in one transaction with its activity entry and its notice
(queued in the outbox, sent after the commit). A lead city's coordinators and
the secretariat write to every member city of the cluster through the outbox:
one message per city, so no city sees another's addresses.

The permissions of these pages are django-rules predicates defined here, next
to the reads they need (the cities a person coordinates, the clusters they
lead), and registered as ``practices.*_cluster*`` permissions.

Apps above practices add sections to a cluster's page (``register_cluster_section``):
events shows the cluster's meetings without practices importing events.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import rules
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from learningcities.accounts.enums import Role
from learningcities.accounts.models import Organisation
from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.outbox import queue_message_by_language
from learningcities.network.enums import MembershipStatus
from learningcities.network.models import City, Membership

from ..enums import ClusterRequestStatus, ClusterRole
from ..models import Cluster, ClusterMembership
from ..rules import coordinated_organisation_ids
from .errors import PracticeError
from .revision import bump_practices_revision

_CITY_IDS = "_lc_coordinated_city_ids"
_LEAD_CLUSTERS = "_lc_lead_cluster_ids"
MESSAGE_SUBJECT_LENGTH = 150
MESSAGE_LENGTH = 8000


# --- Who acts for which city, and which clusters they lead (memoised on the user) ----------


def coordinated_city_ids(user) -> frozenset[int]:
    """Return the ids of the cities the person coordinates for (one query, memoised)."""
    found = getattr(user, _CITY_IDS, None)
    if found is None:
        organisations = coordinated_organisation_ids(user)
        found = (
            frozenset(
                Organisation.objects.filter(
                    pk__in=organisations, city__isnull=False, is_active=True
                ).values_list("city_id", flat=True)
            )
            if organisations
            else frozenset()
        )
        if getattr(user, "is_authenticated", False):
            setattr(user, _CITY_IDS, found)
    return found


def led_cluster_ids(user) -> frozenset[int]:
    """Return the ids of the clusters in which one of the person's cities is a lead city."""
    found = getattr(user, _LEAD_CLUSTERS, None)
    if found is None:
        cities = coordinated_city_ids(user)
        found = (
            frozenset(
                ClusterMembership.objects.filter(
                    city_id__in=cities,
                    role=ClusterRole.LEAD,
                    status=ClusterRequestStatus.ACCEPTED,
                ).values_list("cluster_id", flat=True)
            )
            if cities
            else frozenset()
        )
        if getattr(user, "is_authenticated", False):
            setattr(user, _LEAD_CLUSTERS, found)
    return found


def active_member_cities() -> QuerySet[City]:
    """Return the cities that are members of the network now (an active membership)."""
    return City.objects.filter(
        Exists(Membership.objects.filter(city=OuterRef("pk"), status=MembershipStatus.ACTIVE))
    )


def cities_that_may_join(user, cluster: Cluster) -> list[City]:
    """Return the person's member cities that may ask to join ``cluster`` (two queries at most).

    A city may ask when it is a member of the network and has neither asked
    nor been accepted (a declined city may ask again).
    """
    cities = coordinated_city_ids(user)
    if not cities:
        return []
    taken = ClusterMembership.objects.filter(cluster=cluster, city=OuterRef("pk")).exclude(
        status=ClusterRequestStatus.DECLINED
    )
    return list(
        active_member_cities()
        .filter(pk__in=cities)
        .exclude(Exists(taken))
        .select_related("country")
        .order_by("name")
    )


# --- Permissions --------------------------------------------------------------------------


@rules.predicate
def leads_cluster(user, cluster) -> bool:
    """A coordinator of one of the cluster's lead cities."""
    return cluster is not None and cluster.pk in led_cluster_ids(user)


@rules.predicate
def may_ask_to_join(user, cluster) -> bool:
    """A coordinator of a member city that is not in the cluster yet and has not asked."""
    return cluster is not None and bool(cities_that_may_join(user, cluster))


@rules.predicate
def coordinates_city(user, city) -> bool:
    """A coordinator of ``city``."""
    return city is not None and city.pk in coordinated_city_ids(user)


@rules.predicate
def coordinates_another_city(user, city) -> bool:
    """A coordinator of a city other than ``city`` (who may write to it)."""
    return city is not None and bool(coordinated_city_ids(user) - {city.pk})


can_decide_cluster_requests = is_secretariat | leads_cluster
can_write_to_cluster = is_secretariat | leads_cluster

rules.set_perm("practices.join_cluster", may_ask_to_join)
rules.set_perm("practices.decide_cluster_request", can_decide_cluster_requests)
rules.set_perm("practices.write_to_cluster", can_write_to_cluster)
rules.set_perm("practices.change_cluster_role", is_secretariat)
rules.set_perm("practices.view_peers", coordinates_city | is_secretariat)
rules.set_perm("practices.contact_city", coordinates_another_city)


# --- Sections added by other apps ---------------------------------------------------------

ClusterSectionBuilder = Callable[[Cluster], dict | None]


@dataclass(frozen=True)
class ClusterSection:
    """A part of a cluster's page drawn by another app's ``template`` (its context: ``section``)."""

    key: str
    title: str | Promise
    template: str
    build: ClusterSectionBuilder = field(compare=False)
    order: int = 100


_sections: dict[str, ClusterSection] = {}


def register_cluster_section(
    key: str,
    *,
    title: str | Promise,
    template: str,
    build: ClusterSectionBuilder,
    order: int = 100,
) -> ClusterSection:
    """Add a section to every cluster's page (registering ``key`` again replaces it).

    ``build(cluster)`` returns the context of ``template`` (given to it as
    ``section``), or None to leave the section out for that cluster; it must
    run a fixed number of queries. Apps above practices call this from their
    ``AppConfig.ready()``.
    """
    section = ClusterSection(key=key, title=title, template=template, build=build, order=order)
    _sections[key] = section
    return section


def cluster_sections(cluster: Cluster) -> list[tuple[ClusterSection, dict]]:
    """Return the registered sections that apply to ``cluster``, each with its context."""
    found = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.build(cluster)
        if context is not None:
            found.append((section, context))
    return found


# --- Changes ------------------------------------------------------------------------------


def ask_to_join(cluster: Cluster, *, city: City, actor, motivation: str = "") -> ClusterMembership:
    """Ask, for ``city``, to join ``cluster``; return the request.

    Refused unless ``actor`` coordinates ``city``, the city is a member of the
    network, and it has neither asked nor joined (a declined city asks again:
    its row starts over). Effects: the membership row (requested), an activity
    entry, a notice to the cluster's lead cities' coordinators and the secretariat.
    """
    with transaction.atomic():
        if city.pk not in coordinated_city_ids(actor):
            raise PracticeError(
                _("Only a coordinator of the city asks for it to join a cluster."),
                code="not_permitted",
            )
        if not active_member_cities().filter(pk=city.pk).exists():
            raise PracticeError(
                _("Only member cities of the network join its clusters."), code="not_member"
            )
        membership = (
            ClusterMembership.objects.select_for_update().filter(cluster=cluster, city=city).first()
        )
        if membership is not None and membership.status != ClusterRequestStatus.DECLINED:
            raise PracticeError(
                _("%(city)s has already asked to join this cluster, or is in it.")
                % {"city": city.name},
                code="already_asked",
            )
        before = membership.status if membership else None
        if membership is None:
            membership = ClusterMembership(cluster=cluster, city=city)
        membership.role = ClusterRole.MEMBER
        membership.status = ClusterRequestStatus.REQUESTED
        membership.motivation = motivation.strip()
        membership.requested_by = actor
        membership.decided_by = None
        membership.decided_at = None
        membership.requested_at = timezone.now()
        try:
            # A second request at the same moment meets the one-row-per-city constraint.
            with transaction.atomic():
                membership.save()
        except IntegrityError:
            raise PracticeError(
                _("%(city)s has already asked to join this cluster, or is in it.")
                % {"city": city.name},
                code="already_asked",
            ) from None
        record_activity(
            "practices.cluster.ask",
            actor=actor,
            organisation=organisation_of(city),
            subject=membership,
            changes={"status": [before, membership.status], "cluster": [None, cluster.code]},
        )
        _notify_deciders(membership)
    return membership


def decide_request(membership: ClusterMembership, *, accept: bool, actor) -> ClusterMembership:
    """Accept or decline a city's request to join its cluster; return the membership.

    Refused unless the request waits and ``actor`` is the secretariat or a
    coordinator of one of the cluster's lead cities. Effects: the status, who
    decided and when, the library's revision (if accepted), an activity entry,
    a notice to the city's coordinators.
    """
    with transaction.atomic():
        membership = (
            ClusterMembership.objects.select_for_update()
            .select_related("cluster", "city")
            .get(pk=membership.pk)
        )
        if not can_decide_cluster_requests(actor, membership.cluster):
            raise PracticeError(
                _("Only the secretariat or the cluster's lead cities decide who joins it."),
                code="not_permitted",
            )
        if membership.status != ClusterRequestStatus.REQUESTED:
            raise PracticeError(_("This request was already decided."), code="already_decided")
        status = ClusterRequestStatus.ACCEPTED if accept else ClusterRequestStatus.DECLINED
        membership.status = status
        membership.decided_by = actor
        membership.decided_at = timezone.now()
        membership.save(update_fields=["status", "decided_by", "decided_at"])
        if accept:
            bump_practices_revision()  # a cluster's members change the cities' matches
        record_activity(
            "practices.cluster.accept" if accept else "practices.cluster.decline",
            actor=actor,
            organisation=organisation_of(membership.city),
            subject=membership,
            changes={"status": [ClusterRequestStatus.REQUESTED, status]},
        )
        _notify_city(membership)
    return membership


def set_cluster_role(membership: ClusterMembership, *, role: str, actor) -> ClusterMembership:
    """Make a member city of a cluster one of its lead cities, or a plain member again.

    The secretariat's alone; the city must be in the cluster (accepted).
    Effects: the role and an activity entry.
    """
    if role not in ClusterRole.values:
        raise PracticeError(_("This is not a role in a cluster."))
    with transaction.atomic():
        membership = (
            ClusterMembership.objects.select_for_update()
            .select_related("cluster", "city")
            .get(pk=membership.pk)
        )
        if not is_secretariat(actor):
            raise PracticeError(
                _("Only the secretariat names a cluster's lead cities."), code="not_permitted"
            )
        if membership.status != ClusterRequestStatus.ACCEPTED:
            raise PracticeError(_("Only a city in the cluster can lead it."), code="not_in_cluster")
        before = membership.role
        if before == role:
            return membership
        membership.role = role
        membership.save(update_fields=["role"])
        record_activity(
            "practices.cluster.role",
            actor=actor,
            organisation=organisation_of(membership.city),
            subject=membership,
            changes={"role": [before, role]},
        )
    return membership


def write_to_cluster(cluster: Cluster, *, actor, subject: str, message: str) -> int:
    """Send ``message`` to the coordinators of every city in ``cluster``; return how many cities.

    Refused unless ``actor`` is the secretariat or coordinates a lead city of
    the cluster, and when the cluster has no city with a coordinator. Effects:
    one outbox message per city (per language of its coordinators), so no city
    sees another's addresses, and one activity entry.
    """
    subject, message = " ".join(subject.split()), message.strip()
    if not subject or not message:
        raise PracticeError(_("Write a subject and a message."))
    if len(subject) > MESSAGE_SUBJECT_LENGTH or len(message) > MESSAGE_LENGTH:
        raise PracticeError(_("The subject or the message is too long."))
    with transaction.atomic():
        if not can_write_to_cluster(actor, cluster):
            raise PracticeError(
                _("Only the secretariat or the cluster's lead cities write to it."),
                code="not_permitted",
            )
        sender = _sender_name(actor, cluster)
        city_ids = list(
            cluster.memberships.filter(status=ClusterRequestStatus.ACCEPTED).values_list(
                "city_id", flat=True
            )
        )
        by_city = coordinators_by_city(city_ids)
        if not by_city:
            raise PracticeError(
                _("No city of this cluster has a coordinator on the platform yet."),
                code="no_recipients",
            )
        link = _site() + cluster.get_absolute_url()

        def context() -> dict:
            return {
                "cluster": str(cluster.name),
                "sender": sender,
                "subject": subject,
                "message": message,
                "link": link,
            }

        for recipients in by_city.values():
            queue_message_by_language(
                "practices.cluster.message",
                recipients=recipients,
                context=context,
                language=settings.LANGUAGE_CODE,
                related_object=cluster,
            )
        record_activity(
            "practices.cluster.message",
            actor=actor,
            subject=cluster,
            changes={"subject": [None, subject], "cities": [None, len(by_city)]},
        )
    return len(by_city)


# --- Helpers ------------------------------------------------------------------------------


def coordinators_by_city(city_ids) -> dict[int, list[tuple[str, str]]]:
    """Return ``{city id: [(address, language), ...]}`` of the active coordinators (one query)."""
    rows = (
        get_user_model()
        .objects.filter(
            is_active=True,
            affiliations__role=Role.COORDINATOR,
            affiliations__organisation__city_id__in=list(city_ids),
            affiliations__organisation__is_active=True,
        )
        .values_list("affiliations__organisation__city_id", "email", "language")
    )
    found: dict[int, set[tuple[str, str]]] = {}
    for city_id, email, language in rows:
        found.setdefault(city_id, set()).add((email, language))
    return {city_id: sorted(people) for city_id, people in found.items()}


def _secretariat() -> list[tuple[str, str]]:
    people = get_user_model().objects.filter(is_active=True, affiliations__role=Role.SECRETARIAT)
    return sorted(set(people.values_list("email", "language")))


def organisation_of(city: City) -> Organisation | None:
    return Organisation.objects.filter(city=city).first()


def _site() -> str:
    return settings.LC_SITE_URL.rstrip("/")


def _sender_name(actor, cluster: Cluster) -> str:
    """Return who writes: the actor's lead city of ``cluster``, else the secretariat."""
    lead = (
        ClusterMembership.objects.filter(
            cluster=cluster,
            role=ClusterRole.LEAD,
            status=ClusterRequestStatus.ACCEPTED,
            city_id__in=coordinated_city_ids(actor),
        )
        .select_related("city")
        .order_by("city__name")
        .first()
    )
    return lead.city.name if lead else str(_("The secretariat of the network"))


def _notify_deciders(membership: ClusterMembership) -> None:
    cluster, city = membership.cluster, membership.city
    leads = cluster.memberships.filter(
        role=ClusterRole.LEAD, status=ClusterRequestStatus.ACCEPTED
    ).values_list("city_id", flat=True)
    link = _site() + cluster.get_absolute_url()
    # One message for the secretariat and one for each lead city: no city reads
    # the addresses of another's people.
    groups = [_secretariat(), *coordinators_by_city(leads).values()]
    for recipients in groups:
        if not recipients:
            continue
        queue_message_by_language(
            "practices.cluster.requested",
            recipients=sorted(set(recipients)),
            context=lambda: {
                "cluster": str(cluster.name),
                "city": city.name,
                "motivation": membership.motivation,
                "link": link,
            },
            language=settings.LANGUAGE_CODE,
            related_object=membership,
        )


def _notify_city(membership: ClusterMembership) -> None:
    cluster, city = membership.cluster, membership.city
    code = (
        "practices.cluster.accepted"
        if membership.status == ClusterRequestStatus.ACCEPTED
        else "practices.cluster.declined"
    )
    link = _site() + cluster.get_absolute_url()
    queue_message_by_language(
        code,
        recipients=coordinators_by_city([city.pk]).get(city.pk, []),
        context=lambda: {"cluster": str(cluster.name), "city": city.name, "link": link},
        language=settings.LANGUAGE_CODE,
        related_object=membership,
    )
