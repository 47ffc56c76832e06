"""A city's progress report of a cycle, its answers, documents, feedback and reminders."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import Assessment, ReportState


class ProgressReport(models.Model):
    """The report one member city owes in one cycle (created when the cycle lists who is due)."""

    cycle = models.ForeignKey(
        "reports.ReportingCycle",
        verbose_name=_("reporting cycle"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    city = models.ForeignKey(
        "network.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="reports"
    )
    membership = models.ForeignKey(
        "network.Membership",
        verbose_name=_("membership"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT
    )
    extended_until = models.DateTimeField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), max_length=1000, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("times returned"), default=0)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    assessment = models.CharField(
        _("assessment"), max_length=12, choices=Assessment.choices, blank=True
    )
    assessment_text = models.TextField(
        _("assessment of achievements and efforts"), max_length=5000, blank=True
    )
    # Reporting standing, kept by domain.standing (the membership's hold is the network's).
    on_hold_since = models.DateField(_("on hold since"), null=True, blank=True)
    lapse_staged_at = models.DateTimeField(_("lapse staged"), null=True, blank=True)
    lapse_reason = models.TextField(_("reason for the lapse"), max_length=1000, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "city__name", "pk"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "city"], name="reports_one_report_per_cycle")
        ]
        indexes = [models.Index(fields=["cycle", "state"], name="reports_cycle_state")]

    def __str__(self) -> str:
        return f"{self.city}: {self.cycle}"

    @property
    def due_at(self):
        """The instant the report is due: the extension's, else the cycle's."""
        return self.extended_until or self.cycle.due_at


class ReportAnswer(models.Model):
    """A city's answer to one question of its report (the questionnaire engine's storage).

    ``unchanged`` marks an answer carried over from the city's previous report
    (or its application) that nobody has edited since; ``carried_from`` says
    which.
    """

    CARRIED_FROM = (("report", _("the previous report")), ("application", _("the application")))

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text_value = models.TextField(_("text"), blank=True)
    number_value = models.DecimalField(
        _("number"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    rating_value = models.SmallIntegerField(_("rating"), null=True, blank=True)
    boolean_value = models.BooleanField(_("yes or no"), null=True, blank=True)
    data_year = models.PositiveSmallIntegerField(_("year of the figure"), null=True, blank=True)
    source = models.CharField(_("source of the figure"), max_length=300, blank=True)
    carried_from = models.CharField(
        _("carried over from"), max_length=12, choices=CARRIED_FROM, blank=True
    )
    unchanged = models.BooleanField(_("unchanged since it was carried over"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report answer")
        verbose_name_plural = _("report answers")
        constraints = [
            models.UniqueConstraint(fields=["report", "criterion"], name="reports_one_answer")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.criterion_id}"


class ReportDocument(models.Model):
    """A document a city attached to its report, beside one question."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    document = models.OneToOneField(
        "common.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="report_link",
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["criterion__order", "pk"]
        verbose_name = _("report document")
        verbose_name_plural = _("report documents")

    def __str__(self) -> str:
        return str(self.document_id)


class SectionFeedback(models.Model):
    """The secretariat's feedback on one section of a report it returned (one per round)."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    section = models.ForeignKey(
        "frameworks.Section",
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    round = models.PositiveSmallIntegerField(_("round"))
    text = models.TextField(_("feedback"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "-round", "section__order"]
        verbose_name = _("section feedback")
        verbose_name_plural = _("section feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "section", "round"], name="reports_one_feedback_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.section_id}:{self.round}"


class ReminderSent(models.Model):
    """That a reminder rule was met for a report: sent, or skipped for a later one."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    rule = models.ForeignKey(
        "reports.ReminderRule",
        verbose_name=_("reminder"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"))
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)
    skipped = models.BooleanField(_("skipped"), default=False)

    class Meta:
        ordering = ["report", "sent_at"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["report", "rule"], name="reports_one_reminder_sent")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.rule_id}"


class LapseRelease(models.Model):
    """One release of the staged lapses of a cycle: the memberships it ended."""

    cycle = models.ForeignKey(
        "reports.ReportingCycle",
        verbose_name=_("reporting cycle"),
        on_delete=models.PROTECT,
        related_name="lapse_releases",
    )
    released_at = models.DateTimeField(_("released"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    ended_on = models.DateField(_("memberships ended on"))
    count = models.PositiveIntegerField(_("memberships ended"))

    class Meta:
        ordering = ["-released_at"]
        verbose_name = _("release of lapses")
        verbose_name_plural = _("releases of lapses")

    def __str__(self) -> str:
        return f"{self.cycle_id}:{self.released_at:%Y-%m-%d}"


class ReportPractice(models.Model):
    """A good practice the city shared from an answer of its report (the library's practice)."""

    report = models.ForeignKey(
        ProgressReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="practices",
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    practice = models.OneToOneField(
        "practices.Practice",
        verbose_name=_("practice"),
        on_delete=models.CASCADE,
        related_name="report_link",
    )

    class Meta:
        verbose_name = _("practice from a report")
        verbose_name_plural = _("practices from reports")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "criterion"], name="reports_one_practice_per_answer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.criterion_id}"
