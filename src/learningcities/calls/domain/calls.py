"""Writes about calls."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import field_changes, record_activity

from ..enums import CallKind, CallLanguage, DeadlineAction, DocumentKind
from ..models import Call
from ..validators import validate_time_zone
from .eligibility import manual_check_code
from .errors import SubmissionError

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
)


def _check_call(call: Call) -> None:
    if call.kind not in CallKind.values:
        raise SubmissionError(_("Unknown kind of call: %(kind)s.") % {"kind": call.kind})
    if not (call.title or "").strip():
        raise SubmissionError(_("A call needs a title."), code="title_missing")
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
    if call.language not in CallLanguage.values:
        raise SubmissionError(
            _("Unknown language of a call: %(language)s.") % {"language": call.language}
        )
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
    if call.deadline_action not in DeadlineAction.values:
        raise SubmissionError(
            _("Unknown deadline action: %(action)s.") % {"action": call.deadline_action}
        )
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


@transaction.atomic
def create_call(
    *, actor, title: str, kind: str, framework, opens_at, closes_at, **settings
) -> Call:
    """Create a call pinned to one framework version, its rules as given.

    ``settings`` are further fields of Call (time_zone, quota_per_country,
    endorsement_days, eligibility rules, word limits...). Effects: the call;
    activity ``calls.call.create``. Raises SubmissionError naming the problem
    (naive datetimes, a window that closes before it opens, an unknown time zone).
    """
    unknown = sorted(set(settings) - set(CALL_FIELDS))
    if unknown:
        raise SubmissionError(
            _("Unknown settings of a call: %(fields)s.") % {"fields": ", ".join(unknown)}
        )
    call = Call(
        title=title,
        kind=kind,
        framework=framework,
        opens_at=opens_at,
        closes_at=closes_at,
        **settings,
    )
    _check_call(call)
    call.save()
    record_activity(
        "calls.call.create", actor=actor, subject=call, changes=field_changes(call, CALL_FIELDS)
    )
    return call
