"""People and organisations for tests, made through the accounts domain."""

import base64
import hashlib
import hmac
import struct
import time

from learningcities.accounts.domain.organisations import add_affiliation, create_organisation
from learningcities.accounts.domain.users import activate_totp, create_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Organisation, User
from tests.factories import CityFactory, country

PASSWORD = "a-long-test-passphrase-42"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

_counter = iter(range(1, 1_000_000))


def make_user(email: str | None = None, *, password: str = PASSWORD, **fields) -> User:
    email = email or f"person{next(_counter)}@example.org"
    return create_user(email, password=password, **fields)


def city_organisation(**city_fields) -> Organisation:
    return create_organisation(
        kind=OrganisationKind.CITY, city=CityFactory(**city_fields), actor=None
    )


def organisation(kind: str, name: str = "", **fields) -> Organisation:
    if kind == OrganisationKind.CITY:
        return city_organisation()
    if kind == OrganisationKind.NATIONAL_COMMISSION:
        fields.setdefault("country", country("IE"))
    return create_organisation(
        kind=kind, name=name or f"{kind} {next(_counter)}", actor=None, **fields
    )


def person_with_role(role: str, *, email: str | None = None, totp: bool = False) -> User:
    """A person holding ``role`` in a new organisation of the fitting kind."""
    kind = {
        Role.COORDINATOR: OrganisationKind.CITY,
        Role.ENDORSER: OrganisationKind.NATIONAL_COMMISSION,
        Role.SECRETARIAT: OrganisationKind.SECRETARIAT,
        Role.JUROR: OrganisationKind.PANEL,
    }[role]
    user = make_user(email)
    add_affiliation(organisation(kind), user=user, role=role, actor=None)
    if totp:
        activate_totp(user, secret=TOTP_SECRET)
    return user


def totp_code(secret: str = TOTP_SECRET, *, at: float | None = None, step: int = 30) -> str:
    """The RFC 6238 code of ``secret`` at time ``at`` (HMAC-SHA1, 6 digits), as an app shows it."""
    counter = int((time.time() if at is None else at) // step)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
