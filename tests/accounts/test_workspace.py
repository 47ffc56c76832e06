"""The secretariat's workspace pages, the activity log pages and the *_for_user queries."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse

from learningcities.accounts.domain.invitations import invite_person
from learningcities.accounts.domain.organisations import add_affiliation
from learningcities.accounts.domain.queries.invitations import invitations_for_user
from learningcities.accounts.domain.queries.organisations import organisations_for_user
from learningcities.accounts.domain.queries.people import people_for_user
from learningcities.accounts.enums import OrganisationKind, Role
from learningcities.accounts.models import Affiliation, Invitation, Organisation
from learningcities.common.domain.documents import store_document
from learningcities.common.domain.outbox import save_mail_template
from learningcities.common.domain.queries.activity import activity_for_user
from learningcities.common.domain.queries.documents import document_for_user
from learningcities.common.domain.queries.outbox import outbox_for_user
from learningcities.common.models import ActivityLogEntry
from learningcities.reviews.domain.assignments import assign_submission
from learningcities.reviews.domain.conflicts import record_tie, recuse
from learningcities.reviews.domain.reviews import open_review
from learningcities.reviews.enums import TieKind
from learningcities.reviews.models import Recusal
from tests.common import files
from tests.factories import CityFactory, country, make_member
from tests.reviews.factories import make_juror
from tests.reviews.scoring_helpers import Jury

from .factories import make_user, organisation, person_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary():
    return person_with_role(Role.SECRETARIAT, totp=True)


@pytest.fixture
def coordinator():
    return person_with_role(Role.COORDINATOR)


def own_organisation(user) -> Organisation:
    return user.affiliations.get().organisation


# Dashboard and navigation ------------------------------------------------------


def test_dashboard_shows_counts_and_recent_activity(client, secretary, coordinator):
    client.force_login(secretary)

    response = client.get(reverse("workspace:home"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "2 organisations" in page
    assert "Organisation created" in page
    assert f'href="{reverse("workspace:home")}"' in page  # the header's Workspace link


def test_header_has_no_workspace_link_for_a_coordinator(client, coordinator):
    client.force_login(coordinator)

    page = client.get(reverse("accounts:profile")).content.decode()

    assert reverse("workspace:home") not in page
    assert reverse("accounts:activity") in page


# Organisations -------------------------------------------------------------------


def test_organisations_filter_by_kind_and_search(client, secretary, coordinator):
    city = own_organisation(coordinator)
    organisation(OrganisationKind.PANEL, name="Jury 2026")
    client.force_login(secretary)

    by_kind = client.get(reverse("workspace:organisations"), {"kind": "panel"})
    by_name = client.get(reverse("workspace:organisations"), {"q": city.name[:5]})

    assert [o.name for o in by_kind.context["page"].object_list] == ["Jury 2026"]
    assert [o.name for o in by_name.context["page"].object_list] == [city.name]


@pytest.mark.parametrize("count", [1, 3])
def test_organisations_list_query_count_does_not_grow(
    client, secretary, django_assert_num_queries, count
):
    for _ in range(count):
        add_affiliation(
            organisation(OrganisationKind.CITY), user=make_user(), role=Role.COORDINATOR, actor=None
        )
    client.force_login(secretary)
    client.get(reverse("workspace:organisations"))

    # session, user, count, page, countries (filter form); the roles and the
    # second factor come from the session's snapshot
    with django_assert_num_queries(5):
        response = client.get(reverse("workspace:organisations"))

    assert response.context["page"].paginator.count == count + 1


def test_organisation_detail_shows_people_invitations_and_activity_link(
    client, secretary, coordinator
):
    city = own_organisation(coordinator)
    invite_person(city, email="next@example.org", role=Role.COORDINATOR, actor=secretary)
    client.force_login(secretary)

    response = client.get(reverse("workspace:organisation", args=[city.pk]))

    page = response.content.decode()
    assert coordinator.email in page
    assert "next@example.org" in page
    assert "Person invited" in page
    assert f"?object={response.context['activity_query'].replace(':', '%3A')}" in page


def test_create_national_commission_refuses_a_second_for_a_country(client, secretary):
    organisation(OrganisationKind.NATIONAL_COMMISSION, country=country("IE"))
    client.force_login(secretary)

    response = client.post(
        reverse("workspace:organisation-create"),
        {"kind": "national_commission", "name": "Irish NC", "country": "IE"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["country"] == [
        "Ireland has a National Commission already."
    ]
    assert 'aria-invalid="true"' in response.content.decode()
    assert Organisation.objects.filter(kind="national_commission").count() == 1


def test_create_city_organisation_links_the_city(client, secretary):
    city = CityFactory(name="Porto Novo")
    client.force_login(secretary)

    response = client.post(
        reverse("workspace:organisation-create"), {"kind": "city", "city": city.pk}
    )

    created = Organisation.objects.get(city=city)
    assert response.url == reverse("workspace:organisation", args=[created.pk])
    assert created.name == "Porto Novo"
    assert ActivityLogEntry.objects.filter(
        action="accounts.organisation.create", organisation=created, actor=secretary
    ).exists()


def test_create_organisation_form_requires_csrf(secretary):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)

    response = client.post(reverse("workspace:organisation-create"), {"kind": "panel", "name": "X"})

    assert response.status_code == 403
    assert not Organisation.objects.filter(name="X").exists()


# People ----------------------------------------------------------------------------


def test_people_search_and_role_filter(client, secretary, coordinator):
    client.force_login(secretary)

    by_role = client.get(reverse("workspace:people"), {"role": "coordinator"})
    by_email = client.get(reverse("workspace:people"), {"q": secretary.email.upper()})

    assert [p.email for p, _affs in by_role.context["rows"]] == [coordinator.email]
    assert [p.email for p, _affs in by_email.context["rows"]] == [secretary.email]


@pytest.mark.parametrize("count", [1, 3])
def test_people_list_query_count_does_not_grow(client, secretary, django_assert_num_queries, count):
    for _ in range(count):
        person_with_role(Role.COORDINATOR)
    client.force_login(secretary)
    client.get(reverse("workspace:people"))

    # session, user, count, page, affiliations of the page
    with django_assert_num_queries(5):
        response = client.get(reverse("workspace:people"))

    assert len(response.context["rows"]) == count + 1


def test_person_detail_adds_and_removes_an_affiliation(client, secretary, coordinator):
    panel = organisation(OrganisationKind.PANEL, name="Jury")
    client.force_login(secretary)

    added = client.post(
        reverse("workspace:person", args=[coordinator.pk]),
        {"organisation": panel.pk, "role": "juror"},
        follow=True,
    )
    affiliation = Affiliation.objects.get(user=coordinator, organisation=panel)
    removed = client.post(
        reverse("workspace:affiliation-remove", args=[coordinator.pk, affiliation.pk]),
        follow=True,
    )

    assert "is now Juror of Jury" in added.content.decode()
    assert "is no longer Juror of Jury" in removed.content.decode()
    assert not Affiliation.objects.filter(user=coordinator, organisation=panel).exists()


def test_person_detail_shows_a_role_that_does_not_fit_as_a_form_error(
    client, secretary, coordinator
):
    panel = organisation(OrganisationKind.PANEL, name="Jury")
    client.force_login(secretary)

    response = client.post(
        reverse("workspace:person", args=[coordinator.pk]),
        {"organisation": panel.pk, "role": "coordinator"},
    )

    assert response.status_code == 200
    assert "does not fit" in response.context["form"].errors["role"][0]
    assert not Affiliation.objects.filter(user=coordinator, organisation=panel).exists()


# Invitations -----------------------------------------------------------------------


def test_invite_person_through_the_form_queues_the_mail(client, secretary, coordinator):
    city = own_organisation(coordinator)
    client.force_login(secretary)

    response = client.post(
        reverse("workspace:invitation-create"),
        {"organisation": city.pk, "role": "coordinator", "email": "New@Example.org"},
        follow=True,
    )

    invitation = Invitation.objects.get()
    assert invitation.email == "new@example.org"
    assert "has been sent to new@example.org" in response.content.decode()
    assert outbox_for_user(secretary).get().recipients == ["new@example.org"]


def test_invite_person_twice_shows_the_domain_error(client, secretary, coordinator):
    city = own_organisation(coordinator)
    invite_person(city, email="new@example.org", role=Role.COORDINATOR, actor=secretary)
    client.force_login(secretary)

    response = client.post(
        reverse("workspace:invitation-create"),
        {"organisation": city.pk, "role": "coordinator", "email": "new@example.org"},
    )

    assert response.status_code == 200
    assert "has a pending invitation" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_invitations_list_by_state_with_resend_and_revoke(client, secretary, coordinator):
    city = own_organisation(coordinator)
    invitation, _token = invite_person(
        city, email="new@example.org", role=Role.COORDINATOR, actor=secretary
    )
    client.force_login(secretary)

    pending = client.get(reverse("workspace:invitations"), {"state": "pending"})
    resent = client.post(reverse("workspace:invitation-resend", args=[invitation.pk]), follow=True)
    revoke = reverse("workspace:invitation-revoke", args=[invitation.pk])
    revoked = client.post(revoke, {"confirm": "yes"}, follow=True)
    again = client.post(revoke, {"confirm": "yes"}, follow=True)
    listed_revoked = client.get(reverse("workspace:invitations"), {"state": "revoked"})

    assert [i.email for i, _state in pending.context["rows"]] == ["new@example.org"]
    assert "has been sent again" in resent.content.decode()
    assert "has been withdrawn" in revoked.content.decode()
    assert "withdrawn already" in again.content.decode()
    assert [state for _i, state in listed_revoked.context["rows"]] == ["revoked"]


@pytest.mark.parametrize("count", [1, 3])
def test_invitations_list_query_count_does_not_grow(
    client, secretary, django_assert_num_queries, count
):
    for _ in range(count):
        invite_person(
            organisation(OrganisationKind.PANEL),
            email=f"p{_}@example.org",
            role=Role.JUROR,
            actor=secretary,
        )
    client.force_login(secretary)
    client.get(reverse("workspace:invitations"))

    # session, user, count, page
    with django_assert_num_queries(4):
        response = client.get(reverse("workspace:invitations"))

    assert len(response.context["rows"]) == count


# Activity --------------------------------------------------------------------------


def test_activity_filters_by_action_prefix_and_object(client, secretary, coordinator):
    city = own_organisation(coordinator)
    invitation, _token = invite_person(
        city, email="new@example.org", role=Role.COORDINATOR, actor=secretary
    )
    client.force_login(secretary)
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Invitation)

    by_action = client.get(reverse("workspace:activity"), {"action": "accounts.invitation"})
    by_object = client.get(
        reverse("workspace:activity"), {"object": f"{content_type.pk}:{invitation.pk}"}
    )
    by_actor = client.get(reverse("workspace:activity"), {"actor": secretary.email})

    assert [row["entry"].action for row in by_action.context["rows"]] == [
        "accounts.invitation.create"
    ]
    assert [row["label"] for row in by_object.context["rows"]] == ["Person invited"]
    assert "History of new@example.org" in by_object.content.decode()
    assert {row["entry"].actor_id for row in by_actor.context["rows"]} == {secretary.pk}


def test_activity_shows_changed_fields_with_secrets_redacted(client, secretary, coordinator):
    invite_person(
        own_organisation(coordinator), email="new@example.org", role="coordinator", actor=secretary
    )
    client.force_login(secretary)

    page = client.get(reverse("workspace:activity"), {"action": "accounts.invitation"})

    text = page.content.decode()
    assert "Invitation link</strong>: [redacted]" in text
    assert "new@example.org" in text


def test_activity_bad_object_filter_is_a_form_error(client, secretary):
    client.force_login(secretary)

    response = client.get(reverse("workspace:activity"), {"object": "nonsense"})

    assert response.status_code == 200
    assert "does not name an object" in response.context["form"].errors["object"][0]


@pytest.mark.parametrize("count", [1, 3])
def test_activity_query_count_does_not_grow(client, secretary, django_assert_num_queries, count):
    ActivityLogEntry.objects.all().delete()
    city = organisation(OrganisationKind.CITY)  # one entry
    ActivityLogEntry.objects.exclude(organisation=city).delete()
    for index in range(count - 1):
        with transaction.atomic():
            invite_person(city, email=f"p{index}@example.org", role="coordinator", actor=secretary)
    ActivityLogEntry.objects.exclude(organisation=city).delete()
    client.force_login(secretary)
    client.get(reverse("workspace:activity"))

    # session, user, object types, organisations, count, page, and the names of the
    # objects the changes refer to: one query per kind (the organisations' cities, countries)
    with django_assert_num_queries(8):
        response = client.get(reverse("workspace:activity"))

    assert len(response.context["rows"]) == count


def test_own_activity_shows_only_own_organisations_and_own_actions(client, coordinator):
    other = person_with_role(Role.COORDINATOR)
    client.force_login(coordinator)

    response = client.get(reverse("accounts:activity"))

    organisations = {row["entry"].organisation_id for row in response.context["rows"]}
    assert own_organisation(coordinator).pk in organisations
    assert own_organisation(other).pk not in organisations
    assert other.email not in response.content.decode()


def _others_activity_of_every_kind() -> None:
    """Entries about a jury, its reviews and a mail template: none is a coordinator's business."""
    jury = Jury()
    secretariat = jury.cast.secretary
    open_review(jury.assignment, actor=jury.juror)
    assign_submission(jury.panel, jury.submission, make_juror(jury.panel, "DE"), actor=secretariat)
    record_tie(jury.juror, kind=TieKind.RESIDENCE, country=country("DE"), actor=secretariat)
    recuse(jury.submission, jury.juror, reason="Family there.", actor=secretariat)
    save_mail_template(
        "common.notification", "en", actor=secretariat, subject="{{ subject }}", body="Hello."
    )
    kinds = set(ActivityLogEntry.objects.values_list("content_type__model", flat=True))
    assert {"recusal", "jurortie", "review", "assignment", "messagetemplate"} <= kinds


