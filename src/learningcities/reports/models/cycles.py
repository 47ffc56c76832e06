"""Reporting cycles and the reminders they send, as data."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from learningcities.common.translated import TranslatableContent

from ..enums import Audience


class ReportingCycle(TranslatableContent):
    """One round of biennial progress reports: the period covered, its dates and who is due.

    ``opens_at`` and ``due_at`` are instants; ``time_zone`` is the zone the
    secretariat set them in and the zone every page and notice shows them in.
    A member whose membership began before ``admitted_before`` reports in this
    cycle; later joiners report in the next.
    """

    translated_fields = ("name", "instructions")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=20, default="en")
    instructions = models.TextField(
        _("instructions"),
        blank=True,
        max_length=5000,
        help_text=_("What the cities read at the top of their report."),
    )
    framework = models.ForeignKey(
        "frameworks.Framework",
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        related_name="reporting_cycles",
    )
    period_start = models.DateField(_("period covered from"))
    period_end = models.DateField(_("period covered until"))
    opens_at = models.DateTimeField(_("opens"))
    due_at = models.DateTimeField(_("due"))
    time_zone = models.CharField(_("time zone"), max_length=60, default="Europe/Paris")
    admitted_before = models.DateField(
        _("members admitted before"),
        help_text=_("Members whose membership began before this day report in this cycle."),
    )
    hold_after_days = models.PositiveSmallIntegerField(
        _("on hold after (days)"),
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
        help_text=_("Days after the due date until a city whose report has not come is on hold."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_(
            "Days a city stays on hold before its membership may lapse; a late report "
            "accepted within them restores it."
        ),
    )
    max_extension_days = models.PositiveSmallIntegerField(
        _("longest extension (days)"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How far past the due date a city's one extension may go."),
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_at", "pk"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("due_at")),
                name="reports_cycle_opens_before_due",
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lt=models.F("period_end")),
                name="reports_cycle_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reports:rates-cycle", kwargs={"code": self.code})


class ReminderRule(models.Model):
    """A reminder of a cycle: ``days`` from the due date (negative: before) to ``audience``."""

    cycle = models.ForeignKey(
        ReportingCycle,
        verbose_name=_("reporting cycle"),
        on_delete=models.CASCADE,
        related_name="reminder_rules",
    )
    days = models.SmallIntegerField(
        _("days from the due date"),
        validators=[MinValueValidator(-365), MaxValueValidator(730)],
    )
    audience = models.CharField(_("to"), max_length=20, choices=Audience.choices)

    class Meta:
        ordering = ["cycle", "days", "audience"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "days", "audience"], name="reports_one_reminder_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.days:+d} {self.audience}"
