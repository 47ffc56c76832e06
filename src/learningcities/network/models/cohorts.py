from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.translated import TranslatableContent


class Cohort(TranslatableContent):
    """A group of cities admitted together and announced on one day.

    Its name and description are written in ``language``; the secretariat
    translates them (common.translated).
    """

    translated_fields = ("name", "description")

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    announced_on = models.DateField(_("announced on"), db_index=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for tests and benchmarks.")
    )

    class Meta:
        ordering = ["-announced_on"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:cohort", kwargs={"slug": self.slug})
