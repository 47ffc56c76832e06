from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import Recommendation, ReviewState


class Review(models.Model):
    """A juror's review of the submission they are assigned: scores, comments, recommendation.

    Saved as typed while a draft; submitting locks it (``domain.reviews``).
    """

    assignment = models.OneToOneField(
        "reviews.Assignment",
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="review",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.DRAFT
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["assignment", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return str(self.assignment)


class Score(models.Model):
    """A juror's score on one criterion, with a comment; empty while the draft is unfinished."""

    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.SmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["review", "criterion__order", "pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="reviews_one_score")
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.criterion_id}: {self.value}"


class ReviewAggregate(models.Model):
    """The jury's figures for one submission, computed from its submitted reviews.

    Stored, not computed per request: per-juror normalisation reads every
    score of the call. ``panel_revision`` is the panel's ``scores_revision``
    they were computed at; older rows are recomputed (``domain.aggregation``).
    """

    submission = models.OneToOneField(
        "calls.Submission",
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="review_aggregate",
    )
    panel = models.ForeignKey(
        "reviews.Panel", verbose_name=_("panel"), on_delete=models.CASCADE, related_name="+"
    )
    panel_revision = models.PositiveIntegerField()
    reviews = models.PositiveSmallIntegerField(_("submitted reviews"), default=0)
    mean = models.FloatField(_("mean"), null=True, blank=True)
    median = models.FloatField(_("median"), null=True, blank=True)
    weighted_total = models.FloatField(_("weighted total"), null=True, blank=True)
    normalised = models.FloatField(_("normalised score"), null=True, blank=True)
    spread = models.FloatField(_("spread"), null=True, blank=True)
    admit = models.PositiveSmallIntegerField(_("admit"), default=0)
    do_not_admit = models.PositiveSmallIntegerField(_("do not admit"), default=0)
    abstain = models.PositiveSmallIntegerField(_("abstain"), default=0)
    disagreement = models.BooleanField(_("disagreement"), default=False)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        ordering = ["panel", "rank", "pk"]
        verbose_name = _("review aggregate")
        verbose_name_plural = _("review aggregates")

    def __str__(self) -> str:
        return f"{self.submission}: {self.normalised}"


__all__ = ["Recommendation", "Review", "ReviewAggregate", "ReviewState", "Score"]
