"""The session's snapshot of a person's roles, second factor and endorsed countries.

Every change of a person's affiliations, their organisations or their
authenticators bumps their ``access_version``; the snapshot kept in the
session is used only while the user row read for the request carries the same
number, so a revoked role or a
removed authenticator counts from the very next request.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from learningcities.accounts.domain.organisations import add_affiliation, remove_affiliation
from learningcities.accounts.domain.users import activate_totp
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.middleware import ACCESS_SNAPSHOT
from learningcities.accounts.models import Affiliation, User
from tests.accounts.factories import TOTP_SECRET, make_user, organisation, person_with_role
from tests.factories import country

pytestmark = pytest.mark.django_db


def _version(user) -> int:
    return User.objects.get(pk=user.pk).access_version


def test_access_version_is_bumped_by_each_change_of_roles_or_authenticators():
    user = make_user()
    versions = [_version(user)]
    affiliation = add_affiliation(
        organisation(OrganisationKind.SECRETARIAT), user=user, role=Role.SECRETARIAT, actor=None
    )
    versions.append(_version(user))
    activate_totp(user, secret=TOTP_SECRET)
    versions.append(_version(user))
    Authenticator.objects.filter(user=user).delete()
    versions.append(_version(user))
    remove_affiliation(affiliation, actor=None)
    versions.append(_version(user))

    assert versions == sorted(set(versions))  # each step raised it
    assert len(versions) == 5


def test_revoked_role_counts_on_the_very_next_request(client):
    person = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(person)
    before = client.get(reverse("calls:secretariat-calls"))

    remove_affiliation(Affiliation.objects.get(user=person), actor=None)
    after = client.get(reverse("calls:secretariat-calls"))

    assert (before.status_code, after.status_code) == (200, 403)


def test_granted_role_counts_on_the_very_next_request(client):
    person = person_with_role(Role.COORDINATOR)
    client.force_login(person)
    before = client.get(reverse("calls:endorsement-queue"))

    add_affiliation(
        organisation(OrganisationKind.NATIONAL_COMMISSION),
        user=person,
        role=Role.ENDORSER,
        actor=None,
    )
    after = client.get(reverse("calls:endorsement-queue"))

    assert (before.status_code, after.status_code) == (403, 200)


def test_removed_authenticator_counts_on_the_very_next_request(client):
    person = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(person)
    before = client.get(reverse("calls:secretariat-calls"))

    Authenticator.objects.filter(user=person).delete()  # as allauth or the admin would
    after = client.get(reverse("calls:secretariat-calls"))

    assert before.status_code == 200
    assert (after.status_code, after["Location"]) == (302, reverse("mfa_activate_totp"))


def test_unchanged_person_reads_neither_roles_nor_authenticators(client, django_assert_num_queries):
    person = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(person)

    # session, user, calls with counts
    with django_assert_num_queries(3) as queries:
        response = client.get(reverse("calls:secretariat-calls"))

    assert response.status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert ("accounts_affiliation" in tables, "mfa_authenticator" in tables) == (False, False)


def test_snapshot_is_taken_again_after_a_change(client):
    person = person_with_role(Role.SECRETARIAT, totp=True)
    client.force_login(person)
    client.get(reverse("calls:secretariat-calls"))
    Authenticator.objects.filter(user=person).delete()

    client.get(reverse("calls:secretariat-calls"))

    snapshot = client.session[ACCESS_SNAPSHOT]
    organisation_id = Affiliation.objects.get(user=person).organisation_id
    assert snapshot == [
        person.pk,
        _version(person),
        [[organisation_id, Role.SECRETARIAT]],
        False,
        [],
    ]


def test_endorser_snapshot_carries_the_countries_and_reads_none_on_later_pages(
    client, django_assert_num_queries
):
    person = person_with_role(Role.ENDORSER)  # the National Commission of Ireland
    client.force_login(person)
    client.get(reverse("calls:endorsement-queue"))

    # session, user, the calls' and the register's revisions: no countries read
    with django_assert_num_queries(4) as queries:
        response = client.get(reverse("calls:endorsement-queue"))

    assert response.status_code == 200
    assert client.session[ACCESS_SNAPSHOT][4] == ["IE"]
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "accounts_organisation" not in tables


def test_moving_an_organisation_to_another_country_counts_on_the_very_next_request(client):
    person = person_with_role(Role.ENDORSER)
    commission = Affiliation.objects.get(user=person).organisation
    client.force_login(person)
    client.get(reverse("calls:endorsement-queue"))
    before = _version(person)

    commission.country = country("FR")
    commission.save()
    client.get(reverse("calls:endorsement-queue"))

    assert _version(person) == before + 1
    assert client.session[ACCESS_SNAPSHOT][4] == ["FR"]


def test_creating_an_organisation_bumps_nobody():
    person = person_with_role(Role.ENDORSER)
    before = _version(person)

    organisation(OrganisationKind.SECRETARIAT)

    assert _version(person) == before
