"""Clusters: the seven as data, their pages, asking to join, deciding, lead cities, writing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from learningcities.accounts.enums import Role
from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.practices.domain.clusters import (
    ask_to_join,
    can_write_to_cluster,
    cluster_sections,
    decide_request,
    leads_cluster,
    may_ask_to_join,
    register_cluster_section,
    set_cluster_role,
    write_to_cluster,
)
from learningcities.practices.domain.errors import PracticeError
from learningcities.practices.domain.queries.clusters import (
    lead_cluster_work,
    secretariat_cluster_work,
)
from learningcities.practices.enums import ClusterCode, ClusterRequestStatus, ClusterRole
from learningcities.practices.models import Cluster, ClusterMembership
from tests.accounts.factories import make_user, person_with_role
from tests.factories import make_member
from tests.practices.factories import coordinator_and_city, make_practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def secretariat_person():
    """A secretariat member with an authenticator app (the pages ask the secretariat for one)."""
    return person_with_role(Role.SECRETARIAT, totp=True)


def literacy() -> Cluster:
    return Cluster.objects.get(code=ClusterCode.LITERACY)


def member_city(**city_fields):
    """Return ``(coordinator, organisation)`` of a new member city of the network."""
    coordinator, organisation = coordinator_and_city(**city_fields)
    make_member(organisation.city)
    return coordinator, organisation


def in_cluster(cluster: Cluster, *, lead: bool = False, secretariat=None, **city_fields):
    """Return ``(coordinator, organisation, membership)`` of a city accepted in ``cluster``."""
    coordinator, organisation = member_city(**city_fields)
    secretariat = secretariat or secretariat_person()
    membership = ask_to_join(
        cluster, city=organisation.city, actor=coordinator, motivation="We run reading clubs."
    )
    membership = decide_request(membership, accept=True, actor=secretariat)
    if lead:
        membership = set_cluster_role(membership, role=ClusterRole.LEAD, actor=secretariat)
    return make_user_fresh(coordinator), organisation, membership


def make_user_fresh(user):
    """The same person read again: memos of roles kept on the object start over."""
    return type(user).objects.get(pk=user.pk)


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Data -----------------------------------------------------------------------------------


def test_seven_clusters_exist_with_their_names():
    names = [str(cluster.name) for cluster in Cluster.objects.all()]

    assert len(names) == 7
    assert sorted(names) == sorted(str(label) for label in ClusterCode.labels)


# --- Asking to join -------------------------------------------------------------------------


def test_ask_to_join_records_request_activity_and_notice_to_leads_and_secretariat():
    cluster = literacy()
    secretariat = secretariat_person()
    lead, _org, _m = in_cluster(cluster, lead=True, secretariat=secretariat)
    OutboxMessage.objects.all().delete()
    coordinator, organisation = member_city(name="Cork")

    membership = ask_to_join(
        cluster, city=organisation.city, actor=coordinator, motivation="  Family literacy. "
    )

    assert (membership.status, membership.role, membership.motivation) == (
        ClusterRequestStatus.REQUESTED,
        ClusterRole.MEMBER,
        "Family literacy.",
    )
    assert ActivityLogEntry.objects.filter(action="practices.cluster.ask").count() == 2
    # One message for the secretariat, one for each lead city: none holds both.
    messages = OutboxMessage.objects.filter(template_code="practices.cluster.requested")
    assert sorted(message.recipients for message in messages) == sorted(
        [[lead.email], [secretariat.email]]
    )
    for message in messages:
        assert "Cork asks to join the Literacy cluster" in message.subject
        assert "Family literacy." in message.body


def test_a_request_to_join_shows_no_lead_city_the_addresses_of_another():
    cluster = literacy()
    secretariat = secretariat_person()
    first, _org, _m = in_cluster(cluster, lead=True, secretariat=secretariat)
    second, _org, _m = in_cluster(cluster, lead=True, secretariat=secretariat)
    OutboxMessage.objects.all().delete()
    coordinator, organisation = member_city(name="Cork")

    ask_to_join(cluster, city=organisation.city, actor=coordinator)

    recipients = [
        message.recipients
        for message in OutboxMessage.objects.filter(template_code="practices.cluster.requested")
    ]
    assert all(not (first.email in r and second.email in r) for r in recipients)
    assert sorted(email for r in recipients for email in r) == sorted(
        [first.email, second.email, secretariat.email]
    )


def test_ask_to_join_refused_for_a_city_not_member_of_the_network():
    coordinator, organisation = coordinator_and_city()

    with pytest.raises(PracticeError) as refused:
        ask_to_join(literacy(), city=organisation.city, actor=coordinator)

    assert refused.value.code == "not_member"
    assert not ClusterMembership.objects.exists()


def test_ask_to_join_refused_for_a_coordinator_of_another_city():
    _coordinator, organisation = member_city()
    other, _other_org = member_city()

    with pytest.raises(PracticeError) as refused:
        ask_to_join(literacy(), city=organisation.city, actor=other)

    assert refused.value.code == "not_permitted"
    assert not ClusterMembership.objects.exists()


def test_ask_to_join_twice_refused():
    coordinator, organisation = member_city()
    ask_to_join(literacy(), city=organisation.city, actor=coordinator)

    with pytest.raises(PracticeError) as refused:
        ask_to_join(literacy(), city=organisation.city, actor=coordinator)

    assert refused.value.code == "already_asked"
    assert ClusterMembership.objects.count() == 1


def test_declined_city_may_ask_again():
    coordinator, organisation = member_city()
    membership = ask_to_join(literacy(), city=organisation.city, actor=coordinator)
    decide_request(membership, accept=False, actor=secretariat_person())

    again = ask_to_join(
        literacy(), city=organisation.city, actor=coordinator, motivation="New programme."
    )

    assert (again.pk, again.status, again.decided_by) == (
        membership.pk,
        ClusterRequestStatus.REQUESTED,
        None,
    )


def test_coordinator_of_member_city_sees_join_form_and_asks_through_the_page():
    coordinator, organisation = member_city()
    url = reverse("practices:cluster", kwargs={"code": "literacy"})
    client = client_for(coordinator)

    page = client.get(url).content.decode()
    response = client.post(
        reverse("practices:cluster-join", kwargs={"code": "literacy"}),
        {"city": organisation.city.pk, "motivation": "Our libraries teach adults to read."},
    )

    assert 'action="/clusters/literacy/join/"' in page
    assert response.status_code == 302
    membership = ClusterMembership.objects.get()
    assert (membership.city, membership.status, membership.requested_by) == (
        organisation.city,
        ClusterRequestStatus.REQUESTED,
        coordinator,
    )


def test_join_without_motivation_shows_the_error_and_creates_nothing():
    coordinator, organisation = member_city()

    response = client_for(coordinator).post(
        reverse("practices:cluster-join", kwargs={"code": "literacy"}),
        {"city": organisation.city.pk, "motivation": ""},
    )

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ClusterMembership.objects.exists()


@pytest.mark.parametrize("who", ["visitor", "secretariat", "non_member_coordinator"])
def test_who_may_not_ask_to_join_sees_no_form_and_is_refused(who):
    people = {
        "visitor": None,
        "secretariat": secretariat_person(),
        "non_member_coordinator": coordinator_and_city()[0],
    }
    user = people[who]
    client = client_for(user)

    page = client.get(reverse("practices:cluster", kwargs={"code": "literacy"})).content.decode()
    response = client.post(
        reverse("practices:cluster-join", kwargs={"code": "literacy"}),
        {"motivation": "Please."},
    )

    assert "/clusters/literacy/join/" not in page
    if user is None:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403
    assert not ClusterMembership.objects.exists()


# --- Deciding -------------------------------------------------------------------------------


def test_lead_city_coordinator_sees_and_accepts_a_request():
    cluster = literacy()
    lead, _org, _m = in_cluster(cluster, lead=True)
    coordinator, organisation = member_city(name="Espoo")
    membership = ask_to_join(
        cluster, city=organisation.city, actor=coordinator, motivation="Reading circles."
    )
    OutboxMessage.objects.all().delete()
    client = client_for(lead)

    page = client.get(cluster.get_absolute_url()).content.decode()
    response = client.post(
        reverse("practices:cluster-decide", kwargs={"code": "literacy", "pk": membership.pk}),
        {"decision": "accept"},
    )

    assert "Reading circles." in page
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.status, membership.decided_by) == (ClusterRequestStatus.ACCEPTED, lead)
    notice = OutboxMessage.objects.get(template_code="practices.cluster.accepted")
    assert notice.recipients == [coordinator.email]
    assert ActivityLogEntry.objects.filter(action="practices.cluster.accept").count() == 2


def test_secretariat_declines_a_request_and_the_city_is_told():
    coordinator, organisation = member_city()
    membership = ask_to_join(literacy(), city=organisation.city, actor=coordinator)

    response = client_for(secretariat_person()).post(
        reverse("practices:cluster-decide", kwargs={"code": "literacy", "pk": membership.pk}),
        {"decision": "decline"},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == ClusterRequestStatus.DECLINED
    notice = OutboxMessage.objects.get(template_code="practices.cluster.declined")
    assert notice.recipients == [coordinator.email]


@pytest.mark.parametrize("who", ["other_city", "member_not_lead", "lead_of_other_cluster"])
def test_who_may_not_decide_is_refused_and_the_request_waits(who):
    cluster = literacy()
    coordinator, organisation = member_city()
    membership = ask_to_join(cluster, city=organisation.city, actor=coordinator)
    people = {
        "other_city": lambda: member_city()[0],
        "member_not_lead": lambda: in_cluster(cluster)[0],
        "lead_of_other_cluster": lambda: in_cluster(
            Cluster.objects.get(code=ClusterCode.HEALTH), lead=True
        )[0],
    }
    user = people[who]()
    client = client_for(user)

    page = client.get(cluster.get_absolute_url()).content.decode()
    response = client.post(
        reverse("practices:cluster-decide", kwargs={"code": "literacy", "pk": membership.pk}),
        {"decision": "accept"},
    )

    assert response.status_code == 403
    assert "Requests to join" not in page
    membership.refresh_from_db()
    assert membership.status == ClusterRequestStatus.REQUESTED
    with pytest.raises(PracticeError):
        decide_request(membership, accept=True, actor=user)


def test_visitor_cannot_decide():
    coordinator, organisation = member_city()
    membership = ask_to_join(literacy(), city=organisation.city, actor=coordinator)

    response = client_for().post(
        reverse("practices:cluster-decide", kwargs={"code": "literacy", "pk": membership.pk}),
        {"decision": "accept"},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == ClusterRequestStatus.REQUESTED


def test_a_decided_request_cannot_be_decided_again():
    coordinator, organisation = member_city()
    membership = ask_to_join(literacy(), city=organisation.city, actor=coordinator)
    decide_request(membership, accept=True, actor=secretariat_person())

    with pytest.raises(PracticeError) as refused:
        decide_request(membership, accept=False, actor=secretariat_person())

    assert refused.value.code == "already_decided"
    membership.refresh_from_db()
    assert membership.status == ClusterRequestStatus.ACCEPTED


def test_deciding_a_request_of_another_cluster_answers_404():
    coordinator, organisation = member_city()
    membership = ask_to_join(
        Cluster.objects.get(code=ClusterCode.HEALTH), city=organisation.city, actor=coordinator
    )

    response = client_for(secretariat_person()).post(
        reverse("practices:cluster-decide", kwargs={"code": "literacy", "pk": membership.pk}),
        {"decision": "accept"},
    )

    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.status == ClusterRequestStatus.REQUESTED


def test_a_bad_decision_value_changes_nothing():
    coordinator, organisation = member_city()
    membership = ask_to_join(literacy(), city=organisation.city, actor=coordinator)

    response = client_for(secretariat_person()).post(
        reverse("practices:cluster-decide", kwargs={"code": "literacy", "pk": membership.pk}),
        {"decision": "maybe"},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == ClusterRequestStatus.REQUESTED


# --- Lead cities ----------------------------------------------------------------------------


def test_secretariat_makes_a_member_a_lead_city_through_the_page():
    cluster = literacy()
    _coordinator, _org, membership = in_cluster(cluster)

    response = client_for(secretariat_person()).post(
        reverse("practices:cluster-role", kwargs={"code": "literacy", "pk": membership.pk}),
        {"role": ClusterRole.LEAD},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == ClusterRole.LEAD
    assert ActivityLogEntry.objects.filter(action="practices.cluster.role").exists()


def test_a_lead_city_cannot_name_lead_cities():
    cluster = literacy()
    lead, _org, _m = in_cluster(cluster, lead=True)
    _coordinator, _org2, membership = in_cluster(cluster)

    response = client_for(lead).post(
        reverse("practices:cluster-role", kwargs={"code": "literacy", "pk": membership.pk}),
        {"role": ClusterRole.LEAD},
    )

    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == ClusterRole.MEMBER


def test_a_city_that_only_asked_cannot_be_made_lead():
    coordinator, organisation = member_city()
    membership = ask_to_join(literacy(), city=organisation.city, actor=coordinator)

    with pytest.raises(PracticeError) as refused:
        set_cluster_role(membership, role=ClusterRole.LEAD, actor=secretariat_person())

    assert refused.value.code == "not_in_cluster"


# --- Writing to the cluster -----------------------------------------------------------------


def test_lead_writes_to_the_cluster_one_message_per_city():
    cluster = literacy()
    lead, _org, _m = in_cluster(cluster, lead=True, name="Cork")
    member, _org2, _m2 = in_cluster(cluster)
    outsider, _org3 = member_city()
    OutboxMessage.objects.all().delete()

    response = client_for(lead).post(
        reverse("practices:cluster-message", kwargs={"code": "literacy"}),
        {"subject": "Meeting in March", "message": "We meet online on 12 March."},
    )

    assert response.status_code == 302
    sent = OutboxMessage.objects.filter(template_code="practices.cluster.message")
    assert sorted(m.recipients for m in sent) == sorted([[lead.email], [member.email]])
    assert all("Cork writes" in m.body and "12 March" in m.body for m in sent)
    assert not any(outsider.email in m.recipients for m in sent)
    assert not any(lead.email in m.body or member.email in m.body for m in sent)
    assert ActivityLogEntry.objects.filter(action="practices.cluster.message").count() == 1


def test_secretariat_writes_to_the_cluster():
    cluster = literacy()
    member, _org, _m = in_cluster(cluster)
    OutboxMessage.objects.all().delete()

    count = write_to_cluster(
        cluster, actor=secretariat_person(), subject="Hello", message="Welcome, all."
    )

    message = OutboxMessage.objects.get(template_code="practices.cluster.message")
    assert (count, message.recipients) == (1, [member.email])
    assert "The secretariat of the network writes" in message.body


@pytest.mark.parametrize("who", ["member_not_lead", "other_city", "visitor"])
def test_who_may_not_write_to_the_cluster_is_refused(who):
    cluster = literacy()
    member, _org, _m = in_cluster(cluster)
    OutboxMessage.objects.all().delete()
    user = {"member_not_lead": member, "other_city": member_city()[0], "visitor": None}[who]
    client = client_for(user)
    url = reverse("practices:cluster-message", kwargs={"code": "literacy"})

    got = client.get(url)
    posted = client.post(url, {"subject": "Hi", "message": "Buy our product."})

    if user is None:
        assert (got.status_code, posted.status_code) == (302, 302)
    else:
        assert (got.status_code, posted.status_code) == (403, 403)
        with pytest.raises(PracticeError):
            write_to_cluster(cluster, actor=user, subject="Hi", message="Buy our product.")
    assert not OutboxMessage.objects.exists()


def test_writing_an_empty_message_shows_the_error():
    cluster = literacy()
    lead, _org, _m = in_cluster(cluster, lead=True)
    OutboxMessage.objects.all().delete()

    response = client_for(lead).post(
        reverse("practices:cluster-message", kwargs={"code": "literacy"}),
        {"subject": "", "message": ""},
    )

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not OutboxMessage.objects.exists()


# --- Predicates -----------------------------------------------------------------------------


def test_predicates_truth_table():
    cluster = literacy()
    secretariat = secretariat_person()
    lead, _o1, _m1 = in_cluster(cluster, lead=True, secretariat=secretariat)
    member, _o2, _m2 = in_cluster(cluster, secretariat=secretariat)
    candidate, _o3 = member_city()
    outsider, _o4 = coordinator_and_city()
    visitor = make_user()
    people = {
        "anonymous": AnonymousUser(),
        "no role": visitor,
        "secretariat": secretariat,
        "lead": lead,
        "member": member,
        "member city not in cluster": candidate,
        "city not in the network": outsider,
    }
    table = {
        name: (
            leads_cluster(make_user_fresh(u) if u.pk else u, cluster),
            can_write_to_cluster(make_user_fresh(u) if u.pk else u, cluster),
            may_ask_to_join(make_user_fresh(u) if u.pk else u, cluster),
        )
        for name, u in people.items()
    }

    assert table == {
        "anonymous": (False, False, False),
        "no role": (False, False, False),
        "secretariat": (False, True, False),
        "lead": (True, True, False),
        "member": (False, False, False),
        "member city not in cluster": (False, False, True),
        "city not in the network": (False, False, False),
    }


# --- Pages ----------------------------------------------------------------------------------


def test_cluster_list_shows_all_seven_with_counts():
    in_cluster(literacy(), lead=True)

    response = client_for().get(reverse("practices:clusters"))

    page = response.content.decode()
    assert response.status_code == 200
    assert all(str(label) in page for label in ClusterCode.labels)
    assert "1 city · 1 lead city" in page


@pytest.mark.parametrize("cities", [1, 3])
def test_cluster_list_costs_the_same_queries(django_assert_num_queries, cities):
    secretariat = secretariat_person()
    for _ in range(cities):
        in_cluster(literacy(), secretariat=secretariat)
    client = client_for()

    with django_assert_num_queries(1):
        response = client.get(reverse("practices:clusters"))

    assert response.status_code == 200


def test_cluster_page_lists_cities_leads_and_only_published_practices():
    cluster = literacy()
    lead, lead_org, _m = in_cluster(cluster, lead=True, name="Leadtown")
    member, member_org, _m2 = in_cluster(cluster, name="Membertown")
    make_practice(
        coordinator=lead,
        organisation=lead_org,
        publish=True,
        title="Reading buses",
        clusters=[cluster],
    )
    make_practice(
        coordinator=member, organisation=member_org, title="Secret draft", clusters=[cluster]
    )

    page = client_for().get(cluster.get_absolute_url()).content.decode()

    leads_part, members_part = page.split('id="members-heading"')
    assert "Leadtown" in leads_part.split('id="leads-heading"')[1]
    assert "Membertown" in members_part
    assert "Reading buses" in page
    assert "Secret draft" not in page
    assert "We run reading clubs." not in page  # motivations are for the deciders


@pytest.mark.parametrize("cities", [1, 3])
def test_cluster_page_costs_the_same_queries(django_assert_num_queries, cities):
    secretariat = secretariat_person()
    for _ in range(cities):
        in_cluster(literacy(), secretariat=secretariat)
    client = client_for()
    url = literacy().get_absolute_url()

    # 4 for the page, 1 for the cluster meetings events adds (events.apps).
    with django_assert_num_queries(5):
        response = client.get(url)

    assert response.status_code == 200


def test_unknown_cluster_answers_404():
    response = client_for().get(reverse("practices:cluster", kwargs={"code": "astrology"}))

    assert response.status_code == 404


def test_a_registered_section_shows_on_the_cluster_page(tmp_path, settings):
    template_dir = tmp_path / "templates"
    (template_dir / "tests").mkdir(parents=True)
    (template_dir / "tests" / "_section.html").write_text("Meetings: {{ section.count }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}
    ]
    register_cluster_section(
        "test-meetings",
        title="Cluster meetings",
        template="tests/_section.html",
        build=lambda cluster: {"count": 3} if cluster.code == "literacy" else None,
    )
    try:
        literacy_page = client_for().get(literacy().get_absolute_url()).content.decode()
        health = Cluster.objects.get(code=ClusterCode.HEALTH)
        health_sections = cluster_sections(health)
    finally:
        from learningcities.practices.domain import clusters

        clusters._sections.pop("test-meetings")

    assert "Cluster meetings" in literacy_page
    assert "Meetings: 3" in literacy_page
    assert [section.key for section, _context in health_sections] == []


# --- "My work" ------------------------------------------------------------------------------


def test_work_parts_count_waiting_requests_for_secretariat_and_leads():
    cluster = literacy()
    secretariat = secretariat_person()
    lead, _org, _m = in_cluster(cluster, lead=True, secretariat=secretariat)
    member, _org2, _m2 = in_cluster(cluster, secretariat=secretariat)
    for _ in range(2):
        coordinator, organisation = member_city()
        ask_to_join(cluster, city=organisation.city, actor=coordinator)

    secretariat_work = secretariat_cluster_work(make_user_fresh(secretariat))
    lead_work = lead_cluster_work(make_user_fresh(lead))
    html = render_to_string("practices/clusters/_work.html", {"work": lead_work})

    assert [(c.code, c.waiting) for c in secretariat_work["clusters"]] == [("literacy", 2)]
    assert [(c.code, c.waiting) for c in lead_work["clusters"]] == [("literacy", 2)]
    assert "2 requests to join wait" in html
    assert lead_cluster_work(make_user_fresh(member)) is None
    assert secretariat_cluster_work(make_user_fresh(lead)) is None


@pytest.mark.parametrize("requests", [1, 3])
def test_lead_work_part_costs_the_same_queries(django_assert_num_queries, requests):
    cluster = literacy()
    lead, _org, _m = in_cluster(cluster, lead=True)
    for _ in range(requests):
        coordinator, organisation = member_city()
        ask_to_join(cluster, city=organisation.city, actor=coordinator)
    lead = make_user_fresh(lead)

    with django_assert_num_queries(4):
        work = lead_cluster_work(lead)

    assert work["clusters"][0].waiting == requests
