"""Personal data of events kept only as long as needed: erased on each event's retention date.

What stays: the registrations as counts (category, city, country, state,
checked in or not), so statistics and the archive still add up; what goes:
names, e-mail addresses, positions, organisations, passport numbers,
answers to the registration form and the link to a person's account.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import record_activity

from ..models import Event, Registration, RegistrationAnswer
from .errors import EventError


def erase_personal_data(event: Event, *, actor=None, now: dt.datetime | None = None) -> int:
    """Erase the personal data of ``event``'s participants; return how many were erased.

    Refused before the event has ended. Runs once: an erased event is left alone.
    """
    now = now or timezone.now()
    if event.ends_on >= timezone.localdate(now):
        raise EventError(
            _("The personal data of an event can be erased once it has ended."),
            code="event_not_over",
        )
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.personal_data_erased_at is not None:
            return 0
        registrations = Registration.objects.filter(event=event)
        RegistrationAnswer.objects.filter(registration__event=event).delete()
        count = 0
        for registration in registrations.only("pk"):
            Registration.objects.filter(pk=registration.pk).update(
                name=f"#{registration.pk}",
                email=f"erased-{registration.pk}@invalid",
                job_title="",
                organisation_name="",
                passport_number="",
                nationality=None,
                user=None,
                reason="",
            )
            count += 1
        event.personal_data_erased_at = now
        event.save(update_fields=["personal_data_erased_at", "updated_at"])
        record_activity(
            "events.registration.erase",
            actor=actor,
            subject=event,
            changes={"registrations": [count, count]},
        )
    return count


def erase_due_personal_data(*, now: dt.datetime | None = None) -> int:
    """Erase the personal data of every event whose retention date has passed; return how many."""
    now = now or timezone.now()
    due = Event.objects.filter(
        retention_until__lt=timezone.localdate(now), personal_data_erased_at__isnull=True
    )
    erased = 0
    for event in due:
        try:
            erase_personal_data(event, now=now)
        except EventError:
            continue  # a retention date set before the event's end: wait for the end
        erased += 1
    return erased
