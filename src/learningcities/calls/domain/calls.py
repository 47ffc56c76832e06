"""Writes about calls."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.domain.documents import DEFAULT_ALLOWED, delete_document, store_document
from learningcities.common.languages import language_codes
from learningcities.common.model_fields import out_of_bounds

from ..enums import WITHOUT_ENDORSEMENT, CallKind, DeadlineAction, DocumentKind
from ..models import Call, CallAttachment, Submission
from ..validators import validate_time_zone
from .eligibility import manual_check_code
from .errors import SubmissionError
from .revision import bump_call_revision

CALL_FIELDS = (
    "kind",
    "title",
    "framework",
    "opens_at",
    "closes_at",
    "time_zone",
    "language",
    "endorsement_days",
    "endorsement_reminder_days",
    "deadline_action",
    "quota_per_country",
    "population_minimum",
    "require_not_member",
    "member_for_months",
    "not_winner_within_years",
    "required_documents",
    "manual_checks",
    "motivation_word_limit",
    "implementation_word_limit",
    "min_reviews",
    "description",
    "guidelines",
)


# The settings whose limits the model defines (``MinValueValidator`` / ``MaxValueValidator``).
BOUNDED_FIELDS = (
    "endorsement_days",
    "endorsement_reminder_days",
    "quota_per_country",
    "population_minimum",
    "member_for_months",
    "not_winner_within_years",
    "motivation_word_limit",
    "implementation_word_limit",
    "min_reviews",
)


def _check_choices(call: Call) -> None:
    if call.kind not in CallKind.values:
        raise SubmissionError(_("Unknown kind of call: %(kind)s.") % {"kind": call.kind})
    if call.language not in language_codes():
        raise SubmissionError(
            _("Unknown language of a call: %(language)s.") % {"language": call.language}
        )
    if call.deadline_action not in DeadlineAction.values:
        raise SubmissionError(
            _("Unknown deadline action: %(action)s.") % {"action": call.deadline_action}
        )


def _check_window(call: Call) -> None:
    for name in ("opens_at", "closes_at"):
        moment = getattr(call, name)
        if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
            raise SubmissionError(
                _("%(field)s must be a date and time with its time zone.") % {"field": name},
                code="naive_datetime",
            )
    if call.opens_at >= call.closes_at:
        raise SubmissionError(_("A call must open before it closes."), code="window")
    try:
        validate_time_zone(call.time_zone)
    except ValidationError as error:
        raise SubmissionError(error.messages[0], code="time_zone") from None


def _check_reminder(call: Call) -> None:
    reminder = call.endorsement_reminder_days
    if reminder is not None and not 1 <= reminder < call.endorsement_days:
        raise SubmissionError(
            _(
                "The reminder must come 1 to %(most)s days before the endorsement deadline, "
                "within the endorsement window of %(days)s days."
            )
            % {"most": max(call.endorsement_days - 1, 1), "days": call.endorsement_days},
            code="reminder_days",
        )


def _check_bounds(call: Call) -> None:
    """Refuse a setting outside the limits its model field defines (code ``out_of_range``)."""
    for name in BOUNDED_FIELDS:
        problem = out_of_bounds(Call, name, getattr(call, name))
        if problem:
            raise SubmissionError(problem, code="out_of_range")


def _check_call(call: Call) -> None:
    _check_choices(call)
    if not (call.title or "").strip():
        raise SubmissionError(_("A call needs a title."), code="title_missing")
    _check_window(call)
    _check_bounds(call)
    _check_reminder(call)
    unknown = [kind for kind in call.required_documents if kind not in DocumentKind.values]
    if unknown:
        raise SubmissionError(
            _("Unknown kinds of document: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))},
            code="document_kind",
        )
    _check_manual_checks(call.manual_checks)


def _check_manual_checks(labels) -> None:
    if not isinstance(labels, list) or not all(
        isinstance(label, str) and label.strip() for label in labels
    ):
        raise SubmissionError(
            _("Manual checks must be a list of labels, none of them empty."),
            code="manual_checks",
        )
    seen: dict[str, str] = {}
    for label in labels:
        code = manual_check_code(label)
        if code in seen:
            raise SubmissionError(
                _("The manual checks “%(first)s” and “%(second)s” are the same check.")
                % {"first": seen[code], "second": label},
                code="manual_checks",
            )
        seen[code] = label


# The settings of the National Commission's endorsement, which a call without
# endorsement (``Call.needs_endorsement``) does not use.
ENDORSEMENT_FIELDS = (
    "endorsement_days",
    "endorsement_reminder_days",
    "deadline_action",
    "quota_per_country",
)


def _clear_endorsement_settings(call: Call) -> list[str]:
    """Empty the quota and the reminder of a call without endorsement; return the fields changed.

    Neither applies to it (no Commission endorses, no slot is taken); the
    window and the deadline action keep their values, unused.
    """
    if call.needs_endorsement:
        return []
    changed = []
    for name in ("quota_per_country", "endorsement_reminder_days"):
        if getattr(call, name) is not None:
            setattr(call, name, None)
            changed.append(name)
    return changed


@transaction.atomic
def create_call(
    *, actor, title: str, kind: str, framework, opens_at, closes_at, **settings
) -> Call:
    """Create a call pinned to one framework version, its rules as given.

    ``settings`` are further fields of Call (time_zone, quota_per_country,
    endorsement_days, eligibility rules, word limits...). A call without
    endorsement (for presentations) has no quota and no endorsement reminder,
    whatever is given, and requires no document unless told to (the mayor's
    commitment letter is a membership document). Effects: the call;
    activity ``calls.call.create``. Raises SubmissionError naming the problem
    (naive datetimes, a window that closes before it opens, an unknown time zone).
    """
    _check_unknown_fields(settings)
    if kind in WITHOUT_ENDORSEMENT:
        settings.setdefault("required_documents", [])
    call = Call(
        title=title,
        kind=kind,
        framework=framework,
        opens_at=opens_at,
        closes_at=closes_at,
        **settings,
    )
    _clear_endorsement_settings(call)
    _check_call(call)
    call.save()
    record_activity(
        "calls.call.create", actor=actor, subject=call, changes=field_changes(call, CALL_FIELDS)
    )
    return call


# What may change once the call has opened or closed (``locked_call_fields``).
# Texts change at any time; the rules the applications were prepared and
# checked against never change once the call is open; the closing date moves
# while the call is open, never to the past.
TEXT_FIELDS = ("title", "description", "guidelines")
# The jury's settings: set when the jury works, after the call has closed.
JURY_FIELDS = ("min_reviews",)
ELIGIBILITY_FIELDS = (
    "quota_per_country",
    "population_minimum",
    "require_not_member",
    "member_for_months",
    "not_winner_within_years",
    "required_documents",
    "manual_checks",
)
OPEN_FIELDS = ("closes_at", "endorsement_reminder_days")
ATTACHMENT_KIND = "call_attachment"


class CallPhase:
    UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"


def call_phase(call: Call, *, now: dt.datetime | None = None) -> str:
    """Return whether ``call`` is upcoming, open or closed at ``now``."""
    now = now or timezone.now()
    if now < call.opens_at:
        return CallPhase.UPCOMING
    return CallPhase.OPEN if now < call.closes_at else CallPhase.CLOSED


def _closed_locks() -> dict[str, str]:
    """Return the locks of a closed call: everything but the texts and the jury's settings."""
    closed = _("Locked: the call has closed.")
    locks = {name: closed for name in CALL_FIELDS if name not in (*TEXT_FIELDS, *JURY_FIELDS)}
    locks["closes_at"] = _(
        "Locked: the call has closed. Extend one city's deadline from its row on the "
        "call's dashboard instead."
    )
    return locks


