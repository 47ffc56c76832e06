"""Demo accounts: one person per role, so a newcomer can walk every role.

Never in production: the credentials are derived from the installation's secret
key and printed on the console.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.accounts.domain.errors import AccountsError
from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import activate_totp, create_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation, User
from learningcities.common.domain.activity import record_activity
from learningcities.network.domain.queries.directory import current_member_filter
from learningcities.network.models import City

DEMO_DOMAIN = "demo.learningcities.example"
SECRETARIAT_NAME = "Secretariat of the network"
PANEL_NAME = "Membership jury"
PREFERRED_CITY = "Cork"
APPLICANT = "applicant"


@dataclass(frozen=True)
class DemoAccount:
    role: str  # what the demo shows: coordinator, endorser, secretariat, juror, admin, applicant
    email: str
    password: str
    organisation: str
    totp_secret: str | None  # base32, for privileged accounts


def _derived(purpose: str, email: str) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"demo:{purpose}:{email}".encode(), hashlib.sha256
    ).digest()


def demo_password(email: str) -> str:
    """Return the demo password of ``email``: stable for this installation's secret key."""
    return "demo-" + base64.b32encode(_derived("password", email)).decode()[:12].lower()


def demo_totp_secret(email: str) -> str:
    """Return the base32 TOTP secret of a privileged demo account."""
    return base64.b32encode(_derived("totp", email)[:20]).decode()


def _refuse_in_production() -> None:
    if getattr(settings, "PRODUCTION", False):
        raise AccountsError(
            _("Demo accounts are never created in production (LC_PRODUCTION is set).")
        )


def _demo_city() -> City:
    members = City.objects.filter(current_member_filter(timezone.localdate()))
    city = members.filter(name=PREFERRED_CITY).first() or members.order_by("name", "pk").first()
    if city is None:
        raise AccountsError(_("Load the demo network first (learningcities load-demo)."))
    return city


def _organisation(kind: str, **lookup) -> Organisation:
    found = Organisation.objects.filter(kind=kind, **lookup).first()
    if found:
        return found
    name = lookup.pop("name", "")
    return create_organisation(kind=kind, name=name, actor=None, **lookup)


def _ensure_user(email: str, *, name: str, superuser: bool = False) -> User:
    password = demo_password(email)
    user = User.objects.filter(email=email).first()
    if user is None:
        return create_user(
            email, password=password, name=name, is_superuser=superuser, is_demo=True
        )
    if not user.check_password(password):
        # The secret key changed since the account was made: follow it.
        user.set_password(password)
        user.save(update_fields=["password"])
        record_activity(
            "accounts.user.password_reset", actor=None, subject=user, changes={"password": []}
        )
    return user


def _ensure_totp(user: User) -> str:
    secret = demo_totp_secret(user.email)
    current = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if current is None or decrypt(current.data["secret"]) != secret:
        activate_totp(user, secret=secret)
    return secret


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create the demo accounts that are missing; change nothing that is in place.

    One account per role: a coordinator of a member city (Cork if it is a
    member, else the first member by name), an endorser of that country's
    National Commission, a secretariat member, a juror of the "Membership jury"
    panel and an operator (and the applicant, once ``ensure_demo_applicant``
    made it: listed, never created here). All are marked ``is_demo``; the
    privileged ones get an authenticator app with a known secret. Effects: the organisations,
    accounts, affiliations and authenticators that were missing, each with its
    activity entry. Raises AccountsError in production or without a demo network.
    """
    _refuse_in_production()
    city = _demo_city()
    city_org = _organisation(OrganisationKind.CITY, city=city)
    commission = _organisation(
        OrganisationKind.NATIONAL_COMMISSION,
        country=city.country,
        name=_("National Commission of %(country)s for UNESCO") % {"country": city.country.name},
    )
    secretariat = _organisation(OrganisationKind.SECRETARIAT, name=SECRETARIAT_NAME)
    panel = _organisation(OrganisationKind.PANEL, name=PANEL_NAME)

    plan = [
        ("coordinator", "Demo coordinator", city_org, Role.COORDINATOR),
        ("endorser", "Demo endorser", commission, Role.ENDORSER),
        ("secretariat", "Demo secretariat", secretariat, Role.SECRETARIAT),
        ("juror", "Demo juror", panel, Role.JUROR),
        ("admin", "Demo operator", None, None),
    ]
    accounts = []
    for code, name, organisation, role in plan:
        email = f"{code}@{DEMO_DOMAIN}"
        user = _ensure_user(email, name=name, superuser=code == "admin")
        if organisation is not None:
            add_affiliation(organisation, user=user, role=role, actor=None)
        secret = _ensure_totp(user) if code in {"secretariat", "juror", "admin"} else None
        accounts.append(
            DemoAccount(
                role=code,
                email=email,
                password=demo_password(email),
                organisation=organisation.name if organisation else _("operator"),
                totp_secret=secret,
            )
        )
    applicant = _existing_applicant()
    if applicant is not None:
        accounts.append(applicant)
    return accounts


def _applicant_account(user: User, organisation: Organisation) -> DemoAccount:
    return DemoAccount(
        role=APPLICANT,
        email=user.email,
        password=demo_password(user.email),
        organisation=organisation.name,
        totp_secret=None,
    )


def _existing_applicant() -> DemoAccount | None:
    """Return the applicant account if ``ensure_demo_applicant`` made it (load-demo-calls)."""
    user = User.objects.filter(email=f"{APPLICANT}@{DEMO_DOMAIN}", is_demo=True).first()
    affiliation = (
        user.affiliations.filter(role=Role.COORDINATOR).select_related("organisation").first()
        if user
        else None
    )
    if affiliation is None:
        return None
    return _applicant_account(user, affiliation.organisation)


@transaction.atomic
def ensure_demo_applicant(organisation: Organisation) -> DemoAccount:
    """Make the demo applicant: a coordinator of ``organisation``, a city not yet a member.

    The demo coordinator's city is a member, which a membership call does not
    admit; the applicant shows the other side, a city with its application in draft.
    Made by ``learningcities load-demo-calls`` (which chooses the city), then
    listed by ``ensure_demo_accounts``. Effects: the account (``is_demo``) and
    its affiliation if missing, each with its activity entry. Raises
    AccountsError in production.
    """
    _refuse_in_production()
    email = f"{APPLICANT}@{DEMO_DOMAIN}"
    user = _ensure_user(email, name=_("Demo applicant"))
    add_affiliation(organisation, user=user, role=Role.COORDINATOR, actor=None)
    return _applicant_account(user, organisation)


def current_demo_code(email: str) -> str:
    """Return the authenticator code of a demo account for this moment.

    Raises AccountsError in production, for an unknown address or an account
    that is not a demo account or has no authenticator.
    """
    _refuse_in_production()
    user = User.objects.filter(email__iexact=email.strip(), is_demo=True).first()
    authenticator = (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if user
        else None
    )
    if authenticator is None:
        raise AccountsError(
            _("%(email)s is not a demo account with an authenticator app.") % {"email": email}
        )
    from allauth.mfa import app_settings

    counter = int(timezone.now().timestamp()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(decrypt(authenticator.data["secret"]), counter))
