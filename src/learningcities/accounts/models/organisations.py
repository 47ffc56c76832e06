from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import OrganisationKind, Role


class Organisation(models.Model):
    """A city, a National Commission, the secretariat or a jury panel: people act for one."""

    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    city = models.OneToOneField(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisation",
    )
    country = models.ForeignKey(
        "network.Country",
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["country"],
                condition=models.Q(kind=OrganisationKind.NATIONAL_COMMISSION),
                name="accounts_one_national_commission_per_country",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=OrganisationKind.CITY) | models.Q(city__isnull=False),
                name="accounts_city_organisation_has_city",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=OrganisationKind.NATIONAL_COMMISSION)
                | models.Q(country__isnull=False),
                name="accounts_national_commission_has_country",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Affiliation(models.Model):
    """A person's role in an organisation. One person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="affiliations",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="accounts_unique_affiliation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
