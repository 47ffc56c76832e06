from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices

from ..enums import (
    Decision,
    DocumentKind,
    SubmissionState,
    state_for_city,
    submission_state_choices,
)


class Submission(models.Model):
    """A city's application (membership call) or nomination (award call).

    Moves only through ``domain.transitions.transition``; its profile and
    answers change only while it is editable (draft, returned, needs changes).
    ``country`` is the city's, kept here so that endorsement queues and quotas
    read one table.
    """

    call = models.ForeignKey(
        "calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="submissions"
    )
    city = models.ForeignKey(
        "network.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="submissions"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    country = models.ForeignKey(
        "network.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=submission_state_choices,
        default=SubmissionState.DRAFT,
        db_index=True,
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)

    # The city's profile, for the year ``data_year``.
    data_year = models.PositiveSmallIntegerField(_("year of the data"), null=True, blank=True)
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("area (km²)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    gdp_per_capita_city = models.DecimalField(
        _("GDP per capita of the city (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    gdp_per_capita_country = models.DecimalField(
        _("GDP per capita of the country (USD)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    schooling_years_men = models.DecimalField(
        _("average years of schooling, men"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    schooling_years_women = models.DecimalField(
        _("average years of schooling, women"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
    )
    motivation = models.TextField(_("motivation"), blank=True)
    implementation = models.TextField(_("implementation"), blank=True)
    challenges = models.JSONField(
        _("challenges"), default=dict, blank=True, help_text=_("Each challenge rated 1 to 5.")
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=50, blank=True)
    communication_language = models.CharField(
        _("language of communication"), max_length=10, choices=language_choices, blank=True
    )

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    deadline_extension = models.DateTimeField(
        _("extended deadline"),
        null=True,
        blank=True,
        help_text=_("This city may submit until then, whatever the call's closing time."),
    )
    endorsement_due_at = models.DateTimeField(_("endorsement due"), null=True, blank=True)
    endorsement_reminded_at = models.DateTimeField(
        _("endorsers reminded"),
        null=True,
        blank=True,
        help_text=_("When the National Commission was last reminded of its deadline."),
    )
    escalated_at = models.DateTimeField(_("escalated to the secretariat"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["call", "city__name", "pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            # One submission per city and call; a withdrawn one leaves room for a new start.
            models.UniqueConstraint(
                fields=["call", "city"],
                condition=~models.Q(state=SubmissionState.WITHDRAWN),
                name="calls_one_live_submission_per_city",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "country", "state"], name="calls_submission_queue"),
            # The call dashboard's overdue endorsements and the endorser's queue,
            # both by endorsement deadline.
            models.Index(
                fields=["call", "state", "endorsement_due_at"], name="calls_submission_overdue"
            ),
            models.Index(
                fields=["country", "state", "endorsement_due_at"], name="calls_submission_endorse"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} · {self.call}"

    @property
    def state_for_city(self) -> str:
        """Return the state as the city and its National Commission may know it.

        Reviewed and decided read as in review until the release: a staged
        decision (and even that the jury has finished) is the secretariat's alone.
        """
        return state_for_city(self.state)

    @property
    def state_for_city_display(self) -> str:
        """Return the label of ``state_for_city``."""
        return str(SubmissionState(self.state_for_city).label)

    @property
    def decision_for_city(self) -> str:
        """Return the decision as the city may know it: pending until released."""
        if self.state == SubmissionState.RELEASED:
            return self.decision
        if self.state == SubmissionState.DECIDED:
            return Decision.PENDING
        return ""


class Answer(models.Model):
    """A city's answer to one criterion of the call's framework.

    The field used depends on the criterion's answer type: text, number,
    rating or yes/no; file criteria are answered by evidence documents.
    """

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    text_value = models.TextField(_("text"), blank=True)
    number_value = models.DecimalField(
        _("number"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    rating_value = models.SmallIntegerField(_("rating"), null=True, blank=True)
    boolean_value = models.BooleanField(_("yes or no"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["submission", "criterion__order"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "criterion"], name="calls_one_answer_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission} · {self.criterion.code}"


class SubmissionDocument(models.Model):
    """A private document of a submission: the mayor's letter, or evidence for a criterion."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    document = models.OneToOneField(
        "common.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="submission_link",
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("criterion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "kind", "created_at"]
        verbose_name = _("submission document")
        verbose_name_plural = _("submission documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.document_id}"


class Transition(models.Model):
    """One move of a submission from a state to another: who, when and why."""

    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    from_state = models.CharField(_("from"), max_length=20, choices=submission_state_choices)
    to_state = models.CharField(_("to"), max_length=20, choices=submission_state_choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the system (a deadline action)."),
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["submission", "created_at", "pk"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")

    def __str__(self) -> str:
        return f"{self.submission}: {self.from_state} → {self.to_state}"
