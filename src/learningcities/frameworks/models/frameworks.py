"""Criteria frameworks: framework > section > area > criterion > indicator.

A framework is loaded from a file (``learningcities load-framework``) and never
changes afterwards: a call pins one framework row, so its questions stay the
same whatever is loaded later. Every foreign key is PROTECT, and the domain has
no delete path; new content is loaded as a new version beside the old one.
"""

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from learningcities.common.translated import TranslatableContent

from ..enums import AnswerType, answer_type_choices


class FrameworkPart(TranslatableContent):
    """A row of a framework's tree: written in its framework's language.

    Each subclass reaches its framework with ``framework_row()``. Readers of a
    whole tree set ``_original_language`` instead (``domain.queries.frameworks``),
    which spares reading the framework for every row.
    """

    class Meta:
        abstract = True

    @property
    def original_language(self) -> str:
        language = getattr(self, "_original_language", None)
        return language or self.framework_row().language


class Framework(TranslatableContent):
    """One version of a criteria framework, such as the Key Features of Learning Cities.

    Its texts carry their translations (``translations``), loaded from the
    framework file's sibling files (``<name>.<language>.yaml``); translations
    may be added or corrected later, the content itself never changes.
    """

    translated_fields = ("name", "description")

    code = models.SlugField(_("code"), max_length=60)
    version = models.CharField(_("version"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=20, default="en")
    description = models.TextField(_("description"), blank=True)
    is_official_wording = models.BooleanField(
        _("official wording"),
        default=False,
        help_text=_(
            "Whether the texts are the official ones, or the project's own short wording "
            "of the structure."
        ),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    loaded_at = models.DateTimeField(_("loaded at"))
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        help_text=_("SHA-256 of the framework's canonical content."),
    )
    translation_files = models.JSONField(
        _("translation files"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("SHA-256 of each translation file recorded, by language."),
    )

    class Meta:
        ordering = ["code", "loaded_at", "pk"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="frameworks_framework_code_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def get_absolute_url(self) -> str:
        return reverse("frameworks:detail", kwargs={"code": self.code, "version": self.version})


class Section(FrameworkPart):
    """A top-level part of a framework, such as "Wider benefits"."""

    translated_fields = ("title",)

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="sections"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="frameworks_section_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def framework_row(self) -> "Framework":
        return self.framework


class Area(FrameworkPart):
    """An area of focus within a section, such as "2.3 effective learning in the workplace"."""

    translated_fields = ("title",)

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="areas"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["section", "order"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["section", "code"], name="frameworks_area_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def framework_row(self) -> "Framework":
        return self.section.framework


class Criterion(FrameworkPart):
    """One question a city answers, with the form its answer takes.

    ``framework`` repeats the area's framework so that a code is unique within
    a framework and a call can list its criteria in one query.
    """

    translated_fields = ("title", "guidance", "unit", "level_descriptors")

    framework = models.ForeignKey(
        Framework, verbose_name=_("framework"), on_delete=models.PROTECT, related_name="criteria"
    )
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="criteria"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=500)
    guidance = models.TextField(_("guidance"), blank=True)
    answer_type = models.CharField(_("answer type"), max_length=10, choices=answer_type_choices)
    word_limit = models.PositiveIntegerField(
        _("word limit"), null=True, blank=True, help_text=_("For text answers; empty: no limit.")
    )
    rating_min = models.SmallIntegerField(_("lowest rating"), null=True, blank=True)
    rating_max = models.SmallIntegerField(_("highest rating"), null=True, blank=True)
    level_descriptors = models.JSONField(
        _("level descriptors"),
        default=list,
        blank=True,
        help_text=_("For ratings: what each point of the scale means, lowest first."),
    )
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    file_kinds = models.JSONField(
        _("file kinds"), default=list, blank=True, help_text=_("For files: pdf, image, office.")
    )
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=Decimal(1))
    required = models.BooleanField(_("required"), default=True)
    carries_from = models.CharField(
        _("carries from"),
        max_length=20,
        blank=True,
        help_text=_(
            "The code of the application's criterion whose answer this one starts from in a "
            "progress report."
        ),
    )
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="frameworks_criterion_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def rating_points(self) -> list[tuple[int, str]]:
        """Return ``(point, descriptor)`` for each point of a rating scale, lowest first."""
        if self.answer_type != AnswerType.RATING or self.rating_min is None:
            return []
        points = range(self.rating_min, self.rating_max + 1)
        descriptors = list(self.level_descriptors) + [""] * len(points)
        return list(zip(points, descriptors, strict=False))

    def framework_row(self) -> "Framework":
        return self.framework


class Indicator(FrameworkPart):
    """A suggested measurement for a criterion."""

    translated_fields = ("text",)

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("code"), max_length=30)
    text = models.TextField(_("text"))
    order = models.PositiveIntegerField(_("order"))

    class Meta:
        ordering = ["criterion", "order"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="frameworks_indicator_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    def framework_row(self) -> "Framework":
        return self.criterion.framework
