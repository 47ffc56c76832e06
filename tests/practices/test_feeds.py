"""RSS and Atom feeds of the library (practices/feeds.py): published practices only,
by cluster and by country, newest first, in the address's language."""

import datetime as dt
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from learningcities.common.translated import set_translation
from learningcities.practices import feeds
from learningcities.practices.domain.moderation import move_practice
from learningcities.practices.enums import PracticeStatus
from learningcities.practices.models import Cluster, Practice
from tests.calls.factories import small_framework
from tests.factories import country
from tests.practices.factories import coordinator_and_city, make_practice, secretariat_person

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _get(url: str):
    response = Client().get(url)
    assert response.status_code == 200, response.content
    return response


def _xml(response) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)  # noqa: S314 (the project's own feed)


def rss_titles(url: str) -> list[str]:
    channel = _xml(_get(url)).find("channel")
    return [item.findtext("title") for item in channel.findall("item")]


def atom_titles(url: str) -> list[str]:
    root = _xml(_get(url))
    return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]


def _in_states(**city_fields) -> dict[str, Practice]:
    """One practice of a new city in each state a visitor must not see, and one published."""
    coordinator, organisation = coordinator_and_city(**city_fields)
    secretariat = secretariat_person()

    def write(title, **data):
        return make_practice(
            coordinator=coordinator, organisation=organisation, title=title, **data
        )

    draft = write("Secret draft", clusters=[Cluster.objects.get(code="esd")])
    submitted = write("Waiting submission", clusters=[Cluster.objects.get(code="esd")])
    move_practice(submitted, PracticeStatus.SUBMITTED, actor=coordinator)
    withdrawn = write("Withdrawn practice", clusters=[Cluster.objects.get(code="esd")])
    move_practice(withdrawn, PracticeStatus.SUBMITTED, actor=coordinator)
    move_practice(withdrawn, PracticeStatus.PUBLISHED, actor=secretariat)
    move_practice(withdrawn, PracticeStatus.UNPUBLISHED, actor=secretariat, comment="Outdated.")
    returned = write("Returned practice", clusters=[Cluster.objects.get(code="esd")])
    move_practice(returned, PracticeStatus.SUBMITTED, actor=coordinator)
    move_practice(returned, PracticeStatus.RETURNED, actor=secretariat, comment="Add results.")
    published = make_practice(
        coordinator=coordinator,
        organisation=organisation,
        publish=True,
        secretariat=secretariat,
        title="Published festival",
        clusters=[Cluster.objects.get(code="esd")],
    )
    return {
        "draft": draft,
        "submitted": submitted,
        "withdrawn": withdrawn,
        "returned": returned,
        "published": published,
    }


# Only published practices ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "read"),
    [
        ("practices:feed-rss", {}, rss_titles),
        ("practices:feed-atom", {}, atom_titles),
        ("practices:cluster-feed-rss", {"code": "esd"}, rss_titles),
        ("practices:cluster-feed-atom", {"code": "esd"}, atom_titles),
        ("practices:country-feed-rss", {"code": "fr"}, rss_titles),
        ("practices:country-feed-atom", {"code": "fr"}, atom_titles),
    ],
)
def test_feeds_list_only_published_practices(name, kwargs, read):
    _in_states(country=country("FR"))

    titles = read(reverse(name, kwargs=kwargs))

    assert titles == ["Published festival"]


def test_feed_never_shows_a_draft_anywhere_in_the_document():
    practice = make_practice(title="Secret draft", summary="Nobody may read this summary yet.")

    rss = _get(reverse("practices:feed-rss")).content.decode()
    atom = _get(reverse("practices:feed-atom")).content.decode()

    assert practice.status == PracticeStatus.DRAFT
    assert ("Secret draft" in rss, "Nobody may read" in rss) == (False, False)
    assert ("Secret draft" in atom, "Nobody may read" in atom) == (False, False)
    assert f"/practices/{practice.pk}/" not in rss + atom


