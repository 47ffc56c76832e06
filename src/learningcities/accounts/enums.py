from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganisationKind(models.TextChoices):
    CITY = "city", _("City")
    NATIONAL_COMMISSION = "national_commission", _("National Commission for UNESCO")
    SECRETARIAT = "secretariat", _("Secretariat")
    PANEL = "panel", _("Jury panel")


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("City coordinator")
    ENDORSER = "endorser", _("Endorser")
    SECRETARIAT = "secretariat", pgettext_lazy("role", "Secretariat")
    JUROR = "juror", _("Juror")


# The one role a person can hold in each kind of organisation.
ROLE_FOR_KIND: dict[str, str] = {
    OrganisationKind.CITY: Role.COORDINATOR,
    OrganisationKind.NATIONAL_COMMISSION: Role.ENDORSER,
    OrganisationKind.SECRETARIAT: Role.SECRETARIAT,
    OrganisationKind.PANEL: Role.JUROR,
}

# Roles whose holders must log in with a second factor (DESIGN.md). Operators
# (superusers) too.
PRIVILEGED_ROLES = frozenset({Role.SECRETARIAT, Role.JUROR})
