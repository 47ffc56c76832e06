"""Cities like mine (region, size, clusters, complementary strengths) and relayed contact."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from learningcities.accounts.enums import Role
from learningcities.calls.domain.submissions import save_answer, start_submission
from learningcities.calls.domain.transitions import transition
from learningcities.calls.enums import SubmissionState
from learningcities.common.models import ActivityLogEntry, OutboxMessage
from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.models import Area
from learningcities.network.domain.cities import save_city
from learningcities.practices.domain.clusters import ask_to_join, decide_request
from learningcities.practices.domain.errors import PracticeError
from learningcities.practices.domain.peers import (
    CONTACT_LIMIT_PER_DAY,
    peers_for_city,
    peers_work,
    send_contact_request,
    size_band,
    weakest_areas,
)
from learningcities.practices.enums import ClusterCode
from learningcities.practices.models import Cluster, ContactRequest
from tests.accounts.factories import person_with_role
from tests.calls.factories import fill_in, make_call
from tests.factories import country, make_member
from tests.practices.factories import coordinator_and_city, make_practice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]


def member_city(**city_fields):
    """Return ``(coordinator, organisation)`` of a new member city of the network."""
    coordinator, organisation = coordinator_and_city(**city_fields)
    make_member(organisation.city)
    return coordinator, organisation


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fresh(user):
    return type(user).objects.get(pk=user.pk)


# --- Size bands -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "band"),
    [(None, None), (0, 0), (99_999, 0), (100_000, 1), (999_999, 2), (1_000_000, 3), (9**9, 4)],
)
def test_size_band(population, band):
    assert size_band(population) == band


# --- Region, size, clusters -----------------------------------------------------------------


def test_peers_match_region_and_size_and_say_why():
    _c, mine = member_city(name="Cork", country=country("IE"), population=2_000_000)
    _c2, same_both = member_city(name="Espoo", country=country("FI"), population=3_000_000)
    _c3, same_region = member_city(name="Graz", country=country("AT"), population=300_000)
    _c4, same_size = member_city(name="Nairobi", country=country("KE"), population=4_000_000)
    member_city(name="Apia", country=country("WS"), population=40_000)  # nothing in common

    matches = peers_for_city(mine.city)

    assert [(m.city, m.reasons) for m in matches] == [
        (same_both.city, ["Same region", "Similar size (1 to 5 million people)"]),
        (same_region.city, ["Same region"]),
        (same_size.city, ["Similar size (1 to 5 million people)"]),
    ]


def test_peers_leave_out_the_city_itself_and_cities_not_in_the_network():
    _c, mine = member_city(name="Cork")
    coordinator_and_city(name="Applicant")  # same region and size, not a member
    _c2, former = coordinator_and_city(name="Former")
    make_member(former.city, ended=dt.date(2022, 1, 1))

    assert peers_for_city(mine.city) == []


def test_peers_in_a_shared_cluster_say_so_and_come_first():
    cluster = Cluster.objects.get(code=ClusterCode.LITERACY)
    secretariat = person_with_role(Role.SECRETARIAT)
    cities = {}
    for name, population in (("Cork", 200_000), ("Alpha", 200_000), ("Zeta", 9_000_000)):
        coordinator, organisation = member_city(name=name, population=population)
        cities[name] = organisation.city
        if name != "Alpha":
            membership = ask_to_join(cluster, city=organisation.city, actor=coordinator)
            decide_request(membership, accept=True, actor=secretariat)

    matches = peers_for_city(cities["Cork"])

    assert [(m.city.name, m.reasons) for m in matches] == [
        ("Zeta", ["Also in the Literacy cluster", "Same region"]),
        ("Alpha", ["Same region", "Similar size (100,000 to 500,000 people)"]),
    ]


def test_peers_limit():
    _c, mine = member_city()
    for _ in range(4):
        member_city()

    assert len(peers_for_city(mine.city, limit=3)) == 3


# --- Complementary strengths ----------------------------------------------------------------


def rated_framework():
    """A framework of three areas, one rating question (1 to 3) in each."""
    areas = [
        {
            "code": f"1.{n}",
            "title": title,
            "criteria": [
                {
                    "code": f"1.{n}.1",
                    "title": f"How strong is {title.lower()}?",
                    "answer_type": "rating",
                    "scale": {"min": 1, "max": 3, "levels": ["Low", "Mid", "High"]},
                }
            ],
        }
        for n, title in ((1, "Adult literacy"), (2, "Workplace learning"), (3, "Families"))
    ]
    document = {
        "code": "peer-framework",
        "version": "1.0",
        "name": "Peer framework",
        "sections": [{"code": "1", "title": "Building blocks", "areas": areas}],
    }
    return load_framework(document, record=False).framework


def apply_with_ratings(call, coordinator, organisation, ratings: dict[str, int]):
    """Submit the city's application to ``call`` rating each area code as given."""
    submission = fill_in(
        start_submission(call, city=organisation.city, actor=coordinator), coordinator
    )
    for criterion in call.framework.criteria.select_related("area"):
        save_answer(submission, criterion, actor=coordinator, value=ratings[criterion.area.code])
    return transition(submission, SubmissionState.SUBMITTED, actor=coordinator)