def test_feed_drops_characters_xml_forbids_instead_of_failing():
    make_practice(publish=True, title="Pasted\x0c title", summary="From a PDF\x0b\x1b page.")

    rss = _xml(_get(reverse("practices:feed-rss"))).find("channel/item")
    atom = _xml(_get(reverse("practices:feed-atom"))).find(f"{ATOM}entry")

    assert (rss.findtext("title"), rss.findtext("description")) == (
        "Pasted title",
        "From a PDF page.",
    )
    assert atom.findtext(f"{ATOM}title") == "Pasted title"


def test_unpublished_practice_leaves_the_feed():
    practice = make_practice(publish=True, title="Soon withdrawn")
    assert rss_titles(reverse("practices:feed-rss")) == ["Soon withdrawn"]

    move_practice(
        practice, PracticeStatus.UNPUBLISHED, actor=secretariat_person(), comment="Outdated."
    )

    assert rss_titles(reverse("practices:feed-rss")) == []


# Filters -----------------------------------------------------------------------------


def test_cluster_feed_lists_the_clusters_practices_only():
    esd, health = Cluster.objects.get(code="esd"), Cluster.objects.get(code="health")
    make_practice(publish=True, title="Green schools", clusters=[esd])
    make_practice(publish=True, title="Healthy ageing", clusters=[health])
    make_practice(publish=True, title="Both", clusters=[esd, health])
    make_practice(publish=True, title="No cluster")

    esd_titles = atom_titles(reverse("practices:cluster-feed-atom", kwargs={"code": "esd"}))
    health_titles = rss_titles(reverse("practices:cluster-feed-rss", kwargs={"code": "health"}))

    assert sorted(esd_titles) == ["Both", "Green schools"]
    assert sorted(health_titles) == ["Both", "Healthy ageing"]


def test_country_feed_lists_practices_of_the_countrys_cities_in_either_case():
    make_practice(publish=True, title="In Lyon", **_city_of("FR", "Lyon"))
    make_practice(publish=True, title="In Berlin", **_city_of("DE", "Berlin"))

    lower = rss_titles(reverse("practices:country-feed-rss", kwargs={"code": "fr"}))
    upper = atom_titles(reverse("practices:country-feed-atom", kwargs={"code": "FR"}))
    germany = rss_titles(reverse("practices:country-feed-rss", kwargs={"code": "de"}))

    assert (lower, upper, germany) == (["In Lyon"], ["In Lyon"], ["In Berlin"])


def test_country_feed_ignores_the_country_of_a_partner_city():
    _coordinator, lyon = coordinator_and_city(country=country("FR"))
    make_practice(
        publish=True, title="Shared with Lyon", partner_cities=[lyon.city], **_city_of("DE", "Kiel")
    )

    assert rss_titles(reverse("practices:country-feed-rss", kwargs={"code": "fr"})) == []


def _city_of(code: str, name: str) -> dict:
    coordinator, organisation = coordinator_and_city(country=country(code), name=name)
    return {"coordinator": coordinator, "organisation": organisation}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("practices:cluster-feed-rss", "nonsense"),
        ("practices:cluster-feed-atom", "ESD"),
        ("practices:country-feed-rss", "zz"),
        ("practices:country-feed-atom", "fra"),
        ("practices:country-feed-rss", "1é"),
    ],
)
def test_feed_of_an_unknown_cluster_or_country_answers_404(name, code):
    response = Client().get(reverse(name, kwargs={"code": code}))

    assert response.status_code == 404
    assert b"<rss" not in response.content


# Content and order -------------------------------------------------------------------


