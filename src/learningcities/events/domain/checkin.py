"""Check-in at the registration desks, and the badge codes desks scan.

Several desks work at once: a person is checked in by exactly one of them.
``check_in`` is a single conditional UPDATE (``checked_in_at IS NULL`` and
the registration confirmed), so of two desks scanning the same badge at the
same moment the database lets one through; the other is told who checked the
person in, at which desk and when (in the event's time zone).
"""

import secrets
import zoneinfo

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import record_activity

from ..enums import RegistrationStatus
from ..models import Registration
from .errors import EventError

# Letters and digits nobody confuses when reading a badge aloud or typing it:
# no 0/O, 1/I/L; 31 symbols, so 10 of them make about 2^49 codes.
BADGE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BADGE_CODE_LENGTH = 10
ACTION = "events.registration.check_in"
DESK_NAME_LENGTH = 60


def new_badge_code() -> str:
    """Return a new unguessable badge code (``BADGE_CODE_LENGTH`` symbols of ``BADGE_ALPHABET``)."""
    return "".join(secrets.choice(BADGE_ALPHABET) for _ in range(BADGE_CODE_LENGTH))


def normalise_badge_code(text: str) -> str:
    """Return ``text`` as a badge code is stored: upper case, without spaces or hyphens."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def event_time(registration: Registration, moment) -> str:
    """Return ``moment`` as a date and time in the event's time zone, with the zone's name."""
    zone_name = registration.event.time_zone or "UTC"
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone, zone_name = zoneinfo.ZoneInfo("UTC"), "UTC"
    local = timezone.localtime(moment, zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone_name})"


def _refusal(registration_pk: int) -> EventError:
    """Explain why the conditional update changed nothing, from the row as it is now."""
    current = Registration.objects.select_related("event", "checked_in_by").get(pk=registration_pk)
    if current.checked_in_at is not None:
        who = str(current.checked_in_by) if current.checked_in_by else _("someone")
        return EventError(
            _("%(name)s was already checked in by %(person)s at desk “%(desk)s” on %(when)s.")
            % {
                "name": current.name,
                "person": who,
                "desk": current.check_in_desk or "?",
                "when": event_time(current, current.checked_in_at),
            },
            code="already_checked_in",
        )
    return EventError(
        _("%(name)s cannot be checked in: the registration is not confirmed (%(status)s).")
        % {"name": current.name, "status": current.get_status_display()},
        code="not_confirmed",
    )


def check_in(registration: Registration, *, actor, desk: str, now=None) -> Registration:
    """Check the person of ``registration`` in at ``desk``; return the registration as saved.

    Effects: ``checked_in_at``, ``checked_in_by`` and ``check_in_desk`` set by
    one conditional UPDATE (only a confirmed registration not yet checked in),
    and an activity log entry. Raises ``EventError`` (``already_checked_in``,
    naming who, where and when; or ``not_confirmed``) and changes nothing
    otherwise.
    """
    desk = " ".join((desk or "").split())[:DESK_NAME_LENGTH]
    if not desk:
        raise EventError(_("Give the name of your desk before checking people in."))
    now = now or timezone.now()
    with transaction.atomic():
        changed = Registration.objects.filter(
            pk=registration.pk,
            checked_in_at__isnull=True,
            status=RegistrationStatus.CONFIRMED,
        ).update(
            checked_in_at=now,
            checked_in_by=actor if getattr(actor, "pk", None) else None,
            check_in_desk=desk,
            updated_at=now,
        )
        if not changed:
            raise _refusal(registration.pk)
        registration.checked_in_at = now
        registration.checked_in_by = actor if getattr(actor, "pk", None) else None
        registration.check_in_desk = desk
        registration.updated_at = now
        record_activity(
            ACTION,
            actor=actor,
            subject=registration,
            changes={"checked_in_at": [None, now.isoformat()], "check_in_desk": [None, desk]},
        )
    return registration


def undo_check_in(registration: Registration, *, actor, now=None) -> Registration:
    """Take back the check-in of ``registration`` (a mistake at a desk); secretariat only.

    Effects: the three check-in fields emptied (a conditional UPDATE, so an
    undo races with nothing) and an activity log entry. Raises ``EventError``
    when the person is not the secretariat or the registration is not checked in.
    """
    if not is_secretariat(actor):
        raise EventError(_("Only the secretariat may take back a check-in."), code="not_permitted")
    now = now or timezone.now()
    with transaction.atomic():
        before = (
            Registration.objects.select_for_update()
            .filter(pk=registration.pk)
            .values_list("checked_in_at", "check_in_desk")
        )
        checked_in_at, desk = next(iter(before), (None, ""))
        changed = Registration.objects.filter(
            pk=registration.pk, checked_in_at__isnull=False
        ).update(checked_in_at=None, checked_in_by=None, check_in_desk="", updated_at=now)
        if not changed:
            raise EventError(
                _("%(name)s is not checked in.") % {"name": registration.name},
                code="not_checked_in",
            )
        registration.checked_in_at = None
        registration.checked_in_by = None
        registration.check_in_desk = ""
        registration.updated_at = now
        record_activity(
            ACTION,
            actor=actor,
            subject=registration,
            changes={
                "checked_in_at": [checked_in_at.isoformat() if checked_in_at else None, None],
                "check_in_desk": [desk, ""],
            },
        )
    return registration
