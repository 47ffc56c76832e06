"""Places at an event: a category's capacity and the city and country quotas, never oversold.

Every count is raised by one conditional UPDATE (``... SET taken = taken + 1
WHERE taken < limit``): the database decides, row-locked, so two people
registering at the same moment can never both take the last place (the
second UPDATE waits for the first to commit, then finds the condition
false). Call these inside the registration's transaction: a rollback gives
the place back. The same pattern holds the endorsement quota of a call
(``calls.domain.quotas``).
"""

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from ..models import Event, ParticipantCategory, Quota
from .errors import EventError


def take_category_place(category: ParticipantCategory) -> bool:
    """Take one place of ``category``; False if it is full (nothing taken)."""
    return bool(
        ParticipantCategory.objects.filter(pk=category.pk)
        .filter(Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity")))
        .update(places_taken=F("places_taken") + 1)
    )


def give_back_category_place(category: ParticipantCategory) -> None:
    """Free one place of ``category``."""
    ParticipantCategory.objects.filter(pk=category.pk, places_taken__gt=0).update(
        places_taken=F("places_taken") - 1
    )


def _quota_row(event: Event, *, city=None, country=None) -> Quota:
    scope = {"city": city} if city is not None else {"country": country, "city": None}
    row = Quota.objects.filter(event=event, **scope).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return Quota.objects.create(event=event, **scope)
    except IntegrityError:  # made meanwhile by a concurrent registration
        return Quota.objects.get(event=event, **scope)


def _take(row: Quota, default_limit: int | None) -> bool:
    within = Q(places__isnull=False, taken__lt=F("places"))
    if default_limit is None:
        within |= Q(places__isnull=True)
    else:
        within |= Q(places__isnull=True, taken__lt=default_limit)
    return bool(Quota.objects.filter(pk=row.pk).filter(within).update(taken=F("taken") + 1))


def _give_back(row_filter: dict) -> None:
    Quota.objects.filter(taken__gt=0, **row_filter).update(taken=F("taken") - 1)


def take_quota_places(event: Event, *, city, country) -> None:
    """Count one more participant of ``city`` (if any) and ``country`` at ``event``.

    Raise EventError naming the city or country whose places are all taken
    (nothing is counted then).
    """
    if city is not None:
        row = _quota_row(event, city=city)
        if not _take(row, event.places_per_city):
            raise EventError(
                _("%(city)s has no places left at this event (%(places)s a city).")
                % {"city": city.name, "places": row.places or event.places_per_city},
                code="city_quota_full",
            )
    row = _quota_row(event, country=country)
    if not _take(row, event.places_per_country):
        if city is not None:
            _give_back({"event": event, "city": city})
        raise EventError(
            _("%(country)s has no places left at this event (%(places)s a country).")
            % {"country": country, "places": row.places or event.places_per_country},
            code="country_quota_full",
        )


def give_back_quota_places(event: Event, *, city, country) -> None:
    """Free the places of ``city`` (if any) and ``country`` at ``event``."""
    if city is not None:
        _give_back({"event": event, "city": city})
    _give_back({"event": event, "country": country, "city": None})


def places_left(category: ParticipantCategory) -> int | None:
    """Return how many places of ``category`` are free (None: no limit)."""
    if category.capacity is None:
        return None
    return max(category.capacity - category.places_taken, 0)
