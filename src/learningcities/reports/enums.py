"""The states of a progress report, who moves it, who hears of it, and the standing it gives."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportState(models.TextChoices):
    """Where a city's report of one cycle stands (``domain.transitions.move_report``)."""

    DRAFT = "draft", pgettext_lazy("report state", "Not submitted")
    SUBMITTED = "submitted", pgettext_lazy("report state", "Submitted")
    RETURNED = "returned", pgettext_lazy("report state", "Returned for changes")
    ACCEPTED = "accepted", pgettext_lazy("report state", "Accepted")


S = ReportState

# The roles a move is made in.
CITY, SECRETARIAT = "city", "secretariat"

REPORT_TRANSITIONS = {
    S.DRAFT: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.RETURNED, S.ACCEPTED}),
    S.RETURNED: frozenset({S.SUBMITTED}),
    S.ACCEPTED: frozenset(),
}
REPORT_ACTORS = {
    S.DRAFT: frozenset(),
    S.SUBMITTED: frozenset({CITY}),
    S.RETURNED: frozenset({SECRETARIAT}),
    S.ACCEPTED: frozenset({SECRETARIAT}),
}

# The city writes its report in these states.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# A report in these states has reached the secretariat at least once... or is with it now.
WITH_SECRETARIAT = frozenset({S.SUBMITTED, S.ACCEPTED})


class Standing(models.TextChoices):
    """What a city's reporting says of its membership, worst first in ``STANDING_ORDER``."""

    DUE = "due", pgettext_lazy("reporting standing", "Report due")
    RECEIVED = "received", pgettext_lazy("reporting standing", "Report received")
    OVERDUE = "overdue", pgettext_lazy("reporting standing", "Overdue")
    ON_HOLD = "on_hold", pgettext_lazy("reporting standing", "On hold")
    LAPSED = "lapsed", pgettext_lazy("reporting standing", "Lapsed")
    ENDED = "ended", pgettext_lazy("reporting standing", "Membership ended")


class Audience(models.TextChoices):
    """Who a reminder goes to: the escalation goes down this list."""

    COORDINATORS = "coordinators", _("The city's coordinators")
    COMMISSION = "commission", _("The National Commission")
    SECRETARIAT = "secretariat", _("The secretariat")


# The reminders a new cycle starts with (days from the due date; negative: before).
DEFAULT_REMINDERS = (
    (-30, Audience.COORDINATORS),
    (-7, Audience.COORDINATORS),
    (7, Audience.COORDINATORS),
    (30, Audience.COMMISSION),
    (60, Audience.SECRETARIAT),
)


class Assessment(models.TextChoices):
    """The secretariat's reading of a report's achievements and efforts."""

    EXEMPLARY = "exemplary", pgettext_lazy("report assessment", "Exemplary")
    GOOD = "good", pgettext_lazy("report assessment", "Good progress")
    SOME = "some", pgettext_lazy("report assessment", "Some progress")
    LITTLE = "little", pgettext_lazy("report assessment", "Little progress")


ACTIVITY_LABELS = {
    "reports.cycle.create": _("Reporting cycle created"),
    "reports.cycle.update": _("Reporting cycle changed"),
    "reports.cycle.due": _("Reports added to a cycle"),
    "reports.answer.update": _("Progress report answers changed"),
    "reports.document.create": _("Document attached to a progress report"),
    "reports.document.delete": _("Document removed from a progress report"),
    "reports.report.submitted": _("Progress report submitted"),
    "reports.report.returned": _("Progress report returned"),
    "reports.report.accepted": _("Progress report accepted"),
    "reports.report.extended": _("Report deadline extended"),
    "reports.report.reminded": _("Report reminder sent"),
    "reports.report.on_hold": _("Membership put on hold"),
    "reports.report.restored": _("Membership restored"),
    "reports.lapse.staged": _("Lapse staged"),
    "reports.lapse.unstaged": _("Lapse withdrawn"),
    "reports.lapse.released": _("Lapses released"),
}
