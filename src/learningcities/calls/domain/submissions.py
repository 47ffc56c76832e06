"""Writes about a city's submission while it is being prepared.

Drafts save as typed: nothing here asks for completeness (that is the
submit guard's), but a value of the wrong type is refused with an error that
names the field and what it expects.
"""

import datetime as dt
from decimal import Decimal
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.enums import OrganisationKind
from learningcities.accounts.rules import is_secretariat
from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.documents import store_document
from learningcities.common.domain.outbox import queue_message_by_language
from learningcities.common.enums import FileFamily
from learningcities.questionnaires.answers import answer_kind
from learningcities.questionnaires.profile import (
    BY_NAME,
    PROFILE_NAMES,
    ProfileKind,
    names_of,
    profile_label,
)
from learningcities.questionnaires.values import InvalidValue, as_decimal, as_integer

from ..enums import (
    CHALLENGE_MAX,
    CHALLENGE_MIN,
    CallKind,
    Challenge,
    DocumentKind,
    SubmissionState,
    editable_states,
)
from ..models import Answer, Call, Submission, SubmissionDocument
from ..rules import can_change_submission, is_coordinator_of_submission
from .errors import SubmissionError, TransitionNotPermitted
from .revision import bump_call_revision
from .timing import in_call_zone, submission_deadline
from .transitions import COORDINATORS, recipients_with_language

# The profile's fields by kind, from the questionnaire engine's one list.
INTEGER_FIELDS = names_of(ProfileKind.YEAR, ProfileKind.INTEGER)
DECIMAL_FIELDS = names_of(ProfileKind.DECIMAL)
TEXT_FIELDS = names_of(ProfileKind.TEXT, ProfileKind.LONG_TEXT)


def _label(field: str) -> str:
    return profile_label(Submission, field)


def _wrong(field_label: str, expected: str) -> SubmissionError:
    return _refused(InvalidValue.wrong(field_label, expected))


def _refused(error: InvalidValue) -> SubmissionError:
    """Return the engine's refusal of a value as this app's error."""
    return SubmissionError(str(error), code="wrong_type")


def _check_actor_may_edit(submission: Submission, actor) -> None:
    if not is_coordinator_of_submission(actor, submission):
        raise TransitionNotPermitted(
            _("Only a coordinator of %(city)s may change this submission.")
            % {"city": submission.city}
        )
    if not can_change_submission(actor, submission):
        raise SubmissionError(
            _("A submission that is %(state)s cannot be changed.")
            % {"state": submission.state_for_city_display},
            code="not_editable",
        )


def _locked(submission: Submission) -> Submission:
    """Re-read ``submission`` with a row lock, so a change never races a transition."""
    return Submission.objects.select_for_update().select_related("call").get(pk=submission.pk)


@transaction.atomic
def start_submission(call: Call, *, city, actor, now: dt.datetime | None = None) -> Submission:
    """Start ``city``'s draft submission to ``call``.

    The call must be open (now between its opening and closing); the city must
    have its organisation and ``actor`` must be one of its coordinators; a city
    has one live submission per call. Effects: the draft; the call's
    ``revision`` bumped; activity ``calls.submission.create``.
    """
    draft = _new_draft(call, city=city, actor=actor)
    _check_call_open(call, now or timezone.now())
    live = Submission.objects.filter(call=call, city=city).exclude(state=SubmissionState.WITHDRAWN)
    duplicate = SubmissionError(
        _("%(city)s has a submission to this call already.") % {"city": city}, code="duplicate"
    )
    if live.exists():
        raise duplicate
    source = None
    if call.kind == CallKind.AWARD:
        source = _prefill_profile(draft, city)
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
    except IntegrityError:  # a concurrent start won the race
        raise duplicate from None
    copied = _prefill_answers(draft, source) if source is not None else 0
    bump_call_revision(call.pk)
    changes = field_changes(draft, ("call", "city", "state"))
    if source is not None:
        changes["prefilled_from"] = [None, str(source.pk)]
        changes["answers_copied"] = [None, copied]
    record_activity(
        "calls.submission.create",
        actor=actor,
        organisation=draft.organisation,
        subject=draft,
        changes=changes,
    )
    return draft