@pytest.fixture
def strengths():
    """Cork rated itself weakest in adult literacy; Bilbao published a practice there,
    Espoo rated itself strong there, Graz weak there too."""
    framework = rated_framework()
    call = make_call(framework=framework)
    people = {}
    for name, ratings in (
        ("Cork", {"1.1": 1, "1.2": 3, "1.3": 3}),
        ("Espoo", {"1.1": 3, "1.2": 1, "1.3": 2}),
        ("Graz", {"1.1": 1, "1.2": 2, "1.3": 2}),
        ("Bilbao", None),
    ):
        coordinator, organisation = coordinator_and_city(
            name=name, country=country("IE"), population=(1 if name == "Cork" else 9) * 10**6
        )
        if ratings:
            apply_with_ratings(call, coordinator, organisation, ratings)
        make_member(organisation.city)
        people[name] = (coordinator, organisation)
    literacy = Area.objects.get(section__framework=framework, code="1.1")
    coordinator, organisation = people["Bilbao"]
    make_practice(
        coordinator=coordinator,
        organisation=organisation,
        publish=True,
        title="Reading buses",
        areas=[literacy],
    )
    return people, literacy


def test_weakest_areas_come_from_the_latest_submitted_application(strengths):
    people, literacy = strengths

    assert weakest_areas(people["Cork"][1].city) == [literacy.pk]


def test_cities_strong_where_the_city_is_weak_match_and_say_why(strengths):
    people, _literacy = strengths

    matches = peers_for_city(people["Cork"][1].city)

    assert [(m.city.name, m.reasons) for m in matches] == [
        (
            "Bilbao",
            [
                "Published a practice on 1.1 Adult literacy, where you rated yourself lowest",
                "Same region",
            ],
        ),
        (
            "Espoo",
            [
                "Rated itself strong in 1.1 Adult literacy, where you rated yourself lowest",
                "Same region",
            ],
        ),
        ("Graz", ["Same region"]),
    ]


def test_peers_cost_the_same_queries_for_few_and_many_cities(
    strengths, django_assert_max_num_queries
):
    people, _literacy = strengths
    city = people["Cork"][1].city
    with django_assert_max_num_queries(9) as few:
        peers_for_city(city)
    for _ in range(5):
        member_city(country=country("IE"))

    with django_assert_max_num_queries(9) as many:
        matches = peers_for_city(city)

    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(matches) == 6


# --- The peers page -------------------------------------------------------------------------


