from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..enums import LocationIssue, LocationSource


class City(models.Model):
    """A city, district, county or consortium that is or was a member (or applies)."""

    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(
        _("local name"), max_length=200, blank=True, help_text=_("With its diacritics or script.")
    )
    admin_area = models.CharField(_("administrative area"), max_length=200, blank=True)
    country = models.ForeignKey(
        "network.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="cities",
    )
    population = models.PositiveBigIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("population data year"), null=True, blank=True
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    gazetteer_id = models.CharField(
        _("gazetteer id"),
        max_length=60,
        blank=True,
        help_text=_("For example geonames:1835848, or supplement:KR:songpa gu."),
    )
    location_source = models.CharField(
        _("source of coordinates"), max_length=20, choices=LocationSource.choices, blank=True
    )
    location_issue = models.CharField(
        _("location problem"),
        max_length=20,
        choices=LocationIssue.choices,
        blank=True,
        help_text=_("Why the gazetteer could not place the city; empty once it has coordinates."),
    )
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("short description"), max_length=1000, blank=True)
    contact_name = models.CharField(_("public contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("public contact e-mail"), blank=True)
    # Case- and diacritics-folded forms, kept by the domain for identity and search.
    name_folded = models.CharField(max_length=200, editable=False)
    search_text = models.TextField(editable=False, blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for tests and benchmarks.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name_folded"], name="network_city_unique_name_per_country"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="network_city_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=-180, longitude__lte=180),
                name="network_city_longitude_range",
            ),
        ]
        indexes = [models.Index(fields=["name_folded"], name="network_city_name_folded")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("network:city", kwargs={"pk": self.pk})

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None
