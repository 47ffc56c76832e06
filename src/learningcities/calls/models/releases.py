from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ReleaseState(models.TextChoices):
    """Where a release stands: its steps commit one by one, so a crash leaves it running."""

    RUNNING = "running", _("Running")
    FAILED = "failed", _("Stopped by an error")
    DONE = "done", _("Done")


class Release(models.Model):
    """The one moment a call's decisions became known: the cohort release (or the award's).

    Made only by ``domain.release`` (``start_release``, then ``run_release``);
    one per call, so starting again finds this row. A membership call's
    release names its cohort; an award call's its year. ``total`` submissions
    were decided when it started; ``processed`` of them are released so far
    (each in a transaction of its own, see ``run_release``).
    """

    call = models.OneToOneField(
        "calls.Call", verbose_name=_("call"), on_delete=models.PROTECT, related_name="release"
    )
    cohort = models.ForeignKey(
        "network.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    award_year = models.PositiveSmallIntegerField(_("award year"), null=True, blank=True)
    joined_on = models.DateField(_("members join on"), null=True, blank=True)
    released_at = models.DateTimeField(_("released"))
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=ReleaseState.choices, default=ReleaseState.DONE
    )
    total = models.PositiveIntegerField(_("submissions to release"), default=0)
    processed = models.PositiveIntegerField(_("submissions released"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The jury's comments for the decision mails ({submission pk: [comments]}),
    # kept from the moment the release was confirmed (the reviews app gives them).
    jury_comments = models.JSONField(_("jury comments for the mails"), default=dict, blank=True)
    # The address certificates point to for their verification.
    site_url = models.CharField(_("site address"), max_length=200, blank=True)

    class Meta:
        ordering = ["-released_at", "pk"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"{self.call} · {self.released_at:%Y-%m-%d}"

    @property
    def is_done(self) -> bool:
        return self.state == ReleaseState.DONE

    @property
    def percent(self) -> int:
        if self.is_done or not self.total:
            return 100
        return min(100, self.processed * 100 // self.total)


class Certificate(models.Model):
    """The certificate of an admitted city or an award winner: a private PDF of its organisation.

    A submission has one valid certificate at a time; a re-issued one is
    ``revoked_at`` with its reason and ``replaced_by`` the new one. Its
    ``number`` is public: anyone may verify it (``/certificates/<number>/``).
    """

    submission = models.ForeignKey(
        "calls.Submission",
        verbose_name=_("submission"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    document = models.OneToOneField(
        "common.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="certificate",
    )
    number = models.CharField(_("number"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for the re-issue"), blank=True)
    replaced_by = models.OneToOneField(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )

    class Meta:
        # The valid certificate first, then the newest.
        ordering = [F("revoked_at").asc(nulls_first=True), "-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["submission"],
                condition=Q(revoked_at__isnull=True),
                name="calls_certificate_one_valid_per_submission",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