def test_coordinator_sees_peers_with_reasons_and_no_address():
    coordinator, mine = member_city(name="Cork")
    peer_coordinator, peer = member_city(name="Espoo")
    save_city(
        country=peer.city.country,
        name=peer.city.name,
        contact_email="public-contact@espoo.example",
    )

    response = client_for(coordinator).get(reverse("practices:peers", kwargs={"pk": mine.city.pk}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Espoo" in page
    assert "Same region" in page
    assert f'action="{reverse("practices:contact-city", kwargs={"pk": peer.city.pk})}"' in page
    assert peer_coordinator.email not in page
    assert "public-contact@espoo.example" not in page


def test_visitor_is_sent_to_log_in_from_the_peers_page():
    _coordinator, mine = member_city()

    response = client_for().get(reverse("practices:peers", kwargs={"pk": mine.city.pk}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_coordinator_of_another_city_cannot_open_the_peers_page():
    _coordinator, mine = member_city()
    other, _other_org = member_city()

    response = client_for(other).get(reverse("practices:peers", kwargs={"pk": mine.city.pk}))

    assert response.status_code == 403


def test_secretariat_reads_the_peers_page_without_forms():
    _coordinator, mine = member_city()
    member_city(name="Espoo")

    response = client_for(person_with_role(Role.SECRETARIAT, totp=True)).get(
        reverse("practices:peers", kwargs={"pk": mine.city.pk})
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Espoo" in page
    assert "/write/" not in page


# --- Contact requests -----------------------------------------------------------------------


def test_contact_request_is_relayed_to_the_other_city_without_addresses():
    coordinator, mine = member_city(name="Cork")
    save_city(country=mine.city.country, name="Cork", contact_email="office@cork.example")
    peer_coordinator, peer = member_city(name="Espoo")
    OutboxMessage.objects.all().delete()

    response = client_for(coordinator).post(
        reverse("practices:contact-city", kwargs={"pk": peer.city.pk}),
        {"from_city": mine.city.pk, "message": "How do your libraries run reading buses?"},
    )

    assert response.status_code == 302
    request = ContactRequest.objects.get()
    assert (request.from_city, request.to_city, request.sender) == (
        mine.city,
        peer.city,
        coordinator,
    )
    message = OutboxMessage.objects.get(template_code="practices.contact.request")
    assert message.recipients == [peer_coordinator.email]
    assert "Cork writes to Espoo" in message.subject
    assert "How do your libraries run reading buses?" in message.body
    assert reverse("practices:contact-city", kwargs={"pk": mine.city.pk}) in message.body
    assert coordinator.email not in message.body + message.subject
    assert "office@cork.example" not in message.body
    entry = ActivityLogEntry.objects.get(action="practices.contact.request")
    assert "reading buses" not in str(entry.changes)


def test_contact_requests_are_limited_per_city_and_day():
    coordinator, mine = member_city()
    _peer_coordinator, peer = member_city()
    for _ in range(CONTACT_LIMIT_PER_DAY):
        send_contact_request(
            from_city=mine.city, to_city=peer.city, actor=coordinator, message="Hi"
        )

    response = client_for(coordinator).post(
        reverse("practices:contact-city", kwargs={"pk": peer.city.pk}),
        {"from_city": mine.city.pk, "message": "One more"},
    )

    assert response.status_code == 409
    assert "Please try again tomorrow" in response.content.decode()
    assert ContactRequest.objects.count() == CONTACT_LIMIT_PER_DAY


def test_contact_limit_counts_only_the_last_day():
    coordinator, mine = member_city()
    _peer_coordinator, peer = member_city()
    for _ in range(CONTACT_LIMIT_PER_DAY):
        send_contact_request(
            from_city=mine.city, to_city=peer.city, actor=coordinator, message="Hi"
        )
    ContactRequest.objects.update(created_at=timezone.now() - dt.timedelta(days=1, minutes=1))

    send_contact_request(from_city=mine.city, to_city=peer.city, actor=coordinator, message="Hi")

    assert ContactRequest.objects.count() == CONTACT_LIMIT_PER_DAY + 1


def test_contact_refused_in_the_name_of_another_city():
    _coordinator, mine = member_city()
    stranger, _stranger_org = member_city()
    _peer_coordinator, peer = member_city()

    with pytest.raises(PracticeError) as refused:
        send_contact_request(from_city=mine.city, to_city=peer.city, actor=stranger, message="Hi")
    response = client_for(stranger).post(
        reverse("practices:contact-city", kwargs={"pk": peer.city.pk}),
        {"from_city": mine.city.pk, "message": "Hi"},
    )

    assert refused.value.code == "not_permitted"
    assert response.status_code == 400  # not one of the cities offered in the form
    assert not ContactRequest.objects.exists()


def test_contact_refused_to_a_city_without_coordinator():
    coordinator, mine = member_city()
    _c, peer = member_city()
    peer_coordinator = peer.affiliations.get().user
    peer_coordinator.is_active = False
    peer_coordinator.save(update_fields=["is_active"])

    with pytest.raises(PracticeError) as refused:
        send_contact_request(
            from_city=mine.city, to_city=peer.city, actor=coordinator, message="Hi"
        )

    assert refused.value.code == "no_recipients"
    assert not ContactRequest.objects.exists()


def test_empty_message_shows_the_error():
    coordinator, mine = member_city()
    _c, peer = member_city()

    response = client_for(coordinator).post(
        reverse("practices:contact-city", kwargs={"pk": peer.city.pk}),
        {"from_city": mine.city.pk, "message": "   "},
    )

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ContactRequest.objects.exists()


@pytest.mark.parametrize("who", ["visitor", "secretariat", "own_city_only"])
def test_who_may_not_write_to_a_city_is_refused(who):
    coordinator, mine = member_city()
    user = {
        "visitor": None,
        "secretariat": person_with_role(Role.SECRETARIAT, totp=True),
        "own_city_only": coordinator,
    }[who]
    url = reverse("practices:contact-city", kwargs={"pk": mine.city.pk})

    got = client_for(user).get(url)
    posted = client_for(user).post(url, {"message": "Hi"})

    expected = 302 if user is None else 403
    assert (got.status_code, posted.status_code) == (expected, expected)
    assert not ContactRequest.objects.exists()


def test_contact_page_shows_no_address_of_the_city():
    coordinator, _mine = member_city()
    peer_coordinator, peer = member_city(name="Espoo")
    save_city(country=peer.city.country, name="Espoo", contact_email="office@espoo.example")

    response = client_for(fresh(coordinator)).get(
        reverse("practices:contact-city", kwargs={"pk": peer.city.pk})
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Write to Espoo" in page
    assert "office@espoo.example" not in page
    assert peer_coordinator.email not in page


def test_peers_snippet_renders_alone_for_a_city_page():
    _c, mine = member_city(name="Cork")
    member_city(name="Espoo")

    html = render_to_string(
        "practices/peers/_peers.html", {"peer_matches": peers_for_city(mine.city)}
    )

    assert "<h3><a href=" in html
    assert "Espoo" in html
    assert "Same region" in html
    assert "<form" not in html


def test_work_part_shows_each_coordinated_city_with_its_best_matches():
    coordinator, mine = member_city(name="Cork")
    member_city(name="Espoo")

    work = peers_work(fresh(coordinator))
    html = render_to_string("practices/peers/_work.html", {"work": work})

    assert [(e["city"], [m.city.name for m in e["matches"]]) for e in work["cities"]] == [
        (mine.city, ["Espoo"])
    ]
    assert "<h4><a href=" in html
    assert reverse("practices:peers", kwargs={"pk": mine.city.pk}) in html
    assert peers_work(person_with_role(Role.SECRETARIAT)) is None


def test_work_part_keeps_matches_until_the_register_or_the_library_changes():
    cluster = Cluster.objects.get(code=ClusterCode.LITERACY)
    secretariat = person_with_role(Role.SECRETARIAT)
    coordinator, mine = member_city(name="Cork", population=200_000)
    membership = ask_to_join(cluster, city=mine.city, actor=coordinator)
    decide_request(membership, accept=True, actor=secretariat)
    other_coordinator, other = member_city(name="Zeta", population=9_000_000)

    def reasons():
        entry = peers_work(fresh(coordinator))["cities"][0]
        return [(m.city.name, m.reasons) for m in entry["matches"]]

    assert reasons() == [("Zeta", ["Same region"])]

    # A cluster's members move the library's revision on: the cached matches go.
    membership = ask_to_join(cluster, city=other.city, actor=other_coordinator)
    decide_request(membership, accept=True, actor=secretariat)
    assert reasons() == [("Zeta", ["Also in the Literacy cluster", "Same region"])]

    # A city joining the network moves the register's revision on.
    member_city(name="Alpha", population=200_000)
    assert [name for name, _reasons in reasons()] == ["Zeta", "Alpha"]


def test_a_member_city_page_shows_cities_like_it_with_public_reasons_only(strengths):
    people, _literacy = strengths
    cork = people["Cork"][1].city
    page = Client().get(cork.get_absolute_url()).text

    assert "Cities like this one" in page
    assert "Espoo" in page
    # Self-ratings of applications are not public: no reason drawn from them.
    assert "rated yourself" not in page
    assert "Rated itself" not in page


def test_a_city_that_is_not_a_member_shows_no_cities_like_it():
    _coordinator, organisation = coordinator_and_city(name="Cork")
    member_city(name="Espoo")
    assert "Cities like this one" not in Client().get(organisation.city.get_absolute_url()).text
