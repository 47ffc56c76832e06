"""Outcome documents: drafted by the secretariat, commented on by members, adopted, endorsed.

The life of one document:

1. The secretariat writes it (``create_outcome``, ``update_outcome``): a title
   and a short summary in its original language, translated like any content.
2. It may share the draft with the member cities for comment until a date
   (``share_outcome_for_comment``); a coordinator of a city that is a member
   today comments on its behalf (``comment_on_outcome``) until that day ends
   in the event's time zone.
3. The event adopts it (``adopt_outcome``): it gets its adoption date, becomes
   public and takes no more comments.
4. A coordinator of a member city endorses an adopted document on the city's
   behalf, once (``endorse_outcome``), and may withdraw that endorsement
   (``withdraw_outcome_endorsement``).

The text itself is a file per language (``attach_outcome_file``), stored as a
private ``common.Document`` and served to those who may see the outcome:
anyone once it is adopted (``can_view_outcome_document``, registered as a
document viewer), the secretariat and member coordinators while it is a
shared draft.
"""

import datetime as dt
import zoneinfo

import rules
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcities.accounts.enums import Role
from learningcities.accounts.rules import affiliation_pairs, is_secretariat
from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.documents import delete_document, store_document
from learningcities.common.enums import FileFamily
from learningcities.common.languages import language_codes
from learningcities.common.rules import register_document_viewer
from learningcities.network.domain.queries.stats import memberships_active_on

from ..enums import OutcomeStatus
from ..models import Event, OutcomeComment, OutcomeDocument, OutcomeEndorsement, OutcomeFile
from .errors import EventError

# The kind of the common.Document holding an outcome's text in one language.
OUTCOME_FILE_KIND = "events.outcome"
# The published text: a PDF, or the office document it was written in.
OUTCOME_FILE_FAMILIES = (FileFamily.PDF, FileFamily.OFFICE)
# What the secretariat may change with ``update_outcome``.
EDITABLE_FIELDS = ("title", "summary", "language", "source")


