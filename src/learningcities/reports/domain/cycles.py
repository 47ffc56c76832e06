"""Reporting cycles: set by the secretariat, with their reminders and the reports they expect.

Who is due: every city whose membership is active on the day the cycle
opens and began before the cycle's ``admitted_before`` (by default the first
day of the period covered). Later joiners report in the next cycle, as the
September 2020 cohort reported a year after the 2019-2021 cycle's cities.
``add_due_reports`` makes the missing reports and may run any number of
times (the secretariat re-runs it after moving the cut-off).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from learningcities.common.domain.activity import field_changes, record_activity
from learningcities.network.domain.queries.stats import memberships_active_on

from ..enums import DEFAULT_REMINDERS
from ..models import ProgressReport, ReminderRule, ReportingCycle
from .carry_over import carry_over_answers
from .errors import ReportError
from .revision import reports_changed

CYCLE_FIELDS = (
    "code",
    "name",
    "language",
    "instructions",
    "framework",
    "period_start",
    "period_end",
    "opens_at",
    "due_at",
    "time_zone",
    "admitted_before",
    "hold_after_days",
    "grace_days",
    "max_extension_days",
)


@dataclass(frozen=True)
class CycleData:
    """What the secretariat sets of a cycle (the form's cleaned values)."""

    code: str
    name: str
    framework: object
    period_start: dt.date
    period_end: dt.date
    opens_at: dt.datetime
    due_at: dt.datetime
    time_zone: str
    admitted_before: dt.date
    language: str = "en"
    instructions: str = ""
    hold_after_days: int = 60
    grace_days: int = 180
    max_extension_days: int = 60


def _check(data: CycleData) -> None:
    if data.period_end <= data.period_start:
        raise ReportError(_("The period covered must end after it starts."), code="invalid")
    if data.due_at <= data.opens_at:
        raise ReportError(_("The due date must come after the opening."), code="invalid")


def local_date(moment: dt.datetime, cycle: ReportingCycle) -> dt.date:
    """Return the day ``moment`` falls on in the cycle's time zone."""
    return moment.astimezone(ZoneInfo(cycle.time_zone)).date()


@transaction.atomic
def create_cycle(
    data: CycleData, *, actor, reminders: Iterable[tuple[int, str]] | None = None
) -> ReportingCycle:
    """Create a reporting cycle, its reminders (default ``DEFAULT_REMINDERS``) and its reports.

    Refused (ReportError) for dates out of order or a code in use. Effects:
    the cycle, its reminder rules, one report per city due (``add_due_reports``,
    answers carried over), a ``reports.cycle.create`` activity entry.
    """
    _check(data)
    if ReportingCycle.objects.filter(code=data.code).exists():
        raise ReportError(
            _("The code %(code)s is already used by another cycle.") % {"code": data.code},
            code="invalid",
        )
    cycle = ReportingCycle(**{name: getattr(data, name) for name in CYCLE_FIELDS})
    try:
        with transaction.atomic():
            cycle.save()
    except IntegrityError as error:
        raise ReportError(
            _("The cycle could not be saved: %(error)s") % {"error": error}
        ) from error
    set_reminders(cycle, DEFAULT_REMINDERS if reminders is None else reminders, actor=None)
    record_activity(
        "reports.cycle.create",
        actor=actor,
        subject=cycle,
        changes={"code": [None, cycle.code], "due_at": [None, cycle.due_at.isoformat()]},
    )
    add_due_reports(cycle, actor=actor)
    return cycle


@transaction.atomic
def update_cycle(
    cycle: ReportingCycle,
    data: CycleData,
    *,
    actor,
    reminders: Iterable[tuple[int, str]] | None = None,
) -> ReportingCycle:
    """Change a cycle's settings (not its code, nor its questionnaire once reports exist).

    With ``reminders``, replace its reminders too (``set_reminders``), in the
    same transaction. Effects: the cycle, a ``reports.cycle.update`` entry
    with what changed; the reports due are not recomputed
    (``add_due_reports`` does that).
    """
    _check(data)
    cycle = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
    if data.framework.pk != cycle.framework_id and cycle.reports.exists():
        raise ReportError(
            _("The questionnaire cannot change once cities have reports in this cycle."),
            code="frozen",
        )
    before = {name: getattr(cycle, name) for name in CYCLE_FIELDS}
    for name in CYCLE_FIELDS:
        if name != "code":
            setattr(cycle, name, getattr(data, name))
    cycle.save()
    changes = field_changes(cycle, [n for n in CYCLE_FIELDS if n != "code"], before)
    if changes:
        record_activity("reports.cycle.update", actor=actor, subject=cycle, changes=changes)
    if reminders is not None:
        set_reminders(cycle, reminders, actor=actor)
    return cycle


@transaction.atomic
def set_reminders(cycle: ReportingCycle, reminders: Iterable[tuple[int, str]], *, actor) -> None:
    """Replace the cycle's reminders by ``reminders`` (``(days, audience)`` pairs).

    Reminders already sent stay recorded against the rules that remain; a rule
    removed takes its record with it, so it is not counted twice.
    """
    wanted = {(int(days), audience) for days, audience in reminders}
    existing = {(rule.days, rule.audience): rule for rule in cycle.reminder_rules.all()}
    for key, rule in existing.items():
        if key not in wanted:
            rule.delete()
    ReminderRule.objects.bulk_create(
        [ReminderRule(cycle=cycle, days=d, audience=a) for d, a in sorted(wanted - set(existing))]
    )
    if actor is not None and wanted != set(existing):
        record_activity(
            "reports.cycle.update",
            actor=actor,
            subject=cycle,
            changes={"reminders": [sorted(existing), sorted(wanted)]},
        )


def due_memberships(cycle: ReportingCycle):
    """Return the memberships that owe a report in ``cycle`` (see the module's rule)."""
    return memberships_active_on(local_date(cycle.opens_at, cycle)).filter(
        member_from__lt=cycle.admitted_before
    )


@transaction.atomic
def add_due_reports(cycle: ReportingCycle, *, actor=None) -> int:
    """Make the report of every city due in ``cycle`` that has none; return how many were made.

    Each new report starts with the answers carried over from the city's
    previous report and application (``carry_over_answers``). Effects: the
    reports, their answers, one ``reports.cycle.due`` entry when any was made.
    """
    have = set(cycle.reports.values_list("city_id", flat=True))
    due = [m for m in due_memberships(cycle).select_related("city") if m.city_id not in have]
    reports = ProgressReport.objects.bulk_create(
        [
            ProgressReport(cycle=cycle, city=m.city, membership=m, is_synthetic=cycle.is_synthetic)
            for m in due
        ]
    )
    if not reports:
        return 0
    reports_changed()
    # bulk_create sets primary keys on PostgreSQL and SQLite 3.35+; read them back to be sure.
    made = list(cycle.reports.filter(city_id__in=[m.city_id for m in due]).select_related("city"))
    carry_over_answers(cycle, made)
    record_activity(
        "reports.cycle.due", actor=actor, subject=cycle, changes={"reports": [None, len(made)]}
    )
    return len(made)
