"""Background tasks of events: thin, they take no objects and call the domain.

The periodic ones are enqueued by ``learningcities run-scheduled`` (see
``common/scheduling.py``).
"""

from django.tasks import task

from learningcities.common.scheduling import periodic

from .domain import notices, programme, registrations, retention


@periodic(label="Expired offers of event places", counted="offers expired", order=40)
@task
def expire_registration_offers() -> int:
    """Expire the offered places not taken up in time and offer them on; return how many."""
    return registrations.expire_offers()


@periodic(label="Expired offers of session places", counted="offers expired", order=41)
@task
def expire_session_offers() -> int:
    """Expire the offered session places not taken up in time; return how many."""
    return programme.expire_signup_offers()


@periodic(label="Erase event participants' personal data", counted="events erased", order=42)
@task
def erase_expired_personal_data() -> int:
    """Erase the personal data of events past their retention date; return how many events."""
    return retention.erase_due_personal_data()


@periodic(label="Reminders of coming events", counted="participants reminded", order=43)
@task
def send_event_reminders() -> int:
    """Remind confirmed participants of events that start soon; return how many."""
    return notices.send_reminders()
