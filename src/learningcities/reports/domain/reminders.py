"""Reminders as data, with escalation: coordinators, then the National Commission, then us.

Each cycle holds its reminder rules (``ReminderRule``: days from the due
date, negative before it, and an audience). ``send_reminders`` (daily)
records a ``ReminderSent`` for every rule whose moment has passed for a
report not yet submitted, and mails it; when several rules of the same
audience have passed unsent (a cycle created late, a worker that was down),
only the latest is mailed and the others are recorded as skipped, so nobody
gets a burst of stale reminders. A report's moments follow its extension.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from learningcities.common.domain.activity import record_activity

from ..enums import Audience
from ..models import ReminderSent, ReportingCycle
from . import notices
from .standing import not_received

TEMPLATES = {
    Audience.COORDINATORS: "reports.report.reminder",
    Audience.COMMISSION: "reports.report.overdue_commission",
    Audience.SECRETARIAT: "reports.report.overdue_secretariat",
}


def _due_rules(report, rules, sent: set[int], now: dt.datetime) -> dict[str, list]:
    """Return ``{audience: [rules passed and not yet recorded, earliest first]}``."""
    passed: dict[str, list] = {}
    for rule in rules:
        if rule.pk in sent or report.due_at + dt.timedelta(days=rule.days) > now:
            continue
        passed.setdefault(rule.audience, []).append(rule)
    return passed


def send_reminders(now: dt.datetime | None = None) -> int:
    """Send the reminders due now in every open cycle; return how many reports were reminded."""
    now = now or timezone.now()
    reminded = 0
    for cycle in ReportingCycle.objects.filter(opens_at__lte=now).prefetch_related(
        "reminder_rules"
    ):
        rules = sorted(cycle.reminder_rules.all(), key=lambda rule: rule.days)
        if not rules:
            continue
        reports = not_received(cycle.reports.all())
        sent = {}
        for report_id, rule_id in ReminderSent.objects.filter(report__cycle=cycle).values_list(
            "report_id", "rule_id"
        ):
            sent.setdefault(report_id, set()).add(rule_id)
        for report in reports.select_related("cycle", "city__country", "membership"):
            passed = _due_rules(report, rules, sent.get(report.pk, set()), now)
            if passed:
                remind_report(report, passed, now=now)
                reminded += 1
    return reminded


@transaction.atomic
def remind_report(report, passed: dict[str, list], *, now: dt.datetime) -> None:
    """Mail the latest passed rule of each audience; record every passed rule."""
    for audience, rules in passed.items():
        *skipped, latest = rules
        for rule in skipped:
            ReminderSent.objects.create(report=report, rule=rule, sent_at=now, skipped=True)
        overdue = now > report.due_at
        told = notices.send(
            TEMPLATES[audience],
            report,
            [audience],
            lambda overdue=overdue, audience=audience: {
                "overdue": overdue,
                "extended": report.extended_until is not None,
                **notices.audience_link(report, audience),
            },
        )
        ReminderSent.objects.create(report=report, rule=latest, sent_at=now, recipients=told)
        record_activity(
            "reports.report.reminded",
            actor=None,
            subject=report,
            changes={"audience": [None, audience], "days": [None, latest.days]},
        )
