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


class Scope(models.TextChoices):
    """What an API token may do: each operation that accepts a token names its scope."""

    APPLICATIONS_READ = "applications:read", _("Read the applications to calls")
    REPORTS_READ = "reports:read", _("Read progress reports")
    REPORTS_WRITE = "reports:write", _("Write the answers of progress reports")
    REGISTRATIONS_READ = "registrations:read", _("Read event registrations")
    REGISTRATIONS_WRITE = "registrations:write", _("Register delegations to events")


# The scopes a token of an organisation may hold, by the role its maker holds there:
# a token never does more than its maker may do on the pages.
SCOPES_FOR_ROLE: dict[str, tuple[str, ...]] = {
    Role.COORDINATOR: tuple(Scope.values),
    Role.ENDORSER: (
        Scope.APPLICATIONS_READ,
        Scope.REPORTS_READ,
        Scope.REGISTRATIONS_READ,
        Scope.REGISTRATIONS_WRITE,
    ),
    Role.SECRETARIAT: (Scope.APPLICATIONS_READ, Scope.REPORTS_READ, Scope.REGISTRATIONS_READ),
    Role.JUROR: (),
}
# How long a token may last, in days, and how long it lasts unless its maker says.
TOKEN_MAX_DAYS = 366
TOKEN_DEFAULT_DAYS = 90


# The activity log's label of each action code this app records (common.activity_labels).
ACTIVITY_LABELS = {
    "accounts.affiliation.create": _("Role given"),
    "accounts.affiliation.delete": _("Role taken away"),
    "accounts.invitation.accept": _("Invitation accepted"),
    "accounts.invitation.create": _("Person invited"),
    "accounts.invitation.resend": _("Invitation sent again"),
    "accounts.invitation.revoke": _("Invitation withdrawn"),
    "accounts.organisation.create": _("Organisation created"),
    "accounts.token.create": _("API token created"),
    "accounts.token.revoke": _("API token revoked"),
    "accounts.user.create": _("Account created"),
    "accounts.user.authenticator_add": _("Second factor added"),
    "accounts.user.authenticator_remove": _("Second factor removed"),
    "accounts.user.authenticator_reset": _("Second factor reset"),
    "accounts.user.email_change": _("E-mail address changed"),
    "accounts.user.password_change": _("Password changed"),
    "accounts.user.password_reset": _("Password reset"),
    "accounts.user.password_set": _("Password set"),
    "accounts.user.totp_activate": _("Authenticator app activated"),
    "accounts.user.update": _("Account changed"),
}
