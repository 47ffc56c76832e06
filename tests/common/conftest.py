"""Fixtures of common: people in organisations, a real SMTP server, a private folder."""

import socket

import pytest
from aiosmtpd.controller import Controller
from allauth.mfa.models import Authenticator

from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Affiliation, Organisation, User
from tests.factories import CityFactory


def make_user(email: str, *, organisation: Organisation | None = None, role: str = "", **fields):
    """Create a person, affiliated to ``organisation`` in ``role`` if given.

    Privileged people get an authenticator row: the accounts middleware would
    otherwise send them to set one up before any page.
    """
    user = User.objects.create_user(email, password="correct horse battery", **fields)
    if organisation is not None:
        Affiliation.objects.create(user=user, organisation=organisation, role=role)
    if user.is_superuser or role in {Role.SECRETARIAT, Role.JUROR}:
        Authenticator.objects.create(
            user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
        )
    return user


@pytest.fixture
def secretariat_org(db) -> Organisation:
    return Organisation.objects.create(kind=OrganisationKind.SECRETARIAT, name="Secretariat")


@pytest.fixture
def city_org(db) -> Organisation:
    return Organisation.objects.create(
        kind=OrganisationKind.CITY, name="Testcity", city=CityFactory(name="Testcity")
    )


@pytest.fixture
def other_city_org(db) -> Organisation:
    return Organisation.objects.create(
        kind=OrganisationKind.CITY, name="Othercity", city=CityFactory(name="Othercity")
    )


@pytest.fixture
def secretary(secretariat_org) -> User:
    return make_user("secretary@example.org", organisation=secretariat_org, role=Role.SECRETARIAT)


@pytest.fixture
def coordinator(city_org) -> User:
    return make_user("coordinator@example.org", organisation=city_org, role=Role.COORDINATOR)


@pytest.fixture
def colleague(city_org) -> User:
    return make_user("colleague@example.org", organisation=city_org, role=Role.COORDINATOR)


@pytest.fixture
def stranger(other_city_org) -> User:
    return make_user("stranger@example.org", organisation=other_city_org, role=Role.COORDINATOR)


@pytest.fixture
def operator(db) -> User:
    return make_user("operator@example.org", is_superuser=True, is_staff=True)


class RecordingHandler:
    """An SMTP server's handler: keeps what it accepts, or refuses everything."""

    def __init__(self):
        self.received = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 refused"
        self.received.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and the settings that send mail to it."""
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.LC_MAIL_ENABLED = True
    settings.MAILERS = {
        **settings.MAILERS,
        "transport": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        },
    }
    settings.DEFAULT_FROM_EMAIL = "network@example.org"
    yield handler
    controller.stop()


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
