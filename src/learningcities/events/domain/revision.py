"""The programme's revision: the event's ``updated_at``, moved on by every write its schedule shows.

The public schedule of an event is cached for visitors (views.programme)
under its event's ``updated_at``, so a page is drawn once and then served
from the cache until something it shows changes: the event itself, its
sessions, their presentations and speakers, its venues and rooms, and the
places taken in sessions with sign-up (each such change saves a sign-up
row), and its outcome documents (their files, endorsements, translations).
Cities and countries are the register's: the page's key carries the
register's revision as well.

The event's ``updated_at`` serves as the revision: one UPDATE in the
writer's transaction, so the change and the new revision are seen together,
by every process, at the commit; and the visitor's one query reads the
event with its revision. It means "the event or its programme last changed
at", which is also what the iCalendar feeds stamp their entries with.

The writes are met by model signals rather than by a call in each domain
function: the writers of the programme are spread over the events domain
(events, programme, proposals) and the platform's translations
(``common.translation.update``), and a signal cannot be forgotten by the
next writer. ``QuerySet.update`` sends no signal: the writers that update
rows in bulk (``places_taken``, translations) are met through the row each
of them saves as well (the sign-up, the activity entry).
"""

import datetime as dt

from django.conf import settings
from django.db import router
from django.db.models import (
    DateTimeField,
    F,
    Func,
    IntegerField,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from learningcities.common.changes import watch
from learningcities.common.models.activity import ActivityLogEntry
from learningcities.common.prepared import PreparedSelect
from learningcities.network.models import NetworkRevision
from learningcities.practices.domain.revision import bump_practices_revision

from ..models import (
    Event,
    OutcomeDocument,
    OutcomeEndorsement,
    OutcomeFile,
    Presentation,
    ProgrammeSession,
    Room,
    SessionSignup,
    Venue,
)

_TICK = dt.timedelta(microseconds=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def bump_events(events: QuerySet[Event]) -> None:
    """Move on the revision of ``events`` (one UPDATE; call inside the writer's transaction).

    The new ``updated_at`` is now, or a microsecond after the one it
    replaces if that is later: under the row's lock, each write gets a
    revision of its own, never seen before.
    """
    events.update(updated_at=Greatest(F("updated_at") + Value(_TICK), Value(timezone.now())))
    # This process forgets the revisions it keeps at the commit (others hear of it then).
    watch.forget_on_commit()


def events_revision() -> str:
    """Return the revision of every event at once, with the register's.

    The latest ``updated_at`` of the events and their count, then the
    register's revision (host cities' and countries' names): the public lists
    of events and outcome documents are cached under it. Every write they
    show moves an event's ``updated_at`` on (see above); a deletion moves the
    count. One query compiled once per process (common.prepared), kept by the
    process on PostgreSQL until an event's row or the register changes
    (common.changes).
    """
    return watch.watched(("events-revision",), _read_events_revision)


def _read_events_revision() -> str:
    changed, count, register = _EVENTS_AND_REGISTER.first(1, using=router.db_for_read(Event))
    # Microseconds since the epoch: a revision goes into cache keys and ETags, without spaces.
    stamp = (changed - _EPOCH) // _TICK if changed else 0
    return f"{stamp}.{count or 0}.{register or 0}"


def _events_and_register(pk: int) -> QuerySet:
    # An aggregate answers one row, with no event and before the register's first change.
    register = NetworkRevision.objects.filter(pk=pk).values("number")
    return (
        Event.objects.order_by()
        .annotate(
            changed=Func(F("updated_at"), function="MAX", output_field=DateTimeField()),
            n=Func(F("pk"), function="COUNT", output_field=IntegerField()),
        )
        .values_list("changed", "n", Subquery(register))
    )


_EVENTS_AND_REGISTER = PreparedSelect(_events_and_register, (1,))


def bump_programme_revision(event_id: int | None) -> None:
    """Move on the programme revision of the event ``event_id`` (see ``bump_events``)."""
    if event_id is not None:
        bump_events(Event.objects.filter(pk=event_id))


def _bump_of_session(session_id: int | None) -> None:
    if session_id is not None:
        bump_events(Event.objects.filter(sessions=session_id))


def _bump_of_row_in_session(instance) -> None:
    """Bump the event of a row that belongs to a session (its event at hand if it can be)."""
    session = instance._state.fields_cache.get("session")
    if session is not None:
        bump_programme_revision(session.event_id)
    else:
        _bump_of_session(instance.session_id)


def _on_event(sender, instance: Event, update_fields=None, created=False, **kwargs) -> None:
    # A whole save stamps ``updated_at`` itself (auto_now); so does a save naming it.
    if update_fields is not None and "updated_at" not in update_fields:
        bump_programme_revision(instance.pk)
    else:
        watch.forget_on_commit()
    if not created:
        _bump_library_of_event(instance.pk)  # its title, its status


def _on_session(sender, instance: ProgrammeSession, **kwargs) -> None:
    bump_programme_revision(instance.event_id)
    _bump_library_of_event(instance.event_id)  # its date


def _on_presentation(sender, instance: Presentation, update_fields=None, **kwargs) -> None:
    event_id = getattr(instance, "event_id", None)
    if event_id is not None:
        bump_programme_revision(event_id)
    else:
        _bump_of_row_in_session(instance)
    # A practice's page lists the presentations of it (practices.domain.sections).
    if instance.practice_id is not None or (update_fields and "practice" in update_fields):
        bump_practices_revision()


def _bump_library_of_event(event_id: int | None) -> None:
    """Move the library's revision on if a practice's page shows the event (one query)."""
    if event_id is not None and (
        Presentation.objects.filter(event_id=event_id, practice__isnull=False).exists()
    ):
        bump_practices_revision()


def _on_signup(sender, instance: SessionSignup, **kwargs) -> None:
    _bump_of_row_in_session(instance)


def _on_venue(sender, instance: Venue, **kwargs) -> None:
    bump_programme_revision(instance.event_id)


def _on_room(sender, instance: Room, **kwargs) -> None:
    venue = instance._state.fields_cache.get("venue")
    if venue is not None:
        bump_programme_revision(venue.event_id)
    else:
        bump_events(Event.objects.filter(venues=instance.venue_id))


def _on_speakers(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not reverse:
        if action.startswith("post_"):
            _on_presentation(Presentation, instance)
        return
    # From a person's side: the presentations named, or all of theirs before they go.
    if action in ("post_add", "post_remove"):
        presentations = Presentation.objects.filter(pk__in=pk_set or ())
    elif action == "pre_clear":
        presentations = Presentation.objects.filter(speakers=instance)
    else:
        return
    for presentation in presentations.select_related("session"):
        _on_presentation(Presentation, presentation)


def _on_speaker_row(sender, instance, **kwargs) -> None:
    presentation = Presentation.objects.filter(pk=instance.presentation_id).first()
    if presentation is not None:
        _on_presentation(Presentation, presentation)


# What a speaker shows of themselves on the schedule.
_SPEAKER_FIELDS = frozenset({"name", "email"})


def _on_person(sender, instance, update_fields=None, created=False, **kwargs) -> None:
    if created or (update_fields is not None and not _SPEAKER_FIELDS & set(update_fields)):
        return
    for presentation in Presentation.objects.filter(speakers=instance).select_related("session"):
        _on_presentation(Presentation, presentation)


def _on_outcome(sender, instance: OutcomeDocument, **kwargs) -> None:
    # The event's page and the public lists show its adopted documents.
    bump_programme_revision(instance.event_id)


def _on_row_of_outcome(sender, instance: OutcomeFile | OutcomeEndorsement, **kwargs) -> None:
    # Its languages and its endorsements, on the lists of outcome documents.
    outcome = instance._state.fields_cache.get("outcome")
    if outcome is not None:
        bump_programme_revision(outcome.event_id)
    else:
        bump_events(Event.objects.filter(outcomes=instance.outcome_id))


_TRANSLATED = {
    "events.event": Event,
    "events.programmesession": ProgrammeSession,
    "events.outcomedocument": OutcomeDocument,
}


def _on_activity(sender, instance: ActivityLogEntry, created=False, **kwargs) -> None:
    # Translations are saved by a bulk UPDATE (common.domain.translations); the
    # activity entry each of them records is saved with it.
    if not created or instance.action != "common.translation.update":
        return
    content_type = instance.content_type
    if content_type is None:
        return
    model = _TRANSLATED.get(f"{content_type.app_label}.{content_type.model}")
    if model is Event:
        bump_programme_revision(int(instance.object_id))
    elif model is ProgrammeSession:
        _bump_of_session(int(instance.object_id))
    elif model is OutcomeDocument:
        bump_events(Event.objects.filter(outcomes=int(instance.object_id)))


def connect() -> None:
    """Connect the receivers (idempotent: each has its dispatch uid)."""
    receivers = [
        (Event, _on_event),
        (ProgrammeSession, _on_session),
        (Presentation, _on_presentation),
        (SessionSignup, _on_signup),
        (Venue, _on_venue),
        (Room, _on_room),
        (OutcomeDocument, _on_outcome),
        (OutcomeFile, _on_row_of_outcome),
        (OutcomeEndorsement, _on_row_of_outcome),
    ]
    for model, receiver in receivers:
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                receiver, sender=model, dispatch_uid=f"events.revision.{model.__name__}.{name}"
            )
    speakers = Presentation.speakers.through
    m2m_changed.connect(_on_speakers, sender=speakers, dispatch_uid="events.revision.speakers")
    # A person deleted takes their rows of the speakers' table with them (no m2m_changed).
    post_delete.connect(
        _on_speaker_row, sender=speakers, dispatch_uid="events.revision.speakers.delete"
    )
    post_save.connect(
        _on_person, sender=settings.AUTH_USER_MODEL, dispatch_uid="events.revision.person"
    )
    post_save.connect(
        _on_activity, sender=ActivityLogEntry, dispatch_uid="events.revision.activity"
    )


connect()
