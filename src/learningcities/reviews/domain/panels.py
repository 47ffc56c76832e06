"""Writes about jury panels and their review phases.

A call has at most one panel; the panel's jurors are the people affiliated as
jurors to its organisation (of kind ``panel``). Phases are data: dates and
what jurors may see and do in each.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.domain.errors import InvitationError
from learningcities.accounts.domain.invitations import invite_person
from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Affiliation, Organisation
from learningcities.calls.models import Call
from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.common.model_fields import out_of_bounds, setting_default

from ..enums import OtherReviews
from ..models import Panel, ReviewPhase, Score
from .errors import ReviewError
from .queries.reviews import phase_in_force

# The settings a panel takes; each one's default, limits and help text are the
# model field's (``models.Panel``).
PANEL_SETTINGS = (
    "score_min",
    "score_max",
    "level_descriptors",
    "max_load",
    "normalise_min_reviews",
    "disagreement_spread",
    "reminder_days",
)
# Settings that change the stored figures: a change makes the aggregates stale.
FIGURE_SETTINGS = frozenset({"normalise_min_reviews", "disagreement_spread"})
PHASE_FIELDS = (
    "name",
    "order",
    "starts_at",
    "ends_at",
    "may_review",
    "sees_other_reviews",
    "sees_identity",
    "may_change_state",
)


def _clean_descriptors(descriptors, score_min: int, score_max: int) -> dict[str, str]:
    """Return the level descriptors with string keys, or raise naming the key out of the scale."""
    if descriptors in (None, ""):
        return {}
    if not isinstance(descriptors, dict):
        raise ReviewError(
            _("Level descriptors map each score to its meaning."), code="descriptors_invalid"
        )
    cleaned: dict[str, str] = {}
    for key, text in descriptors.items():
        try:
            level = int(str(key).strip())
        except ValueError:
            raise ReviewError(
                _("“%(key)s” is not a score: level descriptors are keyed by whole numbers.")
                % {"key": key},
                code="descriptors_invalid",
            ) from None
        if not score_min <= level <= score_max:
            raise ReviewError(
                _("The descriptor of %(level)s is outside the scale %(min)s to %(max)s.")
                % {"level": level, "min": score_min, "max": score_max},
                code="descriptors_outside_scale",
            )
        text = str(text or "").strip()
        if text:
            cleaned[str(level)] = text
    return dict(sorted(cleaned.items(), key=lambda item: int(item[0])))


# The code of the refusal of each setting outside the limits its model field defines.
_RANGE_CODES = {
    "score_min": "scale_invalid",
    "score_max": "scale_invalid",
    "max_load": "max_load_invalid",
    "normalise_min_reviews": "normalise_min_invalid",
    "disagreement_spread": "spread_invalid",
    "reminder_days": "reminder_days_invalid",
}
_WHOLE_NUMBERS = ("score_min", "score_max", "max_load", "normalise_min_reviews", "reminder_days")


def _as_numbers(data: dict) -> dict:
    """Return the numeric settings of ``data`` as numbers, or raise ``not_a_number``."""
    try:
        numbers = {name: int(data[name]) for name in _WHOLE_NUMBERS}
    except (TypeError, ValueError):
        raise ReviewError(_("Scores and loads are whole numbers."), code="not_a_number") from None
    try:
        spread = Decimal(str(data["disagreement_spread"]))
    except (InvalidOperation, ValueError):
        raise ReviewError(_("The disagreement spread is a number."), code="not_a_number") from None
    if not spread.is_finite():
        raise ReviewError(_("The disagreement spread is a number."), code="not_a_number")
    numbers["disagreement_spread"] = spread
    return numbers


def _check_ranges(numbers: dict) -> None:
    """Refuse a setting outside its model field's limits, then a scale not in order."""
    for name, code in _RANGE_CODES.items():
        problem = out_of_bounds(Panel, name, numbers[name])
        if problem:
            raise ReviewError(problem, code=code)
    if numbers["score_min"] >= numbers["score_max"]:
        raise ReviewError(
            _("The lowest score (%(min)s) must be below the highest (%(max)s).")
            % {"min": numbers["score_min"], "max": numbers["score_max"]},
            code="scale_invalid",
        )