def test_rss_item_carries_link_summary_date_author_and_categories():
    framework = small_framework()
    area = framework.criteria.get(code="1.1.1").area
    practice = make_practice(
        publish=True,
        title="Learning festival",
        summary="Parks host <free> learning & games.",
        framework=framework,
        areas=[area],
        sdgs=[4, 11],
        clusters=[Cluster.objects.get(code="literacy")],
        **_city_of("FR", "Lyon"),
    )

    response = _get(reverse("practices:feed-rss"))
    item = _xml(response).find("channel/item")

    assert response["Content-Type"].startswith("application/rss+xml")
    assert item.findtext("link") == f"http://testserver/practices/{practice.pk}/"
    assert item.findtext("description") == "Parks host &lt;free&gt; learning &amp; games."
    assert item.findtext("pubDate") == _rfc2822(practice.published_at)
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Lyon"
    assert [c.text for c in item.findall("category")] == [
        "First area",
        "Quality education",
        "Sustainable cities and communities",
        "Literacy",
    ]


def _rfc2822(moment: dt.datetime) -> str:
    from django.utils.feedgenerator import rfc2822_date

    return rfc2822_date(moment)


def test_atom_entry_carries_link_summary_author_and_dates():
    practice = make_practice(publish=True, title="Atom festival", **_city_of("DE", "Kiel"))

    root = _xml(_get(reverse("practices:feed-atom")))
    entry = root.find(f"{ATOM}entry")

    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://testserver/practices/"
    assert entry.find(f"{ATOM}link").get("href") == (f"http://testserver/practices/{practice.pk}/")
    # The summary is HTML to a reader (type="html"): the plain text comes escaped.
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.findtext(f"{ATOM}summary") == escape(practice.summary)
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Kiel"
    assert entry.findtext(f"{ATOM}published") == practice.published_at.isoformat()


def test_feed_lists_newest_publication_first_and_at_most_feed_size(monkeypatch):
    now = timezone.now()
    for days, title in ((3, "Oldest"), (1, "Newest"), (2, "Middle")):
        practice = make_practice(publish=True, title=title)
        Practice.objects.filter(pk=practice.pk).update(published_at=now - dt.timedelta(days=days))
    monkeypatch.setattr(feeds, "FEED_SIZE", 2)

    assert rss_titles(reverse("practices:feed-rss")) == ["Newest", "Middle"]


def test_feed_shows_texts_in_the_addresss_language_with_fallback():
    practice = make_practice(publish=True, title="Learning festival", summary="Free workshops.")
    set_translation(practice, "fr", "title", "Fête des savoirs")
    practice.save()

    with translation.override("fr"):
        url = reverse("practices:feed-rss")
    channel = _xml(_get(url)).find("channel")
    item = channel.find("item")

    assert url == "/fr/practices/feed/rss/"
    assert channel.findtext("language") == "fr"
    assert item.findtext("title") == "Fête des savoirs"
    assert item.findtext("description") == "Free workshops."
    assert item.findtext("link") == f"http://testserver/fr/practices/{practice.pk}/"


def test_feed_title_and_link_name_the_cluster_and_the_country():
    cluster_feed = _xml(_get(reverse("practices:cluster-feed-rss", kwargs={"code": "health"})))
    country_feed = _xml(_get(reverse("practices:country-feed-atom", kwargs={"code": "vn"})))

    assert cluster_feed.findtext("channel/title") == (
        "Good practices of the cluster Health and well-being"
    )
    assert country_feed.findtext(f"{ATOM}title") == "Good practices of cities in Vietnam"
    # Each feed's page is the library with the same filter.
    assert cluster_feed.findtext("channel/link") == "http://testserver/practices/?cluster=health"
    assert country_feed.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        "http://testserver/practices/?country=VN"
    )


# Queries -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_feed_queries_do_not_grow_with_items(count, django_assert_num_queries):
    framework = small_framework()
    area = framework.criteria.get(code="1.1.1").area
    esd = Cluster.objects.get(code="esd")
    for _ in range(count):
        make_practice(publish=True, framework=framework, areas=[area], clusters=[esd])

    with django_assert_num_queries(4):
        response = Client().get(reverse("practices:cluster-feed-atom", kwargs={"code": "esd"}))

    assert len(_xml(response).findall(f"{ATOM}entry")) == count