def _new_draft(call: Call, *, city, actor) -> Submission:
    """Return an unsaved draft of ``city`` to ``call``.

    Refuses a city without its organisation on the platform
    (SubmissionError) and an ``actor`` who is not one of its coordinators.
    """
    organisation = getattr(city, "organisation", None)
    if organisation is None or organisation.kind != OrganisationKind.CITY:
        raise SubmissionError(
            _("%(city)s has no organisation on the platform yet.") % {"city": city},
            code="no_organisation",
        )
    draft = Submission(call=call, city=city, organisation=organisation, country=city.country)
    if not is_coordinator_of_submission(actor, draft):
        raise TransitionNotPermitted(
            _("Only a coordinator of %(city)s may apply for it.") % {"city": city}
        )
    return draft


def _check_call_open(call: Call, now: dt.datetime) -> None:
    """Refuse (SubmissionError) a start before the call opens or after it closes."""
    if now < call.opens_at:
        raise SubmissionError(
            _("The call opens on %(opens)s.") % {"opens": in_call_zone(call.opens_at, call)},
            code="not_open",
        )
    if now > call.closes_at:
        raise SubmissionError(
            _("The call closed on %(closes)s.") % {"closes": in_call_zone(call.closes_at, call)},
            code="deadline_passed",
        )


def _latest_submission(city) -> Submission | None:
    """Return the city's latest submission that reached its National Commission, or None."""
    return (
        Submission.objects.filter(city=city, submitted_at__isnull=False)
        .select_related("call")
        .order_by("-submitted_at", "-pk")
        .first()
    )


def _prefill_profile(draft: Submission, city) -> Submission | None:
    """Fill ``draft``'s profile from the city's latest submission and the register.

    A nomination asks again much of what the city told the network before: its
    latest submission's profile is copied, then the register's population (with
    its year) where the register has one, as the secretariat keeps it current,
    and the register's public contact where no submission named one.
    Return the submission copied from, or None.
    """
    source = _latest_submission(city)
    if source is not None:
        for field in PROFILE_NAMES:
            setattr(draft, field, getattr(source, field))
    if city.population:
        draft.population = city.population
        draft.data_year = city.population_year or draft.data_year
    # The register's public contact stands in where no earlier submission names one.
    for field in ("contact_name", "contact_email"):
        if not getattr(draft, field):
            setattr(draft, field, getattr(city, field, "") or "")
    return source


def _prefill_answers(draft: Submission, source: Submission) -> int:
    """Copy ``source``'s answers to the criteria of ``draft``'s call with the same code and type.

    Evidence documents are not copied (the city attaches them again, as they
    may have changed). Return how many answers were copied.
    """
    criteria = {
        (criterion.code, criterion.answer_type): criterion
        for criterion in draft.call.framework.criteria.all()
    }
    copies = []
    for answer in source.answers.select_related("criterion"):
        target = criteria.get((answer.criterion.code, answer.criterion.answer_type))
        if target is None:
            continue
        kind = answer_kind(target)
        try:
            fields = kind.to_fields(target, kind.value(answer))
        except InvalidValue:
            continue  # the same code on another scale: the city rates again
        copies.append(Answer(submission=draft, criterion=target, **fields))
    Answer.objects.bulk_create(copies)
    return len(copies)


def _clean_challenges(value: Any, label: str) -> dict[str, int]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _wrong(label, _("a rating from 1 to 5 for each challenge"))
    cleaned = {}
    for key, rating in value.items():
        if key not in Challenge.values:
            raise SubmissionError(
                _("%(field)s: unknown challenge %(key)s.") % {"field": label, "key": key},
                code="wrong_type",
            )
        if rating is None or rating == "":
            continue
        points = as_integer(rating, f"{label} ({Challenge(key).label})")
        if not CHALLENGE_MIN <= points <= CHALLENGE_MAX:
            raise _wrong(f"{label} ({Challenge(key).label})", _("a rating from 1 to 5"))
        cleaned[key] = points
    return cleaned