def _eligibility_lock(call: Call) -> str:
    """Return why an open call's eligibility rules are locked: how many were checked already."""
    checked = Submission.objects.filter(call=call, submitted_at__isnull=False).count()
    if checked:
        return ngettext(
            "Locked: %(count)s application was already checked against this rule.",
            "Locked: %(count)s applications were already checked against this rule.",
            checked,
        ) % {"count": checked}
    return _(
        "Locked: the call is open; cities may already be preparing their applications "
        "against this rule."
    )


def locked_call_fields(call: Call, *, now: dt.datetime | None = None) -> dict[str, str]:
    """Return ``{field: why it is locked}`` for the settings of ``call`` that may not change now.

    Before the call opens nothing is locked. Once open, only the texts, the
    closing date and the endorsement reminder may change; the eligibility
    rules say how many applications were already checked against them. Once
    closed, only the texts. The jury's settings (reviews per submission) are
    never locked here. The endorsement settings of a call without endorsement
    are locked in every phase: they are not used.
    """
    phase = call_phase(call, now=now)
    if phase == CallPhase.UPCOMING:
        locks = {}
    elif phase == CallPhase.CLOSED:
        locks = _closed_locks()
    else:
        opened = _("Locked: the call is open and cities are already answering it.")
        free = (*TEXT_FIELDS, *OPEN_FIELDS, *JURY_FIELDS)
        locks = {name: opened for name in CALL_FIELDS if name not in free}
        locks.update(dict.fromkeys(ELIGIBILITY_FIELDS, _eligibility_lock(call)))
    if not call.needs_endorsement:
        unused = _("Not used: no National Commission endorses the proposals to this call.")
        locks.update(dict.fromkeys(ENDORSEMENT_FIELDS, unused))
    return locks


