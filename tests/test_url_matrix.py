"""Role-by-view matrix: every URL of the project, requested as every role.

``MATRIX`` maps each URL name (``admin:*`` for the whole Django admin) to the
outcome expected for each role, in the order of ``ROLES``. A view added without
an entry fails ``test_matrix_covers_every_url``. Object pages are also
requested with an object the role must not see (``HIDDEN``): those answer 404
whether the object exists or not.

Outcomes: a status code (200, 403, 404, 405, 410), ``LOGIN`` (sent to log in),
``MFA`` (sent to set up the authenticator app), ``ADMIN_LOGIN`` (the admin's
own login), ``HOME`` (sent to "My work", for pages meant for anonymous visitors),
``REAUTH`` (asked for the password again before changing a second factor).
"""

import io
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from learningcities.accounts.domain.invitations import invite_person
from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.domain.users import activate_totp
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.common.domain.documents import store_document
from learningcities.common.models import OutboxMessage
from tests.accounts.factories import TOTP_SECRET, make_user, organisation, person_with_role
from tests.common import files
from tests.factories import CohortFactory, make_member
from tests.url_matrix import extension_modules
from tests.url_matrix.roles import (
    ADMIN_LOGIN,
    ANONYMOUS_PAGE,
    API,
    HOME,
    LOGGED_IN,
    LOGIN,
    MFA,
    POST_ONLY,
    PUBLIC,
    REAUTH,
    ROLES,
    SECRETARIAT,
    row,
)

MATRIX: dict[str, dict] = {
    "health": row(200, 200, 200, 200, 200, 200, 200),
    "admin:*": row(ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, MFA),
    # Public register
    "network:home": PUBLIC,
    "network:directory": PUBLIC,
    "network:city": PUBLIC,
    "network:map": PUBLIC,
    "network:map-data": PUBLIC,
    "network:countries": PUBLIC,
    "network:country": PUBLIC,
    "network:cohorts": PUBLIC,
    "network:cohort": PUBLIC,
    "network:statistics": PUBLIC,
    "network:statistics-csv": PUBLIC,
    # Criteria frameworks (the shipped ones exist in every installation)
    "frameworks:list": PUBLIC,
    "frameworks:detail": PUBLIC,
    # Open data API
    "api-v1:api-root": row(404, 404, 404, 404, 404, 404, 403),  # ninja's root lists nothing
    "api-v1:openapi-json": API,
    "api-reference": PUBLIC,
    "api-v1:get_network_stats": API,
    "api-v1:list_cities": API,
    "api-v1:get_city": API,
    "api-v1:list_cohorts": API,
    "api-v1:get_cohort": API,
    "api-v1:list_countries": API,
    # The person's own pages
    "accounts:profile": LOGGED_IN,
    "accounts:language": POST_ONLY,
    "accounts:activity": LOGGED_IN,
    "accounts:invitation": PUBLIC,
    # Workspace
    "workspace:home": SECRETARIAT,
    "workspace:organisations": SECRETARIAT,
    "workspace:organisation-create": SECRETARIAT,
    "workspace:organisation": SECRETARIAT,
    "workspace:people": SECRETARIAT,
    "workspace:person": SECRETARIAT,
    "workspace:affiliation-remove": POST_ONLY,
    "workspace:invitations": SECRETARIAT,
    "workspace:invitation-create": SECRETARIAT,
    "workspace:invitation-resend": POST_ONLY,
    "workspace:invitation-revoke": POST_ONLY,
    "workspace:activity": SECRETARIAT,
    "common:outbox": SECRETARIAT,
    "common:outbox-message": SECRETARIAT,
    "common:outbox-retry": POST_ONLY,
    "common:mail-templates": SECRETARIAT,
    "common:mail-template": SECRETARIAT,
    # A document of the coordinator's city: its people and the secretariat open it.
    "common:document": row(404, 200, 404, 404, 200, 200, MFA),
}

# Object pages requested with an object the role must not see (or that does not exist).
HIDDEN: dict[str, dict] = {
    "common:document": row(404, 404, 404, 404, 200, 200, MFA),
    "workspace:organisation": row(LOGIN, 403, 403, 403, 404, 404, MFA),
    "workspace:person": row(LOGIN, 403, 403, 403, 404, 404, MFA),
    "common:outbox-message": row(LOGIN, 403, 403, 403, 404, 404, MFA),
    "common:mail-template": row(LOGIN, 403, 403, 403, 404, 404, MFA),
    "accounts:invitation": row(404, 404, 404, 404, 404, 404, MFA),
}


