"""REST API v1 of the library (practices/api.py): published practices only, the library's
filters, pages, and the thematic clusters with their cities and counts.

Until the practices router is added to the project's API (api/urls.py), these
tests serve it from an API of their own at the same address and URL names.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import path
from django.utils.module_loading import import_string
from ninja import NinjaAPI

from learningcities.api import urls as api_urls
from learningcities.common.translated import set_translation
from learningcities.network.models import NetworkRevision
from learningcities.practices.api import router
from learningcities.practices.domain.moderation import move_practice
from learningcities.practices.enums import ClusterRequestStatus, ClusterRole, PracticeStatus
from learningcities.practices.models import Cluster, ClusterMembership, Practice
from tests.calls.factories import small_framework
from tests.factories import CityFactory, country
from tests.practices.factories import coordinator_and_city, make_practice, secretariat_person


def _wired() -> bool:
    return any(registered is router for _prefix, registered in api_urls.api._routers)


_project_urls = import_string(f"{settings.ROOT_URLCONF}.urlpatterns")
if _wired():
    urlpatterns = _project_urls
else:
    _api = NinjaAPI(urls_namespace="api-v1", docs_url=None, openapi_url=None)
    for _exception, _handler in api_urls.api._exception_handlers.items():
        _api.add_exception_handler(_exception, _handler)
    _api.add_router("/", router)
    urlpatterns = [
        path("api/v1/", _api.urls),
        *(p for p in _project_urls if str(p.pattern) != "api/v1/"),
    ]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PRACTICE_KEYS = {
    "id",
    "title",
    "summary",
    "language",
    "languages",
    "city",
    "country_name",
    "region",
    "partner_cities",
    "clusters",
    "areas",
    "sdgs",
    "target_groups",
    "started_year",
    "ended_year",
    "licence",
    "licence_url",
    "is_sample",
    "published_at",
    "url",
}
DETAIL_KEYS = PRACTICE_KEYS | {
    "body",
    "body_html",
    "results",
    "results_html",
    "indicators",
    "source",
    "images",
    "attachments",
}


def _json(url: str, status: int = 200, **headers) -> dict:
    response = Client().get(url, headers=headers)
    assert response.status_code == status, response.content
    return response.json()


def _titles(url: str) -> list[str]:
    return [item["title"] for item in _json(url)["results"]]


def _city_of(code: str, name: str) -> dict:
    coordinator, organisation = coordinator_and_city(country=country(code), name=name)
    return {"coordinator": coordinator, "organisation": organisation}


@pytest.fixture
def hidden():
    """One practice in each state a visitor must not see, with a contact e-mail."""
    coordinator, organisation = coordinator_and_city()
    secretariat = secretariat_person()

    def write(title):
        return make_practice(
            coordinator=coordinator,
            organisation=organisation,
            title=title,
            contact_email="hidden@example.org",
        )

    draft = write("Secret draft")
    submitted = write("Waiting submission")
    move_practice(submitted, PracticeStatus.SUBMITTED, actor=coordinator)
    withdrawn = write("Withdrawn practice")
    move_practice(withdrawn, PracticeStatus.SUBMITTED, actor=coordinator)
    move_practice(withdrawn, PracticeStatus.PUBLISHED, actor=secretariat)
    move_practice(withdrawn, PracticeStatus.UNPUBLISHED, actor=secretariat, comment="Outdated.")
    returned = write("Returned practice")
    move_practice(returned, PracticeStatus.SUBMITTED, actor=coordinator)
    move_practice(returned, PracticeStatus.RETURNED, actor=secretariat, comment="Add results.")
    return [draft, submitted, withdrawn, returned]


# Published only ----------------------------------------------------------------------


def test_list_shows_published_practices_only(hidden):
    make_practice(publish=True, title="Published festival", contact_email="cities@example.org")

    body = _json("/api/v1/practices")

    assert (body["count"], [item["title"] for item in body["results"]]) == (
        1,
        ["Published festival"],
    )
    assert b"@example.org" not in Client().get("/api/v1/practices").content


def test_practice_detail_answers_404_for_every_unpublished_state(hidden):
    answers = [Client().get(f"/api/v1/practices/{practice.pk}").status_code for practice in hidden]
    missing = _json("/api/v1/practices/999999", status=404)

    assert answers == [404, 404, 404, 404]
    assert missing["detail"] == "There is no published practice with the id 999999."


def test_practice_detail_of_a_draft_reads_as_a_missing_id():
    draft = make_practice(title="Secret draft")

    body = _json(f"/api/v1/practices/{draft.pk}", status=404)

    assert body == {"detail": f"There is no published practice with the id {draft.pk}."}


@pytest.mark.parametrize("bad_id", ["0", "-1", "abc", str(2**63)])
def test_practice_detail_refuses_an_id_that_is_not_one(bad_id):
    body = _json(f"/api/v1/practices/{bad_id}", status=422)

    assert body["detail"][0]["loc"][-1] == "id"


# Shape -------------------------------------------------------------------------------


def test_list_item_has_the_documented_fields():
    framework = small_framework()
    area = framework.criteria.get(code="1.1.1").area
    partner = CityFactory(name="Partner town", country=country("VN"))
    practice = make_practice(
        publish=True,
        title="Learning festival",
        summary="Parks host free learning.",
        framework=framework,
        areas=[area],
        sdgs=[4],
        target_groups=["adults"],
        clusters=[Cluster.objects.get(code="literacy")],
        partner_cities=[partner],
        started_year=2020,
        **_city_of("FR", "Lyon"),
    )

    item = _json("/api/v1/practices")["results"][0]

    assert set(item) == PRACTICE_KEYS
    assert item["id"] == practice.pk
    assert item["city"] == {"id": practice.city_id, "name": "Lyon", "country": "FR"}
    assert (item["country_name"], item["region"]) == ("France", "europe_north_america")
    assert item["partner_cities"] == [{"id": partner.pk, "name": "Partner town", "country": "VN"}]
    assert item["clusters"] == [{"code": "literacy", "name": "Literacy"}]
    assert item["areas"] == [{"code": "1.1", "title": "First area"}]
    assert item["sdgs"] == [{"number": 4, "name": "Quality education"}]
    assert item["target_groups"] == [{"code": "adults", "name": "Adults"}]
    assert (item["started_year"], item["ended_year"]) == (2020, None)
    assert (item["licence"], item["licence_url"]) == (
        "CC-BY-4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    )
    assert item["url"] == f"http://testserver/practices/{practice.pk}/"
    published = practice.published_at  # JSON keeps milliseconds
    assert item["published_at"][:23] == published.isoformat()[:23]


def test_practice_detail_adds_the_texts_as_markdown_and_safe_html():
    practice = make_practice(
        publish=True,
        body="Workshops for **all** ages <script>alert(1)</script>",
        results="",
        indicators=[{"name": "Participants", "value": 1200, "unit": "people", "year": 2024}],
    )

    body = _json(f"/api/v1/practices/{practice.pk}")

    assert set(body) == DETAIL_KEYS
    assert body["body"] == "Workshops for **all** ages <script>alert(1)</script>"
    assert "<strong>all</strong>" in body["body_html"]
    assert "<script>" not in body["body_html"]
    assert (body["results"], body["results_html"]) == ("", "")
    assert body["indicators"] == [
        {"name": "Participants", "value": "1200.00", "unit": "people", "year": 2024}
    ]
    assert body["source"] == "direct"


def test_texts_come_in_the_accept_language_with_fallback():
    practice = make_practice(publish=True, title="Learning festival", summary="Free workshops.")
    set_translation(practice, "es", "title", "Festival del aprendizaje")
    practice.save()

    item = Client().get("/api/v1/practices", headers={"accept-language": "es"}).json()
    detail = (
        Client().get(f"/api/v1/practices/{practice.pk}", headers={"accept-language": "es"}).json()
    )

    result = item["results"][0]
    assert (result["title"], result["summary"]) == ("Festival del aprendizaje", "Free workshops.")
    assert (result["language"], result["languages"]) == ("en", ["en", "es"])
    assert result["sdgs"] == []
    assert detail["title"] == "Festival del aprendizaje"


# Filters -----------------------------------------------------------------------------


def test_filter_by_country_includes_partner_cities_and_ignores_case():
    lyon = CityFactory(name="Lyon", country=country("FR"))
    make_practice(publish=True, title="In Lyon", **_city_of("FR", "Lyon"))
    make_practice(
        publish=True, title="Kiel with Lyon", partner_cities=[lyon], **_city_of("DE", "Kiel")
    )
    make_practice(publish=True, title="In Berlin", **_city_of("DE", "Berlin"))

    assert sorted(_titles("/api/v1/practices?country=fr")) == ["In Lyon", "Kiel with Lyon"]
    assert sorted(_titles("/api/v1/practices?country=DE")) == ["In Berlin", "Kiel with Lyon"]
    assert _titles("/api/v1/practices?country=VN") == []


def test_filter_by_region_accepts_code_and_english_name():
    make_practice(publish=True, title="In Hanoi", **_city_of("VN", "Hanoi"))
    make_practice(publish=True, title="In Berlin", **_city_of("DE", "Berlin"))

    assert _titles("/api/v1/practices?region=asia_pacific") == ["In Hanoi"]
    assert _titles("/api/v1/practices?region=Asia%20and%20the%20Pacific") == ["In Hanoi"]
    assert _titles("/api/v1/practices?region=europe_north_america") == ["In Berlin"]


def test_filter_by_area_code_sdg_cluster_language_and_year():
    framework = small_framework()
    first, second = (framework.criteria.get(code=c).area for c in ("1.1.1", "1.2.1"))
    literacy = Cluster.objects.get(code="literacy")
    make_practice(
        publish=True,
        title="Reading clubs",
        framework=framework,
        areas=[first],
        sdgs=[4],
        clusters=[literacy],
        started_year=2018,
        ended_year=2020,
    )
    other = make_practice(
        publish=True,
        title="Green schools",
        framework=framework,
        areas=[second],
        sdgs=[13],
        started_year=2022,
        ended_year=2023,
    )
    set_translation(other, "fr", "title", "Écoles vertes")
    other.save()
    from learningcities.practices.domain.facets import refresh_facets

    refresh_facets(other)  # its new language counts, as a domain write would do

    assert _titles("/api/v1/practices?area=1.1") == ["Reading clubs"]
    assert _titles("/api/v1/practices?area=1.2") == ["Green schools"]
    assert _titles("/api/v1/practices?area=9.9") == []
    assert _titles("/api/v1/practices?sdg=4") == ["Reading clubs"]
    assert _titles("/api/v1/practices?cluster=literacy") == ["Reading clubs"]
    assert _titles("/api/v1/practices?cluster=health") == []
    assert _titles("/api/v1/practices?language=fr") == ["Green schools"]
    assert _titles("/api/v1/practices?year=2019") == ["Reading clubs"]
    assert _titles("/api/v1/practices?year=2021") == []
    assert _titles("/api/v1/practices?sdg=13&year=2023") == ["Green schools"]
    assert _titles("/api/v1/practices?sdg=4&year=2023") == []


def test_filter_q_uses_the_librarys_search_with_every_word_and_the_filters():
    literacy = Cluster.objects.get(code="literacy")
    make_practice(
        publish=True, title="Learning festival", summary="Music in the parks.", clusters=[literacy]
    )
    make_practice(publish=True, title="Festival of reading", summary="Books for everyone.")
    make_practice(title="Festival draft", summary="Music in the parks, not yet published.")

    both = _json("/api/v1/practices?q=FESTIVAL")
    with_park = _titles("/api/v1/practices?q=festival%20park")
    in_literacy = _titles("/api/v1/practices?q=festival&cluster=literacy")

    assert (both["count"], sorted(item["title"] for item in both["results"])) == (
        2,
        ["Festival of reading", "Learning festival"],
    )
    assert set(both["results"][0]) == PRACTICE_KEYS
    assert with_park == ["Learning festival"]
    assert in_literacy == ["Learning festival"]
    assert _titles("/api/v1/practices?q=festival&area=9.9") == []


def test_filter_q_pages_hold_at_most_the_searchs_page_size():
    for n in range(3):
        make_practice(publish=True, title=f"Festival {n}")

    first = _json("/api/v1/practices?q=festival&page_size=2")
    last = _json("/api/v1/practices?q=festival&page_size=2&page=2")
    wide = _json("/api/v1/practices?q=festival&page_size=500")

    assert (first["count"], len(first["results"]), last["next"]) == (3, 2, None)
    assert first["next"] == "http://testserver/api/v1/practices?q=festival&page=2&page_size=2"
    assert len(last["results"]) == 1
    assert (wide["page_size"], len(wide["results"])) == (100, 3)


@pytest.mark.parametrize(
    ("query", "count"),
    [("area=%00", 0), ("q=%00", 1), ("q=festival%00parks", 1), ("q=festival%00zebra", 0)],
)
def test_filter_with_a_nul_character_is_answered_not_failed(query, count):
    make_practice(publish=True, title="Festival", summary="In the parks.")

    body = _json(f"/api/v1/practices?{query}")

    assert body["count"] == count


def test_empty_filters_count_as_absent():
    make_practice(publish=True, title="Anything")

    titles = _titles("/api/v1/practices?q=&country=&region=&area=&cluster=&language=")

    assert titles == ["Anything"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("cluster=nonsense", "cluster"),
        ("country=FRA", "country"),
        ("country=1é", "country"),
        ("region=mars", "region"),
        ("region=AFRICA", "region"),
        ("cluster=%20literacy", "cluster"),
        ("area=" + "1" * 21, "area"),
        ("q=" + "a" * 201, "q"),
        ("language=xx", "language"),
        ("sdg=18", "sdg"),
        ("sdg=0", "sdg"),
        ("year=1800", "year"),
        ("year=abc", "year"),
        ("page=0", "page"),
        ("page_size=100000", "page_size"),
    ],
)
def test_invalid_filter_is_refused_with_its_name(query, name):
    body = _json(f"/api/v1/practices?{query}", status=422)

    assert [item["loc"][-1] for item in body["detail"]] == [name]


# Pages and order ---------------------------------------------------------------------


def test_list_is_paged_newest_publication_first_with_filters_in_links():
    now = dt.datetime.now(dt.UTC)
    literacy = Cluster.objects.get(code="literacy")
    for days, title in ((3, "Oldest"), (1, "Newest"), (2, "Middle")):
        practice = make_practice(publish=True, title=title, clusters=[literacy])
        Practice.objects.filter(pk=practice.pk).update(published_at=now - dt.timedelta(days=days))

    first = _json("/api/v1/practices?cluster=literacy&page_size=2")
    second = _json("/api/v1/practices?cluster=literacy&page_size=2&page=2")
    beyond = _json("/api/v1/practices?cluster=literacy&page_size=2&page=3")

    assert [item["title"] for item in first["results"]] == ["Newest", "Middle"]
    assert (first["count"], first["page"], first["previous"]) == (3, 1, None)
    assert first["next"] == (
        "http://testserver/api/v1/practices?cluster=literacy&page=2&page_size=2"
    )
    assert [item["title"] for item in second["results"]] == ["Oldest"]
    assert second["next"] is None
    assert (beyond["count"], beyond["results"]) == (3, [])


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow_with_items(count, django_assert_num_queries):
    framework = small_framework()
    area = framework.criteria.get(code="1.1.1").area
    for _ in range(count):
        make_practice(
            publish=True,
            framework=framework,
            areas=[area],
            clusters=[Cluster.objects.get(code="esd")],
            partner_cities=[CityFactory()],
        )

    # The revisions (library and register in one query, kept by the process on
    # PostgreSQL), the count, the page and its relations.
    with django_assert_num_queries(6):
        body = _json("/api/v1/practices?cluster=esd")
    # Then served from the cache: the revisions alone.
    with django_assert_num_queries(1):
        again = _json("/api/v1/practices?cluster=esd")

    assert len(body["results"]) == count
    assert again == body


def test_the_list_follows_a_publication_before_the_register_has_a_revision():
    NetworkRevision.objects.all().delete()
    make_practice(publish=True, title="Parks that teach")
    first = [p["title"] for p in _json("/api/v1/practices")["results"]]

    NetworkRevision.objects.all().delete()
    make_practice(publish=True, title="Libraries that travel")
    second = [p["title"] for p in _json("/api/v1/practices")["results"]]

    assert (first, sorted(second)) == (
        ["Parks that teach"],
        ["Libraries that travel", "Parks that teach"],
    )


def test_the_list_follows_a_practice_published_on_the_next_request():
    make_practice(publish=True, title="Parks that teach")
    assert [p["title"] for p in _json("/api/v1/practices")["results"]] == ["Parks that teach"]

    make_practice(publish=True, title="Libraries that travel")

    titles = [p["title"] for p in _json("/api/v1/practices")["results"]]
    assert titles == ["Libraries that travel", "Parks that teach"]


# Clusters ----------------------------------------------------------------------------


def _member(cluster, name, *, role=ClusterRole.MEMBER, status=ClusterRequestStatus.ACCEPTED):
    city = CityFactory(name=name, country=country("FR"))
    ClusterMembership.objects.create(cluster=cluster, city=city, role=role, status=status)
    return city


def test_clusters_list_all_seven_with_leads_and_counts():
    literacy = Cluster.objects.get(code="literacy")
    lead = _member(literacy, "Lead town", role=ClusterRole.LEAD)
    _member(literacy, "Member town")
    _member(literacy, "Asking town", status=ClusterRequestStatus.REQUESTED)
    _member(literacy, "Declined town", status=ClusterRequestStatus.DECLINED)
    make_practice(publish=True, clusters=[literacy])
    make_practice(publish=True, clusters=[literacy])
    make_practice(title="Draft", clusters=[literacy])

    results = _json("/api/v1/clusters")["results"]
    by_code = {cluster["code"]: cluster for cluster in results}

    assert [cluster["code"] for cluster in results] == [
        "esd",
        "equity",
        "planning",
        "gced",
        "entrepreneurship",
        "health",
        "literacy",
    ]
    assert by_code["literacy"] == {
        "code": "literacy",
        "name": "Literacy",
        "description": "",
        "lead_cities": [{"id": lead.pk, "name": "Lead town", "country": "FR"}],
        "member_count": 2,
        "practice_count": 2,
    }
    assert (by_code["health"]["member_count"], by_code["health"]["practice_count"]) == (0, 0)


def test_cluster_detail_lists_accepted_members_by_name_with_roles():
    health = Cluster.objects.get(code="health")
    zulu = _member(health, "Zulu town")
    alpha = _member(health, "Alpha town", role=ClusterRole.LEAD)
    _member(health, "Asking town", status=ClusterRequestStatus.REQUESTED)

    body = _json("/api/v1/clusters/health")

    assert body["name"] == "Health and well-being"
    assert body["members"] == [
        {"id": alpha.pk, "name": "Alpha town", "country": "FR", "role": "lead"},
        {"id": zulu.pk, "name": "Zulu town", "country": "FR", "role": "member"},
    ]
    assert body["lead_cities"] == [{"id": alpha.pk, "name": "Alpha town", "country": "FR"}]
    assert body["member_count"] == 2


@pytest.mark.parametrize("code", ["nonsense", "LITERACY"])
def test_cluster_detail_of_an_unknown_code_answers_404(code):
    body = _json(f"/api/v1/clusters/{code}", status=404)

    assert body == {"detail": f"There is no cluster with the code {code}."}


def test_cluster_detail_of_a_code_with_a_nul_answers_404():
    # PostgreSQL refuses a NUL in a text parameter: the code never reaches it.
    assert Client().get("/api/v1/clusters/lit%00eracy").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("url", ["/api/v1/clusters", "/api/v1/clusters/literacy"])
def test_cluster_queries_do_not_grow_with_members(url, count, django_assert_num_queries):
    literacy = Cluster.objects.get(code="literacy")
    for n in range(count):
        _member(literacy, f"Town {n}")

    with django_assert_num_queries(2):
        _json(url)
