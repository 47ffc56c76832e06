"""Reads of the activity log: the secretariat sees everything, others their own part."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from ...models import ActivityLogEntry
from ...rules import is_active_person, is_secretariat, organisation_ids_of


def activity_for_user(
    user,
    *,
    action: str = "",
    actor=None,
    organisation=None,
    content_type: ContentType | None = None,
    object_id: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    search: str = "",
) -> QuerySet[ActivityLogEntry]:
    """Return the log entries ``user`` may see, newest first, with actor and organisation.

    The secretariat sees every entry; anyone else the entries of the
    organisations they act for and their own actions. Filters: ``action`` (a
    code prefix: ``accounts.invitation`` matches its create, resend, ...),
    ``actor``, ``organisation``, ``content_type`` (with ``object_id``: one
    object's history), a date range (days inclusive, in the site's time zone)
    and a part of the object's name.
    """
    entries = _visible_entries(user)
    if action.strip():
        code = action.strip().rstrip(".")
        entries = entries.filter(Q(action=code) | Q(action__startswith=code + "."))
    entries = entries.filter(
        **_exact_filters(
            actor=actor, organisation=organisation, content_type=content_type, object_id=object_id
        )
    )
    entries = _within_days(entries, date_from, date_to)
    if search.strip():
        entries = entries.filter(object_repr__icontains=search.strip())
    return entries.select_related("actor", "organisation", "content_type").order_by(
        "-created_at", "-pk"
    )


def _visible_entries(user) -> QuerySet[ActivityLogEntry]:
    """Return every entry for the secretariat, else the user's own and their organisations'."""
    if is_secretariat(user):
        return ActivityLogEntry.objects.all()
    if is_active_person(user):
        return ActivityLogEntry.objects.filter(
            Q(actor_id=user.pk) | Q(organisation_id__in=organisation_ids_of(user))
        )
    return ActivityLogEntry.objects.none()


def _exact_filters(*, actor, organisation, content_type, object_id: str) -> dict:
    """Return the filters for the values given (an object id only with its content type)."""
    filters = {"actor": actor, "organisation": organisation, "content_type": content_type}
    if content_type is not None and object_id:
        filters["object_id"] = str(object_id)
    return {name: value for name, value in filters.items() if value is not None}


def _within_days(
    entries: QuerySet[ActivityLogEntry], date_from: dt.date | None, date_to: dt.date | None
) -> QuerySet[ActivityLogEntry]:
    """Keep the entries made from ``date_from`` to ``date_to`` inclusive, in the site's zone."""
    zone = timezone.get_current_timezone()
    if date_from:
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
        entries = entries.filter(created_at__gte=start)
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        entries = entries.filter(created_at__lt=end)
    return entries


def activity_object_types_for_user(user) -> QuerySet[ContentType]:
    """Return the kinds of object in the log entries ``user`` may see, for the filter.

    The same rules as ``activity_for_user``: a kind of object that only others'
    entries hold (a juror's recusal, a mail template) is not even named. One
    query, as a subquery of the entries.
    """
    return ContentType.objects.filter(
        pk__in=activity_for_user(user).order_by().values("content_type_id")
    ).order_by("app_label", "model")