def url_name_list(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Return the name of every URL pattern under ``resolver``, once per pattern.

    The admin counts as one entry, ``admin:*``; a name given to two patterns
    appears twice, so a second view hiding behind a known name is caught.
    """
    resolver = resolver or get_resolver()
    names: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            if inner == "admin":
                names.append("admin:*")
                continue
            names += url_name_list(pattern, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            names.append(f"{namespace}:{name}" if namespace else name)
    return names


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Return the set of URL names under ``resolver`` (the admin's as ``admin:*``)."""
    return set(url_name_list(resolver, namespace))


def test_every_url_pattern_has_its_own_name():
    names = url_name_list()

    duplicates = sorted({name for name in names if names.count(name) > 1})

    assert duplicates == [], f"URL names used by more than one pattern: {duplicates}"


def test_matrix_covers_every_url():
    names = url_names()

    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, f"URLs without an entry in MATRIX: {', '.join(missing)}"
    assert not stale, f"MATRIX entries for URLs that no longer exist: {', '.join(stale)}"


@pytest.mark.parametrize("role", ["coordinator", "secretariat"])
def test_matrix_holds_for_french_urls(world, db, role):
    with translation.override("fr"):
        url = reverse("workspace:home")

    response = request_as(world, role, url)

    assert url == "/fr/workspace/"
    assert outcome(response) == MATRIX["workspace:home"][role]


# Allauth's pages: what each role gets (logged-in people are sent on from the
# pages for anonymous visitors; the second-factor pages stay open to the person
# setting one up).
ALLAUTH: dict[str, dict] = {
    "account_login": ANONYMOUS_PAGE,
    "account_signup": ANONYMOUS_PAGE,  # shows "sign-up is closed": people are invited
    "account_logout": row(HOME, 200, 200, 200, 200, 200, 200),
    "account_inactive": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,  # an invalid key: the page says so
    "account_reset_password_from_key_done": PUBLIC,
    "account_confirm_email": PUBLIC,  # an invalid key: the page says so
    "account_email_verification_sent": PUBLIC,
    "account_confirm_login_code": row(LOGIN, HOME, HOME, HOME, HOME, HOME, MFA),
    "account_email": LOGGED_IN,
    "account_change_password": LOGGED_IN,
    "account_set_password": row(LOGIN, *["redirect /account/password/change/"] * 5, MFA),
    "account_reauthenticate": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "account_request_reauthentication_code": LOGGED_IN,
    "account_confirm_reauthentication_code": row(
        LOGIN, *["redirect /account/reauthenticate/code/"] * 5, MFA
    ),
    # Two-factor pages stay open to the person who must set one up. Changing a
    # factor asks for the password again (REAUTH) after a login without one.
    "mfa_index": row(LOGIN, 200, 200, 200, 200, 200, 200),
    "mfa_activate_totp": row(LOGIN, REAUTH, REAUTH, REAUTH, REAUTH, REAUTH, REAUTH),
    "mfa_authenticate": row(LOGIN, HOME, HOME, HOME, HOME, HOME, HOME),
    "mfa_reauthenticate": row(LOGIN, REAUTH, REAUTH, 200, 200, 200, REAUTH),
    # Without an authenticator there is nothing to deactivate (404).
    "mfa_deactivate_totp": row(LOGIN, 404, 404, REAUTH, REAUTH, REAUTH, 404),
    "mfa_generate_recovery_codes": row(LOGIN, REAUTH, REAUTH, REAUTH, REAUTH, REAUTH, REAUTH),
    # No recovery codes were generated for these people.
    "mfa_view_recovery_codes": row(LOGIN, 404, 404, 404, 404, 404, 404),
    "mfa_download_recovery_codes": row(LOGIN, 404, 404, 404, 404, 404, 404),
}
MATRIX.update(ALLAUTH)

# Areas that keep their entries in tests/url_matrix/<area>.py.
for _module in extension_modules():
    MATRIX.update(getattr(_module, "ENTRIES", {}))
    HIDDEN.update(getattr(_module, "HIDDEN", {}))


def matrix_storages(root) -> dict:
    """The storages the matrix's objects are built with (documents under ``root``)."""
    return {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": {
            "BACKEND": "learningcities.common.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }


def build_world() -> dict:
    """Create one object of each kind and one person per role; return them with the URL kwargs.

    Shared with the layout test (tests/browser/test_layout.py), which renders every
    page this builds in Chromium.
    """
    people = {
        "coordinator": person_with_role(Role.COORDINATOR),
        "endorser": person_with_role(Role.ENDORSER),
        "juror": person_with_role(Role.JUROR, totp=True),
        "secretariat": person_with_role(Role.SECRETARIAT, totp=True),
        "admin": make_user(is_superuser=True),
        "no_totp": person_with_role(Role.SECRETARIAT),
    }
    activate_totp(people["admin"], secret=TOTP_SECRET)
    city_org = people["coordinator"].affiliations.get().organisation
    other_org = organisation(OrganisationKind.CITY)
    stranger = make_user()
    add_affiliation(other_org, user=stranger, role=Role.COORDINATOR, actor=None)
    cohort = CohortFactory()
    make_member(city_org.city, cohort=cohort)
    invitation, token = invite_person(
        city_org, email="newcomer@example.org", role=Role.COORDINATOR, actor=None
    )
    document = store_document(
        io.BytesIO(files.PDF), owner=city_org, uploaded_by=None, kind="letter", name="a.pdf"
    )
    hidden_document = store_document(
        io.BytesIO(files.PDF), owner=other_org, uploaded_by=None, kind="letter", name="b.pdf"
    )
    message = OutboxMessage.objects.get()
    kwargs = {
        "network:city": {"pk": city_org.city.pk},
        "network:country": {"code": city_org.country_id.lower()},
        "network:cohort": {"slug": cohort.slug},
        "frameworks:detail": {"code": "key-features", "version": "2013-short"},
        "api-v1:get_city": {"id": city_org.city.pk},
        "api-v1:get_cohort": {"id": cohort.pk},
        "accounts:invitation": {"token": token},
        "workspace:organisation": {"pk": city_org.pk},
        "workspace:person": {"pk": stranger.pk},
        "workspace:affiliation-remove": {
            "pk": stranger.pk,
            "affiliation_pk": stranger.affiliations.get().pk,
        },
        "workspace:invitation-resend": {"pk": invitation.pk},
        "workspace:invitation-revoke": {"pk": invitation.pk},
        "common:outbox-message": {"pk": message.pk},
        "common:outbox-retry": {"pk": message.pk},
        "common:mail-template": {"code": "accounts.invitation", "language": "fr"},
        "common:document": {"document_id": document.pk},
        "account_confirm_email": {"key": "not-a-key"},
        "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-key"},
    }
    hidden_kwargs = {
        "common:document": {"document_id": hidden_document.pk},
        "workspace:organisation": {"pk": 999_999},
        "workspace:person": {"pk": 999_999},
        "common:outbox-message": {"pk": 999_999},
        "common:mail-template": {"code": "no.such.template", "language": "fr"},
        "accounts:invitation": {"token": "not-a-token"},
    }
    context = {
        "people": people,
        "city_org": city_org,
        "other_org": other_org,
        "stranger": stranger,
    }
    for module in extension_modules():
        if build := getattr(module, "build", None):
            more_kwargs, more_hidden = build(context)
            kwargs.update(more_kwargs)
            hidden_kwargs.update(more_hidden)
    return {"people": people, "kwargs": kwargs, "hidden_kwargs": hidden_kwargs}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One object of each kind and one person per role, built once for the module.

    Everything is rolled back when the module's tests are done, so no other
    test sees these rows.
    """
    root = tmp_path_factory.mktemp("private")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(
            STORAGES=matrix_storages(root), LC_PRIVATE_ROOT=root, PASSWORD_HASHERS=hashers
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


def outcome(response) -> object:
    """Return what a response amounts to, in the matrix's words."""
    if response.status_code in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        if path == reverse("account_login"):
            return LOGIN
        if path == reverse("mfa_activate_totp"):
            return MFA
        if path == reverse("account_reauthenticate"):
            return REAUTH
        if path == reverse("admin:login"):
            return ADMIN_LOGIN
        if path == reverse("accounts:my-work") or path == "/":
            return HOME
        return f"redirect {path}"
    return response.status_code


def request_as(world, role: str, url: str):
    client = Client()
    if role != "anonymous":
        client.force_login(world["people"][role])
    return client.get(url)


def _url(name: str, kwargs: dict) -> str:
    return reverse("admin:index") if name == "admin:*" else reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_gets_expected_outcome(world, db, name, role):
    url = _url(name, world["kwargs"].get(name, {}))

    response = request_as(world, role, url)

    assert outcome(response) == MATRIX[name][role], f"{role} GET {url}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_role_cannot_see_hidden_object(world, db, name, role):
    url = _url(name, world["hidden_kwargs"][name])

    response = request_as(world, role, url)

    assert outcome(response) == HIDDEN[name][role], f"{role} GET {url}"