def test_own_activity_filter_lists_only_the_kinds_the_person_can_see(client, coordinator):
    _others_activity_of_every_kind()
    client.force_login(coordinator)

    response = client.get(reverse("accounts:activity"))

    choices = [
        str(label) for _value, label in response.context["form"].fields["object_type"].choices
    ]
    seen = {
        row["entry"].content_type.model_class()._meta.verbose_name.capitalize()
        for row in response.context["rows"]
    }
    assert choices == ["- Select an option -", "Affiliation", "Organisation", "User"]
    assert set(choices[1:]) == seen


def test_own_activity_filter_by_a_kind_the_person_cannot_see_is_a_form_error(client, coordinator):
    _others_activity_of_every_kind()
    recusal = ContentType.objects.get_for_model(Recusal)
    client.force_login(coordinator)

    response = client.get(reverse("accounts:activity"), {"object_type": recusal.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["object_type"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert [row["entry"] for row in response.context["rows"]] == list(
        activity_for_user(coordinator)
    )
    assert "Family there." not in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_own_activity_query_count_does_not_grow(
    client, coordinator, secretary, django_assert_num_queries, count
):
    city = own_organisation(coordinator)
    ActivityLogEntry.objects.all().delete()
    for index in range(count):
        with transaction.atomic():
            invite_person(city, email=f"p{index}@example.org", role="coordinator", actor=secretary)
    client.force_login(coordinator)
    client.get(reverse("accounts:activity"))

    # session, user, count, page, and the filter's organisations and kinds of object
    # (an invitation's changes refer to no other object)
    with django_assert_num_queries(6):
        response = client.get(reverse("accounts:activity"))

    assert len(response.context["rows"]) == count


# *_for_user queries do not leak ------------------------------------------------------


def test_for_user_queries_do_not_leak_another_organisation(coordinator, secretary):
    own = own_organisation(coordinator)
    other_person = person_with_role(Role.COORDINATOR)
    other = own_organisation(other_person)
    invite_person(other, email="x@example.org", role=Role.COORDINATOR, actor=secretary)
    mine = store_document(
        io.BytesIO(files.PDF), owner=own, uploaded_by=None, kind="letter", name="a.pdf"
    )
    theirs = store_document(
        io.BytesIO(files.PDF), owner=other, uploaded_by=None, kind="letter", name="b.pdf"
    )

    assert list(organisations_for_user(coordinator)) == [own]
    assert set(people_for_user(coordinator)) == {coordinator}
    assert list(invitations_for_user(coordinator)) == []
    assert list(outbox_for_user(coordinator)) == []
    assert (document_for_user(coordinator, mine.pk), document_for_user(coordinator, theirs.pk)) == (
        mine,
        None,
    )
    assert {e.organisation_id for e in activity_for_user(coordinator)} <= {own.pk, None}
    assert all(
        e.organisation_id == own.pk or e.actor_id == coordinator.pk
        for e in activity_for_user(coordinator)
    )
    assert {document_for_user(secretary, document.pk) for document in (mine, theirs)} == {
        mine,
        theirs,
    }
    assert set(people_for_user(secretary)) >= {coordinator, other_person}


@pytest.mark.parametrize("admitted", [False, True])
def test_organisation_detail_links_the_city_page_only_once_the_city_is_admitted(
    client, secretary, admitted
):
    # A city that only applied has no public page (issue 11): no link to a 404.
    city = CityFactory(name="Porto Novo")
    if admitted:
        make_member(city)
    created = Organisation.objects.create(kind="city", name="Porto Novo", city=city)
    client.force_login(secretary)

    response = client.get(reverse("workspace:organisation", args=[created.pk]))

    page = response.content.decode()
    city_link = f'href="{reverse("network:city", args=[city.pk])}"'
    assert response.status_code == 200
    assert "Porto Novo" in page
    assert (city_link in page) is admitted
    assert (client.get(reverse("network:city", args=[city.pk])).status_code == 200) is admitted


@pytest.mark.parametrize("admitted", [False, True])
def test_activity_links_a_city_page_only_once_the_city_is_admitted(client, secretary, admitted):
    city = CityFactory(name="Porto Novo")
    if admitted:
        make_member(city)
    ActivityLogEntry.objects.create(
        action="network.city.update",
        actor=secretary,
        content_type=ContentType.objects.get_for_model(city),
        object_id=str(city.pk),
        object_repr=city.name,
    )
    client.force_login(secretary)

    response = client.get(reverse("workspace:activity"))

    rows = [
        row
        for row in response.context["rows"]
        if row["entry"].action == "network.city.update" and row["entry"].object_id == str(city.pk)
    ]
    assert [bool(row["url"]) for row in rows] == [admitted]