def event_today(event: Event, *, now: dt.datetime | None = None) -> dt.date:
    """Return today's date in the event's time zone (UTC if the zone is unknown)."""
    try:
        zone = zoneinfo.ZoneInfo(event.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return timezone.localtime(now or timezone.now(), zone).date()


def is_open_for_comment(outcome: OutcomeDocument, *, today: dt.date | None = None) -> bool:
    """Tell whether member cities may comment on ``outcome`` today (in its event's zone)."""
    if outcome.status != OutcomeStatus.DRAFT or outcome.comments_until is None:
        return False
    return (today or event_today(outcome.event)) <= outcome.comments_until


def is_shared(outcome: OutcomeDocument) -> bool:
    """Tell whether member cities may read ``outcome``: adopted, or a draft shared for comment."""
    return outcome.status == OutcomeStatus.ADOPTED or outcome.comments_until is not None


def coordinated_member_city_ids(user, *, today: dt.date | None = None) -> frozenset[int]:
    """Return the ids of the cities ``user`` coordinates that are members of the network today."""
    from learningcities.accounts.models import Organisation

    organisations = [org for org, role in affiliation_pairs(user) if role == Role.COORDINATOR]
    if not organisations:
        return frozenset()
    today = today or timezone.localdate()
    return frozenset(
        Organisation.objects.filter(
            pk__in=organisations,
            city__isnull=False,
            city__in=memberships_active_on(today).values("city_id"),
        ).values_list("city_id", flat=True)
    )


def _check_acts_for_member_city(user, city, *, today: dt.date | None = None) -> None:
    if city is None or city.pk not in coordinated_member_city_ids(user, today=today):
        raise EventError(
            _("Only a coordinator of a member city may do this on the city's behalf."),
            code="not_permitted",
        )


def _locked(outcome: OutcomeDocument) -> OutcomeDocument:
    return OutcomeDocument.objects.select_for_update().select_related("event").get(pk=outcome.pk)


def _clean_texts(title: str, summary: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise EventError(_("An outcome document needs a title."), code="invalid")
    return title, (summary or "").strip()


def _check_language(language: str) -> None:
    if language not in language_codes():
        raise EventError(_("Choose one of the languages of the platform."), code="invalid")


@transaction.atomic
def create_outcome(
    event: Event,
    *,
    actor,
    title: str,
    summary: str = "",
    language: str = "en",
    source: str = "",
) -> OutcomeDocument:
    """Create a draft outcome document of ``event``, written in ``language``.

    Not shared with anyone yet. Activity ``events.outcome.update``.
    """
    title, summary = _clean_texts(title, summary)
    _check_language(language)
    outcome = OutcomeDocument.objects.create(
        event=event,
        title=title,
        summary=summary,
        language=language,
        source=(source or "").strip(),
        status=OutcomeStatus.DRAFT,
    )
    record_activity(
        "events.outcome.update",
        actor=actor,
        subject=outcome,
        changes={"title": [None, title], "event": [None, str(event)]},
    )
    return outcome


@transaction.atomic
def update_outcome(
    outcome: OutcomeDocument, *, actor, **changes
) -> tuple[OutcomeDocument, list[str]]:
    """Change the title, summary, language or source address of ``outcome``.

    A changed original makes its translations outdated (``common.translated``).
    Returns the outcome and the names of the fields changed; activity
    ``events.outcome.update`` with their old and new values, if any.
    """
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValueError(f"update_outcome cannot change {', '.join(unknown)}")
    locked = _locked(outcome)
    if "title" in changes or "summary" in changes:
        changes["title"], changes["summary"] = _clean_texts(
            changes.get("title", locked.title), changes.get("summary", locked.summary)
        )
    if "language" in changes:
        _check_language(changes["language"])
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    if not changed:
        return locked, []
    before = {name: getattr(locked, name) for name in changed}
    for name in changed:
        setattr(locked, name, changes[name])
    locked.save(update_fields=changed)
    record_activity(
        "events.outcome.update",
        actor=actor,
        subject=locked,
        changes=field_changes(locked, changed, before),
    )
    return locked, changed


@transaction.atomic
def share_outcome_for_comment(
    outcome: OutcomeDocument, *, actor, until: dt.date, today: dt.date | None = None
) -> OutcomeDocument:
    """Share a draft with the member cities, who may comment until ``until`` (inclusive).

    Sharing again moves the date (later or earlier, not before today in the
    event's zone). Only a draft is shared. Activity ``events.outcome.update``.
    """
    locked = _locked(outcome)
    if locked.status != OutcomeStatus.DRAFT:
        raise EventError(
            _("This outcome document is adopted: it takes no more comments."), code="adopted"
        )
    if until < (today or event_today(locked.event)):
        raise EventError(_("The last day for comments cannot be in the past."), code="invalid")
    before = locked.comments_until
    if before == until:
        return locked
    locked.comments_until = until
    locked.save(update_fields=["comments_until"])
    record_activity(
        "events.outcome.update",
        actor=actor,
        subject=locked,
        changes={"comments_until": [before and before.isoformat(), until.isoformat()]},
    )
    return locked


@transaction.atomic
def comment_on_outcome(
    outcome: OutcomeDocument, *, city, author, text: str, today: dt.date | None = None
) -> OutcomeComment:
    """Record ``city``'s comment on a draft shared for comment, written by ``author``.

    ``author`` coordinates ``city``, a member of the network today; the draft
    takes comments until its ``comments_until`` day ends in the event's time
    zone. Only the secretariat reads the comments.
    """
    text = (text or "").strip()
    if not text:
        raise EventError(_("Write a comment first."), code="invalid")
    if len(text) > OutcomeComment._meta.get_field("text").max_length:
        raise EventError(_("The comment is too long."), code="invalid")
    _check_acts_for_member_city(author, city)
    locked = _locked(outcome)
    if not is_open_for_comment(locked, today=today):
        raise EventError(
            _("This outcome document is not open for comments."), code="comments_closed"
        )
    return OutcomeComment.objects.create(outcome=locked, city=city, author=author, text=text)


@transaction.atomic
def adopt_outcome(
    outcome: OutcomeDocument, *, actor, adopted_on: dt.date, today: dt.date | None = None
) -> OutcomeDocument:
    """Record that the event adopted ``outcome`` on ``adopted_on``.

    The date falls between the event's first day and today (in the event's
    zone). The document becomes public; comments close. Activity
    ``events.outcome.update``.
    """
    locked = _locked(outcome)
    if locked.status == OutcomeStatus.ADOPTED:
        raise EventError(_("This outcome document is already adopted."), code="adopted")
    if adopted_on < locked.event.starts_on:
        raise EventError(
            _("An outcome document is adopted on or after the first day of its event."),
            code="invalid",
        )
    if adopted_on > (today or event_today(locked.event)):
        raise EventError(_("The adoption date cannot be in the future."), code="invalid")
    locked.status = OutcomeStatus.ADOPTED
    locked.adopted_on = adopted_on
    locked.save(update_fields=["status", "adopted_on"])
    record_activity(
        "events.outcome.update",
        actor=actor,
        subject=locked,
        changes={
            "status": [OutcomeStatus.DRAFT.value, OutcomeStatus.ADOPTED.value],
            "adopted_on": [None, adopted_on.isoformat()],
        },
    )
    return locked


@transaction.atomic
def attach_outcome_file(
    outcome: OutcomeDocument, upload, *, actor, language: str, name: str | None = None
) -> OutcomeFile:
    """Store ``upload`` as the text of ``outcome`` in ``language``, replacing any earlier one.

    The upload is checked and stored by ``store_document`` (size, type by its
    bytes: PDF or office document, name, virus scan; DocumentError
    otherwise) as a document of the secretariat. Effects: the document
    (activity ``common.document.create``), the file row, the replaced
    document deleted (``common.document.delete``), activity
    ``events.outcome.update``.
    """
    _check_language(language)
    locked = _locked(outcome)
    document = store_document(
        upload,
        owner=None,
        uploaded_by=actor,
        kind=OUTCOME_FILE_KIND,
        allowed=OUTCOME_FILE_FAMILIES,
        related_object=locked,
        name=name,
    )
    earlier = OutcomeFile.objects.filter(outcome=locked, language=language).first()
    old_name = None
    if earlier is not None:
        old_document = earlier.document
        old_name = old_document.original_name
        earlier.delete()
        delete_document(old_document, actor=actor)
    outcome_file = OutcomeFile.objects.create(outcome=locked, language=language, document=document)
    record_activity(
        "events.outcome.update",
        actor=actor,
        subject=locked,
        changes={f"file_{language}": [old_name, document.original_name]},
    )
    return outcome_file


@transaction.atomic
def remove_outcome_file(outcome_file: OutcomeFile, *, actor) -> None:
    """Withdraw the text of an outcome document in one language: its link stops working.

    Effects: the file row and its document deleted (the file once the
    deletion commits, activity ``common.document.delete``); activity
    ``events.outcome.update``.
    """
    outcome, document = outcome_file.outcome, outcome_file.document
    record_activity(
        "events.outcome.update",
        actor=actor,
        subject=outcome,
        changes={f"file_{outcome_file.language}": [document.original_name, None]},
    )
    OutcomeFile.objects.filter(pk=outcome_file.pk).delete()
    delete_document(document, actor=actor)


@transaction.atomic
def endorse_outcome(
    outcome: OutcomeDocument, *, city, actor, today: dt.date | None = None
) -> OutcomeEndorsement:
    """Record that ``city`` endorses the adopted ``outcome``, on ``actor``'s word.

    ``actor`` coordinates ``city``, a member of the network today; a city
    endorses a document once. Activity ``events.outcome.endorse``.
    """
    _check_acts_for_member_city(actor, city)
    locked = _locked(outcome)
    if locked.status != OutcomeStatus.ADOPTED:
        raise EventError(_("Only an adopted outcome document can be endorsed."), code="not_adopted")
    if OutcomeEndorsement.objects.filter(outcome=locked, city=city).exists():
        raise EventError(
            _("%(city)s already endorses this outcome document.") % {"city": city},
            code="already_endorsed",
        )
    try:
        with transaction.atomic():
            endorsement = OutcomeEndorsement.objects.create(
                outcome=locked,
                city=city,
                endorsed_by=actor,
                endorsed_on=today or event_today(locked.event),
            )
    except IntegrityError:  # a second request for the same city won the race
        raise EventError(
            _("%(city)s already endorses this outcome document.") % {"city": city},
            code="already_endorsed",
        ) from None
    record_activity(
        "events.outcome.endorse",
        actor=actor,
        organisation=getattr(city, "organisation", None),
        subject=locked,
        changes={"endorsed_by": [None, str(city)]},
    )
    return endorsement


@transaction.atomic
def withdraw_outcome_endorsement(outcome: OutcomeDocument, *, city, actor) -> None:
    """Withdraw ``city``'s endorsement of ``outcome``.

    By a coordinator of the city (a member today) or the secretariat.
    Activity ``events.outcome.endorse`` (the city leaving the endorsers).
    """
    if not is_secretariat(actor):
        _check_acts_for_member_city(actor, city)
    locked = _locked(outcome)
    deleted, _rows = OutcomeEndorsement.objects.filter(outcome=locked, city=city).delete()
    if not deleted:
        raise EventError(
            _("%(city)s does not endorse this outcome document.") % {"city": city},
            code="not_endorsed",
        )
    record_activity(
        "events.outcome.endorse",
        actor=actor,
        organisation=getattr(city, "organisation", None),
        subject=locked,
        changes={"endorsed_by": [str(city), None]},
    )


def may_view_outcome(user, outcome: OutcomeDocument) -> bool:
    """Tell whether ``user`` may read ``outcome`` and its files.

    Anyone an adopted one; the secretariat every draft; coordinators of
    member cities a draft once it is shared for comment.
    """
    if outcome.status == OutcomeStatus.ADOPTED:
        return True
    if is_secretariat(user):
        return True
    return is_shared(outcome) and bool(coordinated_member_city_ids(user))


@register_document_viewer
@rules.predicate
def can_view_outcome_document(user, document) -> bool:
    """Whoever may read an outcome document may open its files (anyone, once adopted)."""
    links = OutcomeFile.objects.filter(document=document).select_related("outcome")
    return any(may_view_outcome(user, link.outcome) for link in links)
