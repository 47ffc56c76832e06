"""Cities like mine: peers matched on region, size, clusters and complementary strengths.

A city is matched with the other member cities of the network; each match
says why, in the reader's language:

- the same UNESCO region;
- the same size band (``SIZE_BANDS``, by population);
- each cluster both cities are in;
- complementary strengths: the Key Features areas where the city rated
  itself weakest in its latest submitted application are matched with the
  cities that published a practice in that area, or rated themselves strong
  there in their own latest application.

The reasons weigh differently (``WEIGHTS``): a practice that answers a
weakness counts most. ``peers_for_city`` reads a fixed number of queries
whatever the number of member cities: each step reads all candidates at once.

Contact requests (``send_contact_request``) let a city's coordinator write to
another city; the platform relays the message to that city's coordinators,
and neither side ever sees an address of the other.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from learningcities.accounts.enums import Role
from learningcities.accounts.models import Organisation
from learningcities.calls.enums import CallKind, SubmissionState, submitted_states
from learningcities.calls.models import Answer, Submission
from learningcities.common.domain.activity import record_activity
from learningcities.common.domain.outbox import queue_message_by_language
from learningcities.common.translated import shown
from learningcities.frameworks.models import Area
from learningcities.network.domain.queries.revision import current_revision
from learningcities.network.models import City

from ..enums import ClusterRequestStatus, PracticeStatus
from ..models import ClusterMembership, ContactRequest, Practice
from .clusters import (
    active_member_cities,
    coordinated_city_ids,
    coordinators_by_city,
    organisation_of,
)
from .errors import PracticeError
from .revision import practices_revision

# Upper bounds of the size bands by population, with their labels; the last has none.
SIZE_BANDS = (
    (100_000, gettext_lazy("under 100,000 people")),
    (500_000, gettext_lazy("100,000 to 500,000 people")),
    (1_000_000, gettext_lazy("500,000 to 1 million people")),
    (5_000_000, gettext_lazy("1 to 5 million people")),
    (None, gettext_lazy("over 5 million people")),
)
WEIGHTS = {"region": 1, "size": 1, "cluster": 2, "strength": 3}
# How many of its weakest areas a city is matched on.
WEAK_AREAS = 2
# A rating counts as strong from this share of its scale up (0 = lowest, 1 = highest).
STRONG_SHARE = Decimal("0.75")
# The calls whose self-ratings count (progress reports will join when they exist).
RATED_CALL_KINDS = (CallKind.MEMBERSHIP,)
# At most this many contact requests leave one city a day.
CONTACT_LIMIT_PER_DAY = 10
CONTACT_MESSAGE_LENGTH = 4000
# How long "My work" keeps a city's matches at most (``cached_peers``).
PEERS_CACHE_SECONDS = 3600


@dataclass
class Match:
    """A city like mine, with the reasons it matches (translated sentences), best first."""

    city: City
    reasons: list[str] = field(default_factory=list)
    score: int = 0


def size_band(population: int | None) -> int | None:
    """Return the index of the band of ``population`` in ``SIZE_BANDS`` (None if unknown)."""
    if population is None:
        return None
    for index, (upper, _label) in enumerate(SIZE_BANDS):
        if upper is None or population < upper:
            return index
    return None


def _latest_submissions():
    """Return the latest submitted application of each city (a subquery's filter)."""
    latest = (
        Submission.objects.filter(
            city=OuterRef("submission__city"),
            call__kind__in=RATED_CALL_KINDS,
            submitted_at__isnull=False,
        )
        .filter(state__in=submitted_states)
        .exclude(state=SubmissionState.WITHDRAWN)
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    return Subquery(latest)


def _share(value: int, low: int | None, high: int | None) -> Decimal | None:
    if low is None or high is None or high <= low:
        return None
    return (Decimal(value) - low) / (high - low)


def _area_shares(answers) -> dict[int, dict[int, Decimal]]:
    """Return ``{city id: {area id: mean share of the scale}}`` of ``answers`` rows."""
    sums: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for city_id, area_id, value, low, high in answers:
        share = _share(value, low, high)
        if share is not None:
            sums[(city_id, area_id)].append(share)
    found: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for (city_id, area_id), shares in sums.items():
        found[city_id][area_id] = sum(shares) / len(shares)
    return found


def _rated_answers():
    return Answer.objects.filter(
        rating_value__isnull=False,
        submission__pk=_latest_submissions(),
    ).values_list(
        "submission__city_id",
        "criterion__area_id",
        "rating_value",
        "criterion__rating_min",
        "criterion__rating_max",
    )


def weakest_areas(city: City) -> list[int]:
    """Return the ids of the areas where ``city`` rated itself weakest (one query).

    From its latest submitted application: the ``WEAK_AREAS`` areas of lowest
    mean rating (as a share of each question's scale), only those below the
    city's own mean, so a city that rated everything alike has none.
    """
    shares = _area_shares(_rated_answers().filter(submission__city=city)).get(city.pk, {})
    if len(shares) < 2:
        return []
    mean = sum(shares.values()) / len(shares)
    below = sorted((share, area) for area, share in shares.items() if share < mean)
    return [area for _share_value, area in below[:WEAK_AREAS]]


def peers_for_city(city: City, limit: int = 6, *, public: bool = False) -> list[Match]:
    """Return up to ``limit`` member cities like ``city``, each with why, best first.

    Nine queries at most, whatever the number of member cities. ``public``:
    only the reasons anyone may read (region, size, clusters), for the city's
    public page; the strengths come from applications' self-ratings, which
    only the city's coordinators and the secretariat see.
    """
    city = City.objects.select_related("country").get(pk=city.pk)
    region = city.country.region
    band = size_band(city.population)
    candidates = list(
        active_member_cities()
        .exclude(pk=city.pk)
        .values_list("pk", "name", "population", "country__region")
    )
    scores: dict[int, list[tuple[int, str]]] = defaultdict(list)
    region_reason = _("Same region")
    size_reason = (
        _("Similar size (%(band)s)") % {"band": SIZE_BANDS[band][1]} if band is not None else ""
    )
    for pk, _name, population, their_region in candidates:
        if region and their_region == region:
            scores[pk].append((WEIGHTS["region"], region_reason))
        if band is not None and size_band(population) == band:
            scores[pk].append((WEIGHTS["size"], size_reason))
    _add_shared_clusters(city, scores)
    if not public:
        _add_strengths(city, scores)
    names = {pk: name for pk, name, _population, _region in candidates}
    ranked = sorted(
        (pk for pk in scores if pk in names),
        key=lambda pk: (-sum(weight for weight, _r in scores[pk]), names[pk].casefold(), pk),
    )[:limit]
    if not ranked:
        return []
    cities = City.objects.select_related("country").in_bulk(ranked)
    matches = []
    for pk in ranked:
        reasons = sorted(scores[pk], key=lambda item: -item[0])
        matches.append(
            Match(
                city=cities[pk],
                reasons=[reason for _weight, reason in reasons],
                score=sum(weight for weight, _r in reasons),
            )
        )
    return matches


def _add_shared_clusters(city: City, scores) -> None:
    """Add a reason for each cluster a candidate shares with ``city`` (two queries)."""
    accepted = ClusterMembership.objects.filter(status=ClusterRequestStatus.ACCEPTED)
    mine = list(accepted.filter(city=city).select_related("cluster"))
    if not mine:
        return
    clusters = {membership.cluster_id: membership.cluster for membership in mine}
    shared = (
        accepted.filter(cluster_id__in=list(clusters))
        .exclude(city=city)
        .values_list("city_id", "cluster_id")
    )
    for city_id, cluster_id in shared:
        reason = _("Also in the %(cluster)s cluster") % {"cluster": clusters[cluster_id].name}
        scores[city_id].append((WEIGHTS["cluster"], reason))


def _add_strengths(city: City, scores) -> None:
    """Add a reason for each weak area of ``city`` a candidate is strong in (four queries)."""
    weak = weakest_areas(city)
    if not weak:
        return
    areas = {
        area.pk: area
        for area in Area.objects.filter(pk__in=weak).select_related("section__framework")
    }
    for area in areas.values():
        area._original_language = area.section.framework.language
    titles = {pk: f"{area.code} {shown(area, 'title')}" for pk, area in areas.items()}
    published = set(
        Practice.objects.filter(status=PracticeStatus.PUBLISHED, areas__in=weak)
        .exclude(city=city)
        .values_list("city_id", "areas")
    )
    for city_id, area_id in sorted(published):
        if area_id in titles:
            reason = _("Published a practice on %(area)s, where you rated yourself lowest") % {
                "area": titles[area_id]
            }
            scores[city_id].append((WEIGHTS["strength"], reason))
    strong = _area_shares(
        _rated_answers().filter(criterion__area_id__in=weak).exclude(submission__city=city)
    )
    for city_id, shares in strong.items():
        for area_id, share in shares.items():
            if share >= STRONG_SHARE and (city_id, area_id) not in published:
                reason = _("Rated itself strong in %(area)s, where you rated yourself lowest") % {
                    "area": titles[area_id]
                }
                scores[city_id].append((WEIGHTS["strength"], reason))


# --- Contact requests ---------------------------------------------------------------------


def reachable_city_ids(city_ids) -> set[int]:
    """Return which of ``city_ids`` have an active coordinator to relay a message to (one query)."""
    return set(
        Organisation.objects.filter(
            city_id__in=list(city_ids),
            is_active=True,
            affiliations__role=Role.COORDINATOR,
            affiliations__user__is_active=True,
        ).values_list("city_id", flat=True)
    )


def contact_requests_left(city: City, *, now: dt.datetime | None = None) -> int:
    """Return how many more contact requests ``city`` may send in the coming day."""
    since = (now or timezone.now()) - dt.timedelta(days=1)
    sent = ContactRequest.objects.filter(from_city=city, created_at__gte=since).count()
    return max(CONTACT_LIMIT_PER_DAY - sent, 0)


def send_contact_request(
    *, from_city: City, to_city: City, actor, message: str, practice: Practice | None = None
) -> ContactRequest:
    """Relay ``message`` from ``from_city`` to the coordinators of ``to_city``; return the request.

    Refused unless ``actor`` coordinates ``from_city``, the cities differ,
    ``to_city`` has a coordinator on the platform, the message is not empty,
    and ``from_city`` sent fewer than ``CONTACT_LIMIT_PER_DAY`` requests in the
    last day. Effects: the request row, an activity entry (without the text)
    and one message to ``to_city``'s coordinators that names the sender city,
    carries the text and says to answer through the platform; no address of
    the sender appears in it.
    """
    message = message.strip()
    if not message:
        raise PracticeError(_("Write a message."))
    if len(message) > CONTACT_MESSAGE_LENGTH:
        raise PracticeError(
            _("The message is too long: at most %(count)s characters.")
            % {"count": CONTACT_MESSAGE_LENGTH}
        )
    if from_city.pk == to_city.pk:
        raise PracticeError(_("A city does not write to itself."))
    with transaction.atomic():
        if from_city.pk not in coordinated_city_ids(actor):
            raise PracticeError(
                _("Only a coordinator of the city writes in its name."), code="not_permitted"
            )
        # Lock the sender's row: two requests at once cannot both pass the limit.
        City.objects.select_for_update().filter(pk=from_city.pk).first()
        if contact_requests_left(from_city) <= 0:
            raise PracticeError(
                _(
                    "Your city has sent %(count)s messages to other cities in the last 24 hours, "
                    "the most the platform relays in a day. Please try again tomorrow."
                )
                % {"count": CONTACT_LIMIT_PER_DAY},
                code="rate_limited",
            )
        recipients = coordinators_by_city([to_city.pk]).get(to_city.pk, [])
        if not recipients:
            raise PracticeError(
                _("%(city)s has no coordinator on the platform yet: the message cannot be relayed.")
                % {"city": to_city.name},
                code="no_recipients",
            )
        request = ContactRequest.objects.create(
            from_city=from_city, to_city=to_city, practice=practice, sender=actor, message=message
        )
        record_activity(
            "practices.contact.request",
            actor=actor,
            organisation=organisation_of(from_city),
            subject=request,
            changes={"to_city": [None, to_city.pk]},
        )
        site = settings.LC_SITE_URL.rstrip("/")
        reply_link = site + reverse("practices:contact-city", kwargs={"pk": from_city.pk})
        city_link = site + from_city.get_absolute_url()
        practice_title = practice.title if practice else ""
        queue_message_by_language(
            "practices.contact.request",
            recipients=recipients,
            context=lambda: {
                "from_city": from_city.name,
                "from_country": from_city.country.display_name,
                "to_city": to_city.name,
                "message": message,
                "practice": practice_title,
                "city_link": city_link,
                "reply_link": reply_link,
            },
            language=settings.LANGUAGE_CODE,
            related_object=request,
        )
    return request


def peers_revisions() -> tuple[int, int]:
    """Return the revisions the matches depend on: the register's and the library's."""
    return current_revision(), practices_revision()


def cached_peers(city: City, limit: int, revisions: tuple[int, int] | None = None) -> list[Match]:
    """Return ``peers_for_city(city, limit)``, kept in the cache for a while.

    Keyed by the register's and the library's revisions (a city joining or
    leaving, a practice published, a cluster's members change it at once) and
    the language of the reasons; the ratings of applications have no
    revision, so an entry lives ``PEERS_CACHE_SECONDS`` at most. A caller
    with several cities reads ``revisions`` once (``peers_revisions``).
    """
    register, library = revisions or peers_revisions()
    key = f"lc:peers:{register}:{library}:{city.pk}:{limit}:{get_language()}"
    matches = cache.get(key)
    if matches is None:
        matches = peers_for_city(city, limit=limit)
        cache.set(key, matches, PEERS_CACHE_SECONDS)
    return matches


def peers_work(user) -> dict | None:
    """Return a coordinator's part of "My work": their cities, each with its best matches.

    One query for the cities and the two revisions, then each city's matches
    from the cache (``cached_peers``); None for a person who coordinates none.
    """
    ids = coordinated_city_ids(user)
    if not ids:
        return None
    cities = City.objects.filter(pk__in=ids).order_by("name")
    revisions = peers_revisions()
    return {
        "cities": [
            {
                "city": city,
                "matches": cached_peers(city, limit=3, revisions=revisions),
                "url": reverse("practices:peers", kwargs={"pk": city.pk}),
            }
            for city in cities
        ]
    }