def _clean_settings(current: dict, changes: dict) -> dict:
    """Return the panel's settings after ``changes``, validated together.

    Each setting's limits are its model field's (``Panel``); the scale is
    ordered and the level descriptors lie within it.
    """
    unknown = sorted(set(changes) - set(PANEL_SETTINGS))
    if unknown:
        raise ReviewError(
            _("Unknown panel settings: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown_setting",
        )
    data = {**current, **changes}
    numbers = _as_numbers(data)
    _check_ranges(numbers)
    numbers["disagreement_spread"] = numbers["disagreement_spread"].quantize(Decimal("0.01"))
    descriptors = _clean_descriptors(
        data["level_descriptors"], numbers["score_min"], numbers["score_max"]
    )
    return {**numbers, "level_descriptors": descriptors}


def _defaults() -> dict:
    return {name: setting_default(Panel, name) for name in PANEL_SETTINGS}


@transaction.atomic
def create_panel(
    call: Call,
    *,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    actor,
    **settings,
) -> Panel:
    """Create the jury panel of ``call``.

    ``organisation`` is an existing organisation of kind ``panel`` (its
    jurors become the call's); without one, a panel organisation named
    ``organisation_name`` (default: "Jury of <call>") is created. ``settings``
    are the panel's (``PANEL_SETTINGS``), validated together: a scale
    ordered, level descriptors within the scale, a load of 1 or more.
    Effects: the panel (and perhaps its organisation); activity
    ``reviews.panel.create``. Raises ReviewError when the call has a panel
    already (``panel_exists``), the organisation is not a panel
    (``not_a_panel``) or a setting is wrong.
    """
    if Panel.objects.filter(call=call).exists():
        raise ReviewError(
            _("The call “%(call)s” has a jury panel already.") % {"call": call},
            code="panel_exists",
        )
    cleaned = _clean_settings(_defaults(), settings)
    if organisation is None:
        organisation = create_organisation(
            kind=OrganisationKind.PANEL,
            name=(organisation_name or "").strip() or _("Jury of %(call)s") % {"call": call},
            actor=actor,
        )
    elif organisation.kind != OrganisationKind.PANEL:
        raise ReviewError(
            _("“%(organisation)s” is not a jury panel.") % {"organisation": organisation},
            code="not_a_panel",
        )
    try:
        with transaction.atomic():
            panel = Panel.objects.create(call=call, organisation=organisation, **cleaned)
    except IntegrityError:  # a concurrent twin won the race
        raise ReviewError(
            _("The call “%(call)s” has a jury panel already.") % {"call": call},
            code="panel_exists",
        ) from None
    record_activity(
        "reviews.panel.create",
        actor=actor,
        organisation=organisation,
        subject=panel,
        changes={"call": [None, str(call.pk)], **field_changes(panel, PANEL_SETTINGS)},
    )
    return panel


@transaction.atomic
def update_panel_settings(panel: Panel, *, actor, **settings) -> Panel:
    """Change the panel's settings (``PANEL_SETTINGS``), validated together.

    The scale cannot change once a score is recorded (``scale_locked``).
    Effects: the panel saved with the changed fields; a change of a setting
    that shapes the figures (``FIGURE_SETTINGS``) bumps ``scores_revision``
    so the stored aggregates are recomputed; activity
    ``reviews.panel.update`` (nothing when nothing changed).
    """
    locked = Panel.objects.select_for_update().get(pk=panel.pk)
    current = {name: getattr(locked, name) for name in PANEL_SETTINGS}
    cleaned = _clean_settings(current, settings)
    changed = [name for name in PANEL_SETTINGS if cleaned[name] != current[name]]
    if not changed:
        return panel
    scale_changed = {"score_min", "score_max"} & set(changed)
    if (
        scale_changed
        and Score.objects.filter(review__assignment__panel=locked, value__isnull=False).exists()
    ):
        raise ReviewError(
            _("The scale cannot change once jurors have scored."), code="scale_locked"
        )
    for name in changed:
        setattr(locked, name, cleaned[name])
    fields = list(changed)
    if FIGURE_SETTINGS & set(changed):
        locked.scores_revision += 1
        fields.append("scores_revision")
    locked.save(update_fields=fields)
    record_activity(
        "reviews.panel.update",
        actor=actor,
        organisation=locked.organisation,
        subject=locked,
        changes=field_changes(locked, changed, current),
    )
    for name in (*PANEL_SETTINGS, "scores_revision"):
        setattr(panel, name, getattr(locked, name))
    return panel


def _phase_dates(data: dict) -> tuple[dt.datetime, dt.datetime]:
    """Return the phase's start and end: aware, the start before the end."""
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts_at, dt.datetime) or not isinstance(ends_at, dt.datetime):
        raise ReviewError(_("A phase needs a start and an end."), code="dates_missing")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ReviewError(_("Phase dates need a time zone."), code="dates_naive")
    if starts_at >= ends_at:
        raise ReviewError(_("A phase must end after it starts."), code="dates_order")
    return starts_at, ends_at


def _phase_order(value) -> int:
    try:
        order = int(value or 0)
    except (TypeError, ValueError):
        raise ReviewError(_("The order is a whole number."), code="not_a_number") from None
    problem = out_of_bounds(ReviewPhase, "order", order)
    if problem:
        raise ReviewError(problem, code="not_a_number")
    return order


