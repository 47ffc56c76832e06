"""Snapshots: the datasets as they were at a release or at a reporting cycle's close."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..enums import Occasion


class Snapshot(models.Model):
    """Every dataset's files at one moment, kept unchanged for ever (SnapshotFile)."""

    taken_at = models.DateTimeField(_("taken"), db_index=True)
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    release = models.OneToOneField(
        "calls.Release",
        verbose_name=_("release"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snapshot",
    )
    cycle = models.OneToOneField(
        "reports.ReportingCycle",
        verbose_name=_("reporting cycle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snapshot",
    )
    language = models.CharField(_("language"), max_length=20, default="en")

    class Meta:
        ordering = ["-taken_at", "-pk"]
        verbose_name = _("open data snapshot")
        verbose_name_plural = _("open data snapshots")

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.taken_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("opendata:snapshot", kwargs={"pk": self.pk})


class SnapshotFile(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="files")
    dataset = models.CharField(_("dataset"), max_length=60)
    format = models.CharField(_("format"), max_length=10)
    name = models.CharField(_("file in the storage"), max_length=300)
    size = models.PositiveBigIntegerField(_("bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "dataset", "format"], name="opendata_one_file_per_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.format}"
