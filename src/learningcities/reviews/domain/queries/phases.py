"""Where a panel's jury work stands: the phase in force, what it allows, the next step."""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ...models import Panel, ReviewPhase
from ..panels import next_phase


@dataclass
class PhaseStatus:
    """The phase in force on a panel, in one sentence, and the step that comes next.

    ``summary`` says what the phase allows and until when ("Scoring: jurors
    write and submit their reviews until 12 March 2027."); ``next_step`` is
    the label of the button that closes it and opens ``following`` (empty
    when no phase follows).
    """

    panel: Panel
    current: ReviewPhase | None
    following: ReviewPhase | None
    summary: str
    next_step: str
    may_review: bool
    may_change_state: bool
    # The next moment a phase starts or ends: until then this status holds.
    changes_at: dt.datetime | None = None


def _day(moment: dt.datetime, time_zone: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(time_zone or "UTC"))
    return formats.date_format(local, "DATE_FORMAT")


def _allows(phase: ReviewPhase) -> str:
    if phase.may_review and phase.may_change_state:
        return _("jurors score their assigned applications and the secretariat may stage decisions")
    if phase.may_review:
        return _("jurors score their assigned applications")
    if phase.may_change_state:
        return _("the secretariat finishes the reviews and stages the decisions")
    return _("jurors read the applications; reviews cannot change")


def phase_status(
    panel: Panel, *, phases: list[ReviewPhase] | None = None, now: dt.datetime | None = None
) -> PhaseStatus:
    """Return where ``panel``'s work stands at ``now`` (one query: the panel's phases).

    ``phases``: the panel's phases in their order, when read already (no
    query then). The phase in force is the one ``queries.reviews.phase_in_force``
    answers.
    """
    if phases is None:
        phases = list(ReviewPhase.objects.filter(panel=panel).order_by("order", "starts_at", "pk"))
    return _status(panel, phases, now or timezone.now())


def phase_statuses(panels, *, now: dt.datetime | None = None) -> list[PhaseStatus]:
    """Return ``phase_status`` of each of ``panels`` (with their call), in one query."""
    panels = list(panels)
    by_panel: dict[int, list[ReviewPhase]] = {panel.pk: [] for panel in panels}
    for phase in ReviewPhase.objects.filter(panel__in=panels).order_by(
        "panel", "order", "starts_at", "pk"
    ):
        by_panel[phase.panel_id].append(phase)
    now = now or timezone.now()
    return [_status(panel, by_panel[panel.pk], now) for panel in panels]


def _status(panel: Panel, phases: list[ReviewPhase], now: dt.datetime) -> PhaseStatus:
    current = next((p for p in phases if p.starts_at <= now < p.ends_at), None)
    following = next_phase(phases, current, now)
    return PhaseStatus(
        changes_at=_next_change(phases, now),
        panel=panel,
        current=current,
        following=following,
        summary=_summary(phases, current, following, panel.call.time_zone),
        next_step=_next_step(current, following),
        may_review=bool(current and current.may_review),
        may_change_state=bool(current and current.may_change_state),
    )


def _summary(
    phases: list[ReviewPhase],
    current: ReviewPhase | None,
    following: ReviewPhase | None,
    zone: str,
) -> str:
    """What the phase in force allows and until when, else when the next opens, else why none."""
    if current is not None:
        return _("%(phase)s: %(allows)s until %(end)s.") % {
            "phase": current.name,
            "allows": _allows(current),
            "end": _day(current.ends_at, zone),
        }
    if following is not None:
        return _("No review phase is in force: “%(phase)s” opens on %(start)s.") % {
            "phase": following.name,
            "start": _day(following.starts_at, zone),
        }
    if phases:
        return _("Every review phase has ended.")
    return _("No review phase is set: add one so that jurors can work.")


def _next_step(current: ReviewPhase | None, following: ReviewPhase | None) -> str:
    """The label of the button that opens ``following`` (closing ``current``); "" if none."""
    if following is None:
        return ""
    if current is None:
        return _("Open “%(phase)s” now") % {"phase": following.name}
    return _("Close “%(current)s” and open “%(next)s”") % {
        "current": current.name,
        "next": following.name,
    }


def _next_change(phases: list[ReviewPhase], now: dt.datetime) -> dt.datetime | None:
    """The next moment after ``now`` a phase starts or ends (None: nothing changes any more)."""
    boundaries = [
        moment for phase in phases for moment in (phase.starts_at, phase.ends_at) if moment > now
    ]
    return min(boundaries, default=None)
