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
    if is_secretariat(user):
        entries = ActivityLogEntry.objects.all()
    elif is_active_person(user):
        entries = ActivityLogEntry.objects.filter(
            Q(actor_id=user.pk) | Q(organisation_id__in=organisation_ids_of(user))
        )
    else:
        return ActivityLogEntry.objects.none()
    if action.strip():
        code = action.strip().rstrip(".")
        entries = entries.filter(Q(action=code) | Q(action__startswith=code + "."))
    if actor is not None:
        entries = entries.filter(actor=actor)
    if organisation is not None:
        entries = entries.filter(organisation=organisation)
    if content_type is not None:
        entries = entries.filter(content_type=content_type)
        if object_id:
            entries = entries.filter(object_id=str(object_id))
    zone = timezone.get_current_timezone()
    if date_from:
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
        entries = entries.filter(created_at__gte=start)
    if date_to:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        entries = entries.filter(created_at__lt=end)
    if search.strip():
        entries = entries.filter(object_repr__icontains=search.strip())
    return entries.select_related("actor", "organisation", "content_type").order_by(
        "-created_at", "-pk"
    )


def activity_object_types_for_user(user) -> QuerySet[ContentType]:
    """Return the kinds of object in the log entries ``user`` may see, for the filter.

    The same rules as ``activity_for_user``: a kind of object that only others'
    entries hold (a juror's recusal, a mail template) is not even named. One
    query, as a subquery of the entries.
    """
    return ContentType.objects.filter(
        pk__in=activity_for_user(user).order_by().values("content_type_id")
    ).order_by("app_label", "model")


def activity_entry_for_user(user, entry_id: int) -> ActivityLogEntry | None:
    """Return the entry if ``user`` may see it, else None (answer 404)."""
    return activity_for_user(user).filter(pk=entry_id).first()


def activity_actions() -> list[str]:
    """Return the action codes present in the log, sorted (for the filter's suggestions)."""
    return list(
        ActivityLogEntry.objects.order_by("action").values_list("action", flat=True).distinct()
    )
