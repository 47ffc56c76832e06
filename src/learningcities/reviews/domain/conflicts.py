"""Writes about conflicts of interest: a juror's ties and recusals.

The conflicts themselves are computed (``domain.queries.conflicts``) from
the juror's nationality and organisations plus the ties recorded here, on
every read: a tie recorded after an assignment hides the submission at once.
The assignment stays, listed as a conflicted assignment for the secretariat
to replace (``auto_assign`` drops it when no review was submitted).
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from learningcities.accounts.models import User
from learningcities.accounts.rules import is_juror, is_secretariat
from learningcities.calls.models import Submission
from learningcities.common.domain.activity import record_activity
from learningcities.common.models import ActivityLogEntry
from learningcities.network.models import City, Country

from ..enums import ReviewState, TieKind, TieSource
from ..models import Assignment, JurorTie, Panel, Recusal, Review
from .errors import ReviewError
from .queries.conflicts import forget_juror_ties
from .queries.reviews import phase_in_force, shows_identity
from .record import jury_record_refusal, lock_jury_record
from .revision import bump_scores_revision


def _source_for(juror: User, actor) -> str:
    """Return who records a tie or recusal for ``juror``: the juror, or the secretariat."""
    if actor is not None and getattr(actor, "pk", None) == juror.pk:
        return TieSource.JUROR
    if actor is None or is_secretariat(actor):
        return TieSource.SECRETARIAT
    raise ReviewError(_("Only the juror or the secretariat may record this."), code="not_permitted")


def _check_tie(*, kind: str, country, city, reason: str) -> str:
    """Return the tie's reason, trimmed, or refuse a tie that is not well formed."""
    if kind not in TieKind.values:
        raise ReviewError(
            _("Choose the kind of tie: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in TieKind.labels)},
            code="kind_invalid",
        )
    if (country is None) == (city is None):
        raise ReviewError(_("A tie is to one country or one city."), code="place_missing")
    if city is not None and kind != TieKind.DECLARED:
        raise ReviewError(
            _("Residence and work are ties to a country; declare a tie to a city."),
            code="city_not_declared",
        )
    reason = (reason or "").strip()
    if kind == TieKind.DECLARED and not reason:
        raise ReviewError(_("Say why you are tied (the reason)."), code="reason_missing")
    return reason


@transaction.atomic
def record_tie(
    juror: User,
    *,
    kind: str,
    country: Country | None = None,
    city: City | None = None,
    reason: str = "",
    actor,
) -> JurorTie:
    """Record ``juror``'s tie to a country or a city.

    The juror records their own (source ``juror``); the secretariat may add
    one for any juror (source ``secretariat``); anyone else is refused
    (``not_permitted``). Residence and work are ties to a country; a
    declared tie is to a country or a city and needs a reason. Effects: the
    tie; the juror's memo of ties forgotten; activity ``reviews.tie.add``.
    From then on the juror no longer sees that country's or city's
    submissions, assigned or not.
    """
    source = _source_for(juror, actor)
    if not is_juror(juror):
        raise ReviewError(_("%(person)s is not a juror.") % {"person": juror}, code="not_a_juror")
    reason = _check_tie(kind=kind, country=country, city=city, reason=reason)
    try:
        with transaction.atomic():
            tie = JurorTie.objects.create(
                juror=juror,
                kind=kind,
                country=country,
                city=city,
                reason=reason,
                source=source,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ReviewError(
            _("This tie to %(place)s is recorded already.") % {"place": country or city},
            code="tie_exists",
        ) from None
    forget_juror_ties(juror)
    record_activity(
        "reviews.tie.add",
        actor=actor,
        subject=tie,
        changes={
            "juror": [None, str(juror.pk)],
            "kind": [None, kind],
            "country": [None, country.pk if country else None],
            "city": [None, city.pk if city else None],
            "source": [None, source],
        },
    )
    return tie


@transaction.atomic
def remove_tie(tie: JurorTie, *, actor) -> None:
    """Delete a recorded tie.

    The secretariat removes any; a juror removes only a tie they declared
    themselves (``not_permitted`` otherwise). Effects: the row; the juror's
    memo forgotten; activity ``reviews.tie.remove``.
    """
    if not is_secretariat(actor) and not (
        getattr(actor, "pk", None) == tie.juror_id and tie.source == TieSource.JUROR
    ):
        raise ReviewError(
            _("Only the secretariat removes a tie it recorded."), code="not_permitted"
        )
    record_activity(
        "reviews.tie.remove",
        actor=actor,
        subject=tie,
        changes={
            "juror": [str(tie.juror_id), None],
            "kind": [tie.kind, None],
            "country": [tie.country_id, None],
            "city": [tie.city_id, None],
        },
    )
    juror = tie.juror
    tie.delete()
    forget_juror_ties(juror)


def recusal_refusal(
    submission: Submission, juror: User, *, now: dt.datetime | None = None
) -> ReviewError | None:
    """Return why recording ``juror``'s recusal from ``submission`` would be refused now, or None.

    The jury record's rule (``domain.record``): refused once the jury's work
    on the submission is over, or, when the juror has submitted a review of
    it, while the phase in force does not allow reviewing. The pages call it
    to hide the recusal they would refuse; ``recuse`` calls it under its lock.
    """
    submitted = Review.objects.filter(
        assignment__submission=submission,
        assignment__juror=juror,
        state=ReviewState.SUBMITTED,
    ).exists()
    phase = None
    if submitted:
        panel = Panel.objects.filter(call_id=submission.call_id).first()
        phase = phase_in_force(panel, now=now) if panel is not None else None
    return jury_record_refusal(submission.state, phase=phase, removes_submitted_review=submitted)


def _remove_assignments(submission: Submission, juror: User) -> tuple[int, bool]:
    """Delete the juror's assignments to the submission with their reviews.

    Returns how many were deleted and whether a submitted review went with
    them; the panels' ``scores_revision`` grows (the figures change).
    """
    assignments = list(
        Assignment.objects.filter(submission=submission, juror=juror).select_related("review")
    )
    submitted_review_removed = any(
        getattr(assignment, "review", None) is not None
        and assignment.review.state == ReviewState.SUBMITTED
        for assignment in assignments
    )
    Assignment.objects.filter(pk__in=[assignment.pk for assignment in assignments]).delete()
    # The submission loses a reviewer (and maybe a submitted review): its figures change.
    bump_scores_revision(assignment.panel_id for assignment in assignments)
    return len(assignments), submitted_review_removed


@transaction.atomic
def recuse(
    submission: Submission,
    juror: User,
    *,
    reason: str,
    actor,
    now: dt.datetime | None = None,
) -> Recusal:
    """Record that ``juror`` steps back from ``submission``.

    The juror recuses themself, or the secretariat records it (anyone else:
    ``not_permitted``); a reason is needed. Refused (``frozen``) once the
    jury's work on the submission is over (reviewed, decided or in a final
    state), and, when the juror has submitted a review of it, while the
    phase in force does not allow reviewing (``recusal_refusal``): the jury
    record then stands. Effects: a ``Recusal`` (a conflict from then on);
    the juror's assignment to the submission deleted with any review (a
    draft is simply gone); when that review was submitted, the panel's
    ``scores_revision`` grows so the figures are recomputed without it;
    activity ``reviews.recusal.add``. Raises ReviewError when the juror
    recused already (``recused_already``).
    """
    _source_for(juror, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("Say why (the reason for the recusal)."), code="reason_missing")
    # Locked until the recusal commits: the submission cannot move on, nor the
    # juror submit a review, between the check and the deletion.
    lock_jury_record(submission)
    refusal = recusal_refusal(submission, juror, now=now)
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():
            recusal = Recusal.objects.create(
                submission=submission,
                juror=juror,
                reason=reason,
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ReviewError(
            _("%(juror)s has recused themself from this submission already.") % {"juror": juror},
            code="recused_already",
        ) from None
    removed, submitted_review_removed = _remove_assignments(submission, juror)
    entry = record_activity(
        "reviews.recusal.add",
        actor=actor,
        organisation=None,  # the city does not learn who stepped back from its application
        subject=recusal,
        changes={
            "submission": [None, str(submission.pk)],
            "juror": [None, str(juror.pk)],
            "assignments_removed": [None, removed],
            "submitted_review_removed": [None, submitted_review_removed],
        },
    )
    if _source_for(juror, actor) == TieSource.JUROR and not shows_identity(submission):
        # The juror's activity page lists the entries they made; a recusal's own
        # name holds the city's, which this phase hides from them (as a review's).
        ActivityLogEntry.objects.filter(pk=entry.pk).update(
            object_repr=f"Recusal from application {submission.pk}"
        )
    return recusal
