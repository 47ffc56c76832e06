"""The mail a registration's people receive when it changes, through the outbox.

One message per language: the participant in theirs, the head of their
delegation (if someone else) in theirs. The link in it is personal: it opens
the registration without an account (``registration_link``), so an observer
who has none can take up an offered place or cancel.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learningcities.common.domain.outbox import queue_message_by_language

from ..enums import EventStatus
from ..enums import RegistrationStatus as R
from ..models import Event, Registration

LINK_SALT = "events.registration"

# What the mail of each state says, in the recipient's language.
_STATUS_MESSAGES = {
    R.PENDING: lambda: _(
        "The registration has been received. It now awaits approval; you will hear when it "
        "is decided."
    ),
    R.CONFIRMED: lambda: _("The registration is confirmed. We look forward to welcoming you."),
    R.WAITING: lambda: _(
        "All places of this category are taken, so the registration is on the waiting list. "
        "If a place becomes free, it is offered to the first person waiting, by e-mail."
    ),
    R.DECLINED: lambda: _("The registration has been declined."),
    R.CANCELLED: lambda: _("The registration has been cancelled."),
    R.EXPIRED: lambda: _(
        "The place offered was not taken up in time, so it has gone to the next person waiting."
    ),
}


def registration_token(registration: Registration) -> str:
    """Return the secret of ``registration``'s personal link."""
    return signing.dumps(registration.pk, salt=LINK_SALT)


def registration_from_token(token: str, *, max_age=None) -> int | None:
    """Return the id of the registration whose personal link holds ``token``, or None."""
    try:
        return signing.loads(token, salt=LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None


def registration_link(registration: Registration) -> str:
    """Return the absolute personal link of ``registration``."""
    path = reverse("events:registration-token", kwargs={"token": registration_token(registration)})
    return settings.LC_SITE_URL.rstrip("/") + path


def _in_zone(moment, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone})"


def _recipients(registration: Registration) -> list[tuple[str, str]]:
    recipients = [(registration.email, registration.language)]
    head = registration.delegation.head if registration.delegation_id else None
    if head is not None and head.email.lower() != registration.email.lower():
        recipients.append((head.email, head.language))
    return recipients


def _context(registration: Registration, status: str):
    event = registration.event

    def context() -> dict:
        expires = registration.offer_expires_at
        return {
            "event": event.title,
            "name": registration.name,
            "category": registration.category.name,
            "status": R(status).label,
            "message": str(_STATUS_MESSAGES.get(status, lambda: "")()),
            "reason": registration.reason if status == R.DECLINED else "",
            "offer_expires": _in_zone(expires, event.time_zone) if expires else "",
            "link": registration_link(registration),
        }

    return context


def notify_registration(registration: Registration, status: str) -> None:
    """Queue the mail of ``registration`` entering ``status`` (call inside its transaction)."""
    code = "events.registration.offered" if status == R.OFFERED else "events.registration.status"
    queue_message_by_language(
        code,
        recipients=_recipients(registration),
        context=_context(registration, status),
        language=registration.language,
        related_object=registration,
    )


def send_reminders(*, now=None) -> int:
    """Remind confirmed participants of an event that starts soon; return how many were reminded.

    An event's reminder goes ``Event.reminder_days`` before its first day, to
    each confirmed participant not reminded yet (once, whatever the number of runs).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        Registration.objects.filter(
            status=R.CONFIRMED,
            reminded_at__isnull=True,
            event__starts_on__gte=today,
            event__status__in=(EventStatus.REGISTRATION_OPEN, EventStatus.REGISTRATION_CLOSED),
        )
        .select_related("event", "category", "delegation__head")
        .order_by("event_id", "pk")
    )
    count = 0
    for registration in due.iterator(chunk_size=200):
        event = registration.event
        if (event.starts_on - today).days > event.reminder_days:
            continue
        with transaction.atomic():
            marked = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if marked:
                queue_message_by_language(
                    "events.registration.reminder",
                    recipients=[(registration.email, registration.language)],
                    context=_reminder_context(registration),
                    language=registration.language,
                    related_object=registration,
                )
                count += marked
    return count


def _reminder_context(registration: Registration):
    event = registration.event

    def context() -> dict:
        return {
            "event": event.title,
            "name": registration.name,
            "category": registration.category.name,
            "first_day": date_format(event.starts_on, "DATE_FORMAT"),
            "last_day": date_format(event.ends_on, "DATE_FORMAT"),
            "place": event.host_city.name if event.host_city_id else "",
            "online_url": event.online_url,
            "badge_code": registration.badge_code,
            "link": registration_link(registration),
        }

    return context


def notify_event_changed(event, *, what: list[str]) -> int:
    """Tell every participant holding a place of ``event`` that ``what`` changed; return how many.

    ``what`` names the changed facts (field names of ``Event``: dates, time
    zone, host city, attendance, online access). One message per language.
    """
    holders = Registration.objects.filter(
        event=event, status__in=(R.PENDING, R.CONFIRMED, R.OFFERED)
    )
    recipients = list(holders.values_list("email", "language"))
    if not recipients or not what:
        return 0

    def context() -> dict:
        labels = [str(Event._meta.get_field(name).verbose_name) for name in what]
        return {
            "event": event.title,
            "changed": ", ".join(labels),
            "first_day": date_format(event.starts_on, "DATE_FORMAT"),
            "last_day": date_format(event.ends_on, "DATE_FORMAT"),
            "place": event.host_city.name if event.host_city_id else "",
            "link": settings.LC_SITE_URL.rstrip("/") + event.get_absolute_url(),
        }

    queue_message_by_language(
        "events.event.changed",
        recipients=recipients,
        context=context,
        language=event.language,
        related_object=event,
    )
    return len(recipients)