def _clean_phase(data: dict) -> dict:
    name = str(data.get("name") or "").strip()
    if not name:
        raise ReviewError(_("A phase needs a name."), code="name_missing")
    starts_at, ends_at = _phase_dates(data)
    if data.get("sees_other_reviews") not in OtherReviews.values:
        raise ReviewError(
            _("Choose when jurors see the other reviews: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in OtherReviews.labels)},
            code="sees_other_reviews_invalid",
        )
    return {
        "name": name[:120],
        "order": _phase_order(data.get("order")),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "may_review": bool(data.get("may_review")),
        "sees_other_reviews": data["sees_other_reviews"],
        "sees_identity": bool(data.get("sees_identity")),
        "may_change_state": bool(data.get("may_change_state")),
    }


@transaction.atomic
def add_phase(
    panel: Panel,
    *,
    actor,
    name: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    order: int | None = None,
    may_review: bool = True,
    sees_other_reviews: str = OtherReviews.AFTER_OWN,
    sees_identity: bool = True,
    may_change_state: bool = False,
) -> ReviewPhase:
    """Add a review phase to ``panel``.

    ``order`` defaults to after the last phase. Dates are aware and ordered.
    Effects: the phase; activity ``reviews.phase.add``. Raises ReviewError
    naming what is wrong.
    """
    if order is None:
        last = ReviewPhase.objects.filter(panel=panel).order_by("-order").first()
        order = last.order + 1 if last else 0
    cleaned = _clean_phase(
        {
            "name": name,
            "order": order,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "may_review": may_review,
            "sees_other_reviews": sees_other_reviews,
            "sees_identity": sees_identity,
            "may_change_state": may_change_state,
        }
    )
    phase = ReviewPhase.objects.create(panel=panel, **cleaned)
    record_activity(
        "reviews.phase.add",
        actor=actor,
        organisation=panel.organisation,
        subject=phase,
        changes=field_changes(phase, PHASE_FIELDS),
    )
    return phase


@transaction.atomic
def update_phase(phase: ReviewPhase, *, actor, **fields) -> ReviewPhase:
    """Change a phase's name, order, dates or permissions (``PHASE_FIELDS``).

    Effects: the phase saved with the changed fields; activity
    ``reviews.phase.update`` (nothing when nothing changed).
    """
    unknown = sorted(set(fields) - set(PHASE_FIELDS))
    if unknown:
        raise ReviewError(
            _("Unknown phase fields: %(names)s.") % {"names": ", ".join(unknown)},
            code="unknown_setting",
        )
    before = {name: getattr(phase, name) for name in PHASE_FIELDS}
    cleaned = _clean_phase({**before, **fields})
    changed = [name for name in PHASE_FIELDS if cleaned[name] != before[name]]
    if not changed:
        return phase
    for name in changed:
        setattr(phase, name, cleaned[name])
    phase.save(update_fields=changed)
    record_activity(
        "reviews.phase.update",
        actor=actor,
        organisation=phase.panel.organisation,
        subject=phase,
        changes=field_changes(phase, changed, before),
    )
    return phase


@transaction.atomic
def remove_phase(phase: ReviewPhase, *, actor) -> None:
    """Delete a phase. Effects: the row; activity ``reviews.phase.remove``."""
    record_activity(
        "reviews.phase.remove",
        actor=actor,
        organisation=phase.panel.organisation,
        subject=phase,
        changes=field_changes(phase, PHASE_FIELDS),
    )
    phase.delete()


def _phases_in_order(panel: Panel) -> list[ReviewPhase]:
    return list(ReviewPhase.objects.filter(panel=panel).order_by("order", "starts_at", "pk"))


def next_phase(
    phases: list[ReviewPhase], current: ReviewPhase | None, now: dt.datetime
) -> ReviewPhase | None:
    """Return the phase that follows ``current`` (or the next to open when none is in force).

    ``phases`` are the panel's, in order. After a phase in force: the first
    later one (by order) that has not ended. With none in force: the first
    phase (by start) still to open.
    """
    if current is not None:
        later = phases[phases.index(current) + 1 :] if current in phases else []
        return next((phase for phase in later if phase.ends_at > now), None)
    upcoming = sorted((p for p in phases if p.starts_at > now), key=lambda p: p.starts_at)
    return upcoming[0] if upcoming else None


@transaction.atomic
def advance_phase(panel: Panel, *, actor, now: dt.datetime | None = None) -> ReviewPhase:
    """Close the phase in force now and open the next one now.

    The phase in force (``queries.reviews.phase_in_force``) ends at ``now``
    and the next phase (``next_phase``) starts at ``now`` when it was to
    start later; with no phase in force, the next phase to open starts now.
    Effects: both phases saved (dates only); activity
    ``reviews.phase.advance`` with both phases' dates. Returns the phase now
    in force. Raises ReviewError (``no_next_phase``) when no phase follows.
    """
    now = now or timezone.now()
    Panel.objects.select_for_update().filter(pk=panel.pk).first()  # one advance at a time
    current = phase_in_force(panel, now=now)
    phases = _phases_in_order(panel)
    following = next_phase(phases, current, now)
    if following is None:
        raise ReviewError(
            _("No review phase follows; add one on the jury page first."), code="no_next_phase"
        )
    changes: dict[str, list] = {}
    if current is not None:
        changes["closed"] = [current.name, current.name]
        changes["closed_ends_at"] = [current.ends_at.isoformat(), now.isoformat()]
        current.ends_at = now
        current.save(update_fields=["ends_at"])
    if following.starts_at > now:
        changes["opened_starts_at"] = [following.starts_at.isoformat(), now.isoformat()]
        following.starts_at = now
        following.save(update_fields=["starts_at"])
    changes["opened"] = [current.name if current else None, following.name]
    record_activity(
        "reviews.phase.advance",
        actor=actor,
        organisation=panel.organisation,
        subject=following,
        changes=changes,
    )
    return following


@transaction.atomic
def set_reviews_per_submission(panel: Panel, *, actor, count: int) -> Panel:
    """Set how many reviews each submission of the panel's call gets (``Call.min_reviews``).

    Within the limits of the model field. Effects: the call's ``min_reviews``;
    ``scores_revision`` bumped (the ranking shows the expected number); activity
    ``reviews.panel.reviews_per_submission`` (nothing when unchanged).
    """
    try:
        count = int(count)
    except (TypeError, ValueError):
        raise ReviewError(
            _("Reviews per submission is a whole number."), code="not_a_number"
        ) from None
    problem = out_of_bounds(Call, "min_reviews", count)
    if problem:
        raise ReviewError(problem, code="min_reviews_invalid")
    call = Call.objects.select_for_update().get(pk=panel.call_id)
    before = call.min_reviews
    if before == count:
        return panel
    call.min_reviews = count
    call.save(update_fields=["min_reviews"])
    locked = Panel.objects.select_for_update().get(pk=panel.pk)
    locked.scores_revision += 1
    locked.save(update_fields=["scores_revision"])
    panel.scores_revision = locked.scores_revision
    panel.call.min_reviews = count
    record_activity(
        "reviews.panel.reviews_per_submission",
        actor=actor,
        organisation=panel.organisation,
        subject=panel,
        changes={"min_reviews": [before, count]},
    )
    return panel


@transaction.atomic
def add_juror(panel: Panel, user, *, actor):
    """Make ``user``, who holds the juror role in some panel, a juror of ``panel``.

    Effects: the juror affiliation to the panel's organisation
    (``accounts.domain.organisations.add_affiliation``, with its activity);
    activity ``reviews.panel.juror_add``. Raises ReviewError when the person
    holds no juror role (``not_a_juror``: invite them instead), is inactive,
    or is on the panel already (``already_juror``).
    """
    if (
        not getattr(user, "is_active", False)
        or not Affiliation.objects.filter(user=user, role=Role.JUROR).exists()
    ):
        raise ReviewError(
            _("%(person)s does not hold the juror role: invite them by e-mail instead.")
            % {"person": user},
            code="not_a_juror",
        )
    if Affiliation.objects.filter(
        user=user, role=Role.JUROR, organisation_id=panel.organisation_id
    ).exists():
        raise ReviewError(
            _("%(person)s is a juror of this panel already.") % {"person": user},
            code="already_juror",
        )
    affiliation = add_affiliation(panel.organisation, user=user, role=Role.JUROR, actor=actor)
    record_activity(
        "reviews.panel.juror_add",
        actor=actor,
        organisation=panel.organisation,
        subject=panel,
        changes={"juror": [None, str(user.pk)]},
    )
    return affiliation


def invite_juror(panel: Panel, *, email: str, actor):
    """Invite the person at ``email`` to ``panel`` with the juror role.

    The invitation is to the panel's organisation (``invite_person``: the
    invitation, its mail, activity ``accounts.invitation.create``); once
    accepted the person is a juror of the call. Returns the invitation.
    Raises ReviewError with ``invite_person``'s reason when it refuses.
    """
    try:
        invitation, _token = invite_person(
            panel.organisation, email=email, role=Role.JUROR, actor=actor
        )
    except InvitationError as error:
        raise ReviewError(str(error), code="invitation") from None
    return invitation
