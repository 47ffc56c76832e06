from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import OtherReviews

# Scores of a panel's scale run within -SCORE_LIMIT..SCORE_LIMIT.
SCORE_LIMIT = 100


class Panel(models.Model):
    """The jury of one call: its members, scale and rules of assignment and aggregation.

    The jurors are the people affiliated as jurors to ``organisation`` (an
    organisation of kind ``panel``). Each submission gets ``call.min_reviews``
    reviews; no juror gets more than ``max_load``. ``scores_revision`` grows
    with every change the jury's figures depend on (a submitted review, an
    assignment made or removed, a setting of the figures);
    ``aggregated_revision`` is the revision the stored aggregates
    (``ReviewAggregate``) were computed at, so staleness costs no query.
    """

    call = models.OneToOneField(
        "calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="panel"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("jury panel"),
        on_delete=models.PROTECT,
        related_name="panels",
    )
    # Each setting's default, limits and help text are defined here only: the
    # panel forms and ``domain.panels`` read them (``common.model_fields``).
    score_min = models.SmallIntegerField(
        _("lowest score"),
        default=1,
        validators=[MinValueValidator(-SCORE_LIMIT), MaxValueValidator(SCORE_LIMIT)],
    )
    score_max = models.SmallIntegerField(
        _("highest score"),
        default=5,
        validators=[MinValueValidator(-SCORE_LIMIT), MaxValueValidator(SCORE_LIMIT)],
    )
    level_descriptors = models.JSONField(
        _("level descriptors"),
        default=dict,
        blank=True,
        # Written for the panel form, which takes them as lines of text.
        help_text=_("One per line, a score, a colon and what it means: “1: Not addressed”."),
    )
    max_load = models.PositiveSmallIntegerField(
        _("most submissions per juror"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
    )
    normalise_min_reviews = models.PositiveSmallIntegerField(
        _("fewest reviews for a juror's scores to be normalised"),
        default=5,
        validators=[MinValueValidator(2), MaxValueValidator(1000)],
        help_text=_(
            "A juror with fewer submitted reviews keeps raw scores in the normalised total."
        ),
    )
    disagreement_spread = models.DecimalField(
        _("disagreement when scores spread more than"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("999.99"))],
        help_text=_("On the mean score per criterion, between the highest and lowest review."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind jurors this many days before a phase ends"),
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_("Jurors with unfinished reviews get one reminder per phase; 0 sends none."),
    )
    scores_revision = models.PositiveIntegerField(default=0, editable=False)
    # The ``scores_revision`` the stored aggregates were computed at.
    aggregated_revision = models.PositiveIntegerField(default=0, editable=False)
    # Computed with the aggregates (``domain.aggregation``), at the same revision.
    agreement = models.FloatField(
        _("inter-rater agreement (Krippendorff's alpha)"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel")
        verbose_name_plural = _("panels")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score_min__lt=models.F("score_max")),
                name="reviews_panel_scale_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.call}"


class ReviewPhase(models.Model):
    """A period of the jury's work and what jurors may see and do in it.

    Phases are data: the secretariat sets their dates and permissions. At
    any moment the phase in force is the first (by ``order``) whose window
    holds that moment; outside every window jurors may do nothing.
    """

    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="phases"
    )
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, validators=[MinValueValidator(0), MaxValueValidator(1000)]
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    may_review = models.BooleanField(_("jurors may write and submit reviews"), default=True)
    sees_other_reviews = models.CharField(
        _("jurors see the other reviews"),
        max_length=20,
        choices=OtherReviews.choices,
        default=OtherReviews.AFTER_OWN,
    )
    sees_identity = models.BooleanField(_("jurors see the city's name and country"), default=True)
    may_change_state = models.BooleanField(
        _("the secretariat may move submissions on"),
        default=False,
        help_text=_("Whether decisions may be staged in this phase."),
    )

    class Meta:
        ordering = ["panel", "order", "starts_at", "pk"]
        verbose_name = _("review phase")
        verbose_name_plural = _("review phases")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")),
                name="reviews_phase_starts_before_ending",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PhaseReminder(models.Model):
    """That one juror was reminded of one phase's end: at most one reminder per phase."""

    phase = models.ForeignKey(
        ReviewPhase,
        verbose_name=_("review phase"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    juror = models.ForeignKey(
        "accounts.User", verbose_name=_("juror"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("phase reminder")
        verbose_name_plural = _("phase reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "juror"], name="reviews_one_reminder_per_phase_juror"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phase} · {self.juror_id}"
