from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.translated import TranslatableContent

from ..enums import FacetKind, Licence, PracticeSource, PracticeStatus


class Practice(TranslatableContent):
    """A good practice a member city shares with the network (the library's entry).

    Written by the city (its ``organisation``), moderated by the secretariat
    (``domain.moderation``); once published it is public, searchable and keeps
    a revision of every change (``PracticeRevision``).
    """

    translated_fields = ("title", "summary", "body", "results")

    city = models.ForeignKey(
        "network.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="practices"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    partner_cities = models.ManyToManyField(
        "network.City",
        verbose_name=_("partner cities"),
        blank=True,
        related_name="partner_practices",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    body = models.TextField(_("description"), help_text=_("Markdown."))
    results = models.TextField(_("results"), blank=True, help_text=_("Markdown."))
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    framework = models.ForeignKey(
        "frameworks.Framework",
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    areas = models.ManyToManyField(
        "frameworks.Area", verbose_name=_("Key Features areas"), blank=True, related_name="+"
    )
    features = models.ManyToManyField(
        "frameworks.Criterion", verbose_name=_("Key Features"), blank=True, related_name="+"
    )
    sdgs = models.JSONField(_("Sustainable Development Goals"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    clusters = models.ManyToManyField(
        "practices.Cluster", verbose_name=_("clusters"), blank=True, related_name="practices"
    )
    started_year = models.PositiveSmallIntegerField(_("started in"), null=True, blank=True)
    ended_year = models.PositiveSmallIntegerField(
        _("ended in"), null=True, blank=True, help_text=_("Leave empty if it is still running.")
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Never shown: the platform relays messages to it."),
    )
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC_BY
    )
    publication_consent = models.BooleanField(_("consent to publish"), default=False)
    source = models.CharField(
        _("source"), max_length=20, choices=PracticeSource.choices, default=PracticeSource.DIRECT
    )
    source_submission = models.ForeignKey(
        "calls.Submission",
        verbose_name=_("source submission"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )
    source_criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("source question"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PracticeStatus.choices, default=PracticeStatus.DRAFT
    )
    is_sample = models.BooleanField(
        _("sample content"),
        default=False,
        help_text=_("Demonstration content, labelled as such wherever it is shown."),
    )
    is_synthetic = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        indexes = [models.Index(fields=["status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:practice", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == PracticeStatus.PUBLISHED


class PracticeIndicator(models.Model):
    """A result of a practice as a figure: what was measured, the value, when."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("indicator"), max_length=200)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")

    def __str__(self) -> str:
        return self.name


class PracticeRevision(models.Model):
    """The practice's texts as they stood after a change (its history)."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=20, choices=PracticeStatus.choices)
    content = models.JSONField(_("content"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("practice revision")
        verbose_name_plural = _("practice revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "number"], name="practices_one_revision_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practice_id} r{self.number}"


class PracticeTransition(models.Model):
    """A move of a practice between states, with who made it and why."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("practice"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=PracticeStatus.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=PracticeStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("practice transition")
        verbose_name_plural = _("practice transitions")

    def __str__(self) -> str:
        return f"{self.practice_id}: {self.from_state} -> {self.to_state}"


class PracticeFacet(models.Model):
    """One facet value of a published practice (domain.facets keeps them; search counts them)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="facets")
    kind = models.CharField(max_length=20, choices=FacetKind.choices)
    value = models.CharField(max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "kind", "value"], name="practices_one_facet_value"
            )
        ]
        indexes = [models.Index(fields=["kind", "value", "practice"])]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class PracticesRevision(models.Model):
    """The library's revision: moved on by every write a public page of practices shows.

    One row (pk 1). Cached library and practice pages are keyed by it
    (``domain.revision``), and on PostgreSQL each process keeps it until a
    notification says it changed (common.changes).
    """

    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("library revision")
        verbose_name_plural = _("library revisions")

    def __str__(self) -> str:
        return str(self.number)