def _clean_text(field: str, value: Any, label: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _wrong(label, _("text"))
    limit = Submission._meta.get_field(field).max_length
    if limit and len(value.strip()) > limit:
        raise _wrong(label, _("at most %(count)s characters") % {"count": limit})
    # A long text keeps its spaces and line breaks as typed.
    return value if BY_NAME[field].kind == ProfileKind.LONG_TEXT else value.strip()


def _clean_choice(field: str, value: Any, label: str) -> str:
    if _empty(value):
        return ""
    choices = [choice for choice, _label in Submission._meta.get_field(field).choices]
    if value not in choices:
        raise _wrong(label, ", ".join(choices))
    return value


def _clean_year(field: str, value: Any, label: str) -> int | None:
    if _empty(value):
        return None
    number = as_integer(value, label)
    if not 1900 <= number <= 2100:
        raise _wrong(label, _("a year such as 2024"))
    return number


def _clean_integer(field: str, value: Any, label: str) -> int | None:
    return None if _empty(value) else as_integer(value, label)


def _clean_decimal(field: str, value: Any, label: str) -> Decimal | None:
    if _empty(value):
        return None
    model_field = Submission._meta.get_field(field)
    return as_decimal(
        value, label, max_digits=model_field.max_digits, decimal_places=model_field.decimal_places
    )


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_CLEANERS = {
    ProfileKind.YEAR: _clean_year,
    ProfileKind.INTEGER: _clean_integer,
    ProfileKind.DECIMAL: _clean_decimal,
    ProfileKind.TEXT: _clean_text,
    ProfileKind.LONG_TEXT: _clean_text,
    ProfileKind.CHOICE: _clean_choice,
    ProfileKind.RATINGS: lambda field, value, label: _clean_challenges(value, label),
}


def clean_profile_value(field: str, value: Any) -> Any:
    """Return ``value`` as stored in the profile ``field``; raise SubmissionError if it cannot be.

    ``None`` (or an empty string) clears the field.
    """
    if field not in BY_NAME:
        raise SubmissionError(
            _("Unknown field of a submission: %(field)s.") % {"field": field}, code="unknown_field"
        )
    try:
        return _CLEANERS[BY_NAME[field].kind](field, value, _label(field))
    except InvalidValue as error:
        raise _refused(error) from None


@transaction.atomic
def save_draft(submission: Submission, *, actor, **fields) -> Submission:
    """Save profile fields of an editable submission as typed (no completeness check).

    Each value is checked for its type only (SubmissionError naming the field
    otherwise, and nothing is saved). Effects: the changed fields;
    activity ``calls.submission.update`` listing them. Unchanged values write nothing.
    """
    cleaned = {field: clean_profile_value(field, value) for field, value in fields.items()}
    locked = _locked(submission)
    _check_actor_may_edit(locked, actor)
    before = {field: getattr(locked, field) for field in cleaned}
    changed = [field for field, value in cleaned.items() if before[field] != value]
    for field in changed:
        setattr(locked, field, cleaned[field])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        record_activity(
            "calls.submission.update",
            actor=actor,
            organisation=locked.organisation,
            subject=locked,
            changes=field_changes(locked, changed, before),
        )
    for field in cleaned:
        setattr(submission, field, getattr(locked, field))
    submission.updated_at = locked.updated_at
    return submission


def _answer_values(criterion, value: Any) -> dict[str, Any]:
    """Return the Answer fields holding ``value`` for ``criterion``; raise on a wrong type."""
    try:
        return answer_kind(criterion).to_fields(criterion, value)
    except InvalidValue as error:
        raise _refused(error) from None


def _check_criterion(submission: Submission, criterion) -> None:
    if criterion.framework_id != submission.call.framework_id:
        raise SubmissionError(
            _("%(criterion)s is not a question of this call.") % {"criterion": criterion.code},
            code="foreign_criterion",
        )


@transaction.atomic
def save_answer(submission: Submission, criterion, *, actor, value: Any) -> Answer:
    """Save the answer to ``criterion`` as typed; ``None`` clears it.

    The value must fit the criterion's answer type (text, number, rating within
    its scale, yes/no as a boolean); word limits are checked at submission, not
    here. Effects: the answer row (created or changed); activity
    ``calls.answer.update``.
    """
    _check_criterion(submission, criterion)
    values = _answer_values(criterion, value)
    locked = _locked(submission)
    _check_actor_may_edit(locked, actor)
    answer = Answer.objects.filter(submission=locked, criterion=criterion).first()
    if answer is None:
        answer = Answer.objects.create(submission=locked, criterion=criterion, **values)
        before = {}
    else:
        before = {field: getattr(answer, field) for field in values}
        if before == values:
            return answer
        for field, new in values.items():
            setattr(answer, field, new)
        answer.save(update_fields=[*values, "updated_at"])
    record_activity(
        "calls.answer.update",
        actor=actor,
        organisation=locked.organisation,
        subject=answer,
        changes=field_changes(answer, [f for f in values if before.get(f) != values[f]], before),
    )
    return answer


@transaction.atomic
def attach_document(
    submission: Submission,
    upload: IO[bytes],
    *,
    actor,
    kind: str,
    criterion=None,
    name: str | None = None,
) -> SubmissionDocument:
    """Store ``upload`` as a private document of the submitting city and attach it.

    A commitment letter is a PDF or an image; evidence for a criterion is one of
    the criterion's file kinds (default PDF). Effects: the document (see
    ``store_document``), the link; activity ``calls.document.create``.
    """
    if kind not in DocumentKind.values:
        raise SubmissionError(
            _("Unknown kind of document: %(kind)s.") % {"kind": kind}, code="document_kind"
        )
    if criterion is not None:
        _check_criterion(submission, criterion)
    locked = _locked(submission)
    _check_actor_may_edit(locked, actor)
    if kind == DocumentKind.COMMITMENT_LETTER:
        allowed = [FileFamily.PDF, FileFamily.IMAGE]
    else:
        allowed = list((criterion.file_kinds if criterion else None) or [FileFamily.PDF])
    document = store_document(
        upload,
        owner=locked.organisation,
        uploaded_by=actor,
        kind=f"calls.{kind}",
        allowed=allowed,
        related_object=locked,
        name=name,
    )
    link = SubmissionDocument.objects.create(
        submission=locked, document=document, criterion=criterion, kind=kind
    )
    record_activity(
        "calls.document.create",
        actor=actor,
        organisation=locked.organisation,
        subject=link,
        changes=field_changes(link, ("document", "criterion", "kind")),
    )
    return link


@transaction.atomic
def extend_deadline(
    submission: Submission, *, actor, until: dt.datetime, reason: str = ""
) -> Submission:
    """Let this one city submit until ``until`` (an aware datetime after the call's close).

    Only the secretariat may; only while the city may still change it (a draft,
    or returned / needing changes). Effects: ``deadline_extension``; activity
    ``calls.submission.extend_deadline`` (with ``reason``); a notice to the
    city's coordinators (``calls.submission.deadline_extended``, in the call's
    language) naming the new deadline, the one it replaces and the reason, in
    the call's time zone.
    """
    if not is_secretariat(actor):
        raise TransitionNotPermitted(_("Only the secretariat may extend a deadline."))
    if not isinstance(until, dt.datetime) or until.tzinfo is None:
        raise SubmissionError(
            _("The extended deadline must be a date and time with its time zone."),
            code="naive_datetime",
        )
    locked = _locked(submission)
    if until <= locked.call.closes_at:
        raise SubmissionError(
            _("An extension must end after the call closes (%(closes)s).")
            % {"closes": in_call_zone(locked.call.closes_at, locked.call)},
            code="extension_too_early",
        )
    if locked.state not in editable_states:
        raise SubmissionError(
            _("A submission that is %(state)s needs no extension.")
            % {"state": locked.get_state_display()},
            code="not_editable",
        )
    before = {"deadline_extension": locked.deadline_extension}
    previous = submission_deadline(locked)
    locked.deadline_extension = until
    locked.save(update_fields=["deadline_extension", "updated_at"])
    record_activity(
        "calls.submission.extend_deadline",
        actor=actor,
        organisation=locked.organisation,
        subject=locked,
        changes={
            **field_changes(locked, ["deadline_extension"], before),
            **({"reason": [None, reason.strip()]} if reason.strip() else {}),
        },
    )
    _notify_extension(locked, previous=previous, reason=reason.strip())
    submission.deadline_extension = until
    return submission


def _notify_extension(submission: Submission, *, previous: dt.datetime, reason: str = "") -> None:
    """Tell the city's coordinators of the extension, one message per language."""
    call = submission.call
    queue_message_by_language(
        "calls.submission.deadline_extended",
        recipients=recipients_with_language(submission, COORDINATORS),
        context=lambda: {
            "city": str(submission.city),
            "country": str(submission.country),
            "call": call.title,
            "deadline": in_call_zone(submission.deadline_extension, call),
            "previous_deadline": in_call_zone(previous, call),
            "reason": reason,
            "audience": COORDINATORS,
        },
        language=call.language,
        related_object=submission,
    )