def _field_label(name: str) -> str:
    label = str(Call._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _check_unknown_fields(names) -> None:
    unknown = sorted(set(names) - set(CALL_FIELDS))
    if unknown:
        raise SubmissionError(
            _("Unknown settings of a call: %(fields)s.") % {"fields": ", ".join(unknown)}
        )


def _check_changes_allowed(call: Call, changes: dict, changed: list[str], now: dt.datetime):
    """Refuse a change to a locked field, or an open call's closing date moved to the past."""
    locks = locked_call_fields(call, now=now)
    for name in changed:
        if name in locks:
            raise SubmissionError(
                _("%(field)s cannot change. %(reason)s")
                % {"field": _field_label(name), "reason": locks[name]},
                code="locked",
            )
    if (
        "closes_at" in changed
        and call_phase(call, now=now) == CallPhase.OPEN
        and changes["closes_at"] <= now
    ):
        raise SubmissionError(
            _("The call is open: its closing date may move, but not to the past."),
            code="closes_in_past",
        )


@transaction.atomic
def update_call(
    call: Call, *, actor, now: dt.datetime | None = None, **changes
) -> tuple[Call, list[str]]:
    """Change settings of ``call``, those its phase still allows; return it and the fields changed.

    ``changes`` are fields of ``CALL_FIELDS``; a value equal to the current one
    is no change; a call without endorsement keeps no quota and no
    endorsement reminder. A changed field that ``locked_call_fields`` locks is refused
    (SubmissionError, code ``locked``, naming the field and why), whatever the
    form showed; so is a closing date not after ``now`` once the call is open.
    Effects (only when something changed): the call; its ``revision`` bumped;
    activity ``calls.call.update`` with each changed field's old and new value.
    """
    now = now or timezone.now()
    _check_unknown_fields(changes)
    locked = Call.objects.select_for_update().get(pk=call.pk)
    changed = [name for name, value in changes.items() if getattr(locked, name) != value]
    _check_changes_allowed(locked, changes, changed, now)
    if not changed:
        return locked, []
    before = {name: getattr(locked, name) for name in (*changed, *ENDORSEMENT_FIELDS)}
    for name in changed:
        setattr(locked, name, changes[name])
    changed += [name for name in _clear_endorsement_settings(locked) if name not in changed]
    _check_call(locked)
    locked.save(update_fields=changed)
    bump_call_revision(locked.pk)
    record_activity(
        "calls.call.update",
        actor=actor,
        subject=locked,
        changes=field_changes(locked, changed, before),
    )
    return locked, changed


@transaction.atomic
def add_call_attachment(call: Call, upload, *, actor, title: str, name: str | None = None):
    """Publish a document with ``call`` (public: anyone may download it).

    The upload is checked and stored by ``store_document`` (size, type by its
    bytes, name, virus scan; DocumentError otherwise) as a document of the
    secretariat. Effects: the document (activity ``common.document.create``),
    the attachment, the call's ``revision`` bumped, activity
    ``calls.attachment.create``.
    """
    title = (title or "").strip()
    if not title:
        raise SubmissionError(_("An attachment needs a title."), code="title_missing")
    document = store_document(
        upload,
        owner=None,
        uploaded_by=actor,
        kind=ATTACHMENT_KIND,
        allowed=DEFAULT_ALLOWED,
        related_object=call,
        name=name,
    )
    attachment = CallAttachment.objects.create(call=call, document=document, title=title[:200])
    bump_call_revision(call.pk)
    record_activity(
        "calls.attachment.create",
        actor=actor,
        subject=call,
        changes={"attachment": [None, attachment.title], "file": [None, document.original_name]},
    )
    return attachment


@transaction.atomic
def remove_call_attachment(attachment: CallAttachment, *, actor) -> None:
    """Withdraw an attachment of a call: its public link stops working.

    Effects: the attachment and its document deleted (the file once the
    deletion commits, activity ``common.document.delete``); the call's
    ``revision`` bumped; activity ``calls.attachment.delete`` on the call.
    """
    call, document = attachment.call, attachment.document
    record_activity(
        "calls.attachment.delete",
        actor=actor,
        subject=call,
        changes={"attachment": [attachment.title, None], "file": [document.original_name, None]},
    )
    CallAttachment.objects.filter(pk=attachment.pk).delete()
    delete_document(document, actor=actor)
    bump_call_revision(call.pk)
