"""The demo library: sample practices, one per language, and one of the demo coordinator's city."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from learningcities.common.models import ActivityLogEntry
from learningcities.common.translated import source_digest
from learningcities.demo.domain.practices import ensure_demo_practices
from learningcities.network.domain.memberships import end_membership
from learningcities.practices.domain.errors import PracticeError
from learningcities.practices.domain.search import search_practices
from learningcities.practices.enums import FacetKind, PracticeStatus
from learningcities.practices.models import Practice, PracticeFacet
from tests.factories import CityFactory, country, make_member

pytestmark = pytest.mark.django_db
LANGUAGES = {"en", "fr", "es", "ar", "zh-hans", "ru", "vi"}


def _member(name: str, code: str):
    city = CityFactory(name=name, country=country(code))
    make_member(city, joined="2020-09-22")
    return city


@pytest.fixture
def demo_network():
    """A member city in a country of each language, Cork first, with the demo accounts."""
    cities = {
        "Cork": _member("Cork", "IE"),
        "Leeds": _member("Leeds", "GB"),
        "Brest": _member("Brest", "FR"),
        "Girona": _member("Girona", "ES"),
        "Giza": _member("Giza", "EG"),
        "Suzhou": _member("Suzhou", "CN"),
        "Ashgabat": _member("Ashgabat", "TM"),
        "Hanoi": _member("Hanoi", "VN"),
    }
    call_command("create-demo-accounts", stdout=io.StringIO())
    return cities


def _snapshot() -> tuple:
    return (
        sorted(Practice.objects.values_list("pk", "title", "updated_at")),
        PracticeFacet.objects.count(),
        ActivityLogEntry.objects.count(),
    )


def test_ensure_demo_practices_publishes_one_sample_per_language_and_the_coordinators(demo_network):
    result = ensure_demo_practices()

    practices = Practice.objects.order_by("pk")
    assert practices.count() == 8
    assert result.created == 8
    assert result.missing_languages == []
    assert set(practices.values_list("language", flat=True)) == LANGUAGES
    assert set(practices.values_list("is_sample", flat=True)) == {True}
    assert set(practices.values_list("status", flat=True)) == {PracticeStatus.PUBLISHED}
    by_city = dict(practices.values_list("city__name", "language"))
    assert by_city == {
        "Cork": "en",
        "Leeds": "en",
        "Brest": "fr",
        "Girona": "es",
        "Giza": "ar",
        "Suzhou": "zh-hans",
        "Ashgabat": "ru",
        "Hanoi": "vi",
    }
    for practice in practices:
        assert practice.framework.code == "key-features"
        assert practice.areas.exists()
        assert practice.features.exists()
        assert practice.clusters.exists()
        assert practice.sdgs
        assert practice.target_groups
        assert practice.started_year
        assert practice.indicators.count() == 1


def test_ensure_demo_practices_translates_the_coordinators_into_french(demo_network):
    ensure_demo_practices()

    practice = Practice.objects.get(city__name="Cork")
    french = practice.translations["fr"]
    assert french["title"]["text"].startswith("Exemple de pratique")
    assert french["title"]["source"] == source_digest(practice.title)
    assert french["summary"]["source"] == source_digest(practice.summary)
    languages = PracticeFacet.objects.filter(practice=practice, kind=FacetKind.LANGUAGE)
    assert sorted(languages.values_list("value", flat=True)) == ["en", "fr"]
    # The translation is in the search index: a French word of it finds the practice.
    found = search_practices("générations")
    assert [hit.practice_id for hit in found.hits] == [practice.pk]


def test_ensure_demo_practices_twice_changes_nothing(demo_network):
    ensure_demo_practices()
    before = _snapshot()

    result = ensure_demo_practices()

    assert _snapshot() == before
    assert result.created == 0
    assert not result.changed
    assert len(result.practices) == 8


def test_ensure_demo_practices_leaves_out_a_language_without_a_member_city(demo_network):
    membership = demo_network["Ashgabat"].memberships.get()
    end_membership(membership, status="lapsed", ended_on=dt.date(2021, 1, 1))

    result = ensure_demo_practices()

    assert result.missing_languages == ["ru"]
    assert set(Practice.objects.values_list("language", flat=True)) == LANGUAGES - {"ru"}


def test_ensure_demo_practices_texts_say_they_are_samples(demo_network):
    ensure_demo_practices()

    markers = ("Sample", "Exemple", "ejemplo", "نموذجي", "示例", "Пример", "mẫu")
    for title, summary in Practice.objects.values_list("title", "summary"):
        assert any(marker in title for marker in markers), title
        assert any(marker.casefold() in summary.casefold() for marker in markers), summary


@override_settings(PRODUCTION=True)
def test_ensure_demo_practices_refused_in_production(demo_network):
    with pytest.raises(PracticeError) as refused:
        ensure_demo_practices()

    assert refused.value.code == "production"
    assert not Practice.objects.exists()


def test_load_demo_calls_loads_the_sample_practices(demo_network):
    out = io.StringIO()
    call_command("load-demo-calls", stdout=out)

    assert Practice.objects.filter(is_sample=True).count() == 8
    assert "Sample practices: 8 in the library (8 made now;" in out.getvalue()
