from functools import lru_cache

from babel import Locale
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..enums import Region, UnescoStatus


@lru_cache(maxsize=16)
def _territories(language: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(language.replace("-", "_")).territories)
    except (ValueError, LookupError):
        return dict(Locale("en").territories)


def localised_country_name(code: str, language: str | None = None) -> str:
    """Return the country's name in ``language`` (default: the active one), from CLDR."""
    return _territories(language or get_language() or "en").get(code.upper(), code.upper())


class Country(models.Model):
    """An ISO 3166-1 country or territory, with its UNESCO status and region."""

    code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3 code"), max_length=3, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    unesco_status = models.CharField(
        _("UNESCO status"), max_length=10, choices=UnescoStatus.choices, default=UnescoStatus.NONE
    )
    region = models.CharField(_("UNESCO region"), max_length=30, choices=Region.choices, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("network:country", kwargs={"code": self.code.lower()})

    @property
    def display_name(self) -> str:
        return localised_country_name(self.code)
