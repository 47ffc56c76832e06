"""The library's search, on whichever database the suite runs (SQLite or PostgreSQL).

Practices are written and published through the domain, so the index is
the one the writers keep; expected counts are computed from the practices.
"""

import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from learningcities.common.translated import set_translation
from learningcities.practices.domain.errors import PracticeError
from learningcities.practices.domain.moderation import move_practice
from learningcities.practices.domain.practices import update_practice
from learningcities.practices.domain.search import (
    QUERY_WORDS,
    index_practice,
    query_words,
    rebuild_index,
    search_practices,
)
from learningcities.practices.enums import FacetKind, PracticeStatus
from learningcities.practices.models import PracticeFacet
from tests.factories import country
from tests.practices.factories import coordinator_and_city, make_practice, secretariat_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    # The factories make a few users per practice; the real hasher would take most of the time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def found(query="", **kwargs) -> list[int]:
    return [hit.practice_id for hit in search_practices(query, **kwargs).hits]


def test_search_folds_case_and_diacritics():
    coordinator, organisation = coordinator_and_city(name="Sơn La", country=country("VN"))
    practice = make_practice(
        coordinator=coordinator,
        organisation=organisation,
        publish=True,
        title="Học tập suốt đời ở Sơn La",
        body="Les écoles du soir à Đà Nẵng et Genève.",
    )
    make_practice(publish=True, title="Reading circles", body="Books for everyone.")
    for query in ("Sơn La", "Son La", "SON LA", "son la", "hoc tap", "ecoles", "ÉCOLES", "geneve"):
        assert found(query) == [practice.pk], query
    # Letters FTS5 keeps apart from their base letter are folded too.
    assert found("Da Nang") == [practice.pk]
    assert found("Đà Nẵng") == [practice.pk]


def test_search_finds_city_and_country_names():
    coordinator, organisation = coordinator_and_city(name="Ōsaka Bay", country=country("VN"))
    practice = make_practice(coordinator=coordinator, organisation=organisation, publish=True)
    make_practice(publish=True)
    assert found("osaka") == [practice.pk]
    # The country in English and in the platform's other languages (CLDR names).
    assert found("Vietnam") == [practice.pk]
    assert found("Viêt Nam") == [practice.pk]


def test_search_finds_translations():
    practice = make_practice(publish=True, title="Learning festival", body="Workshops.")
    set_translation(practice, "fr", "title", "Fête de l'apprentissage")
    practice.save()
    index_practice(practice)
    assert found("fete apprentissage") == [practice.pk]


def test_edited_practice_is_found_by_new_words_only():
    coordinator, organisation = coordinator_and_city()
    practice = make_practice(
        coordinator=coordinator, organisation=organisation, publish=True, body="Gardening club."
    )
    assert found("gardening") == [practice.pk]
    update_practice(practice, actor=coordinator, data={"body": "Astronomy evenings."})
    assert found("gardening") == []
    assert found("astronomy") == [practice.pk]


def test_edited_practice_is_found_by_its_new_tags_only():
    coordinator, organisation = coordinator_and_city()
    practice = make_practice(
        coordinator=coordinator, organisation=organisation, publish=True, sdgs=[4]
    )
    assert found("festival", filters={"sdg": ["4"]}) == [practice.pk]
    update_practice(practice, actor=coordinator, data={"sdgs": [13]})
    assert found("festival", filters={"sdg": ["4"]}) == []
    assert found("festival", filters={"sdg": ["13"]}) == [practice.pk]
    assert dict(search_practices("festival").facets["sdg"]) == {"13": 1}


def test_unpublished_and_draft_practices_are_not_found():
    practice = make_practice(publish=True, title="Beekeeping for beginners")
    make_practice(title="Beekeeping draft")
    assert found("beekeeping") == [practice.pk]
    move_practice(
        practice, PracticeStatus.UNPUBLISHED, actor=secretariat_person(), comment="Outdated."
    )
    assert search_practices("beekeeping").total == 0
    assert found() == []


def test_deleted_practice_leaves_the_index():
    practice = make_practice(publish=True, title="Kite flying")
    PracticeFacet.objects.filter(practice=practice).delete()
    practice.delete()
    assert search_practices("kite").total == 0


def test_hits_are_ranked_and_snippets_marked_and_escaped():
    weak = make_practice(
        publish=True, title="Music", body="Once a year <b>we</b> also talk about compost."
    )
    strong = make_practice(
        publish=True,
        title="Compost in every school",
        body="Compost <script>alert(1)</script> bins and compost lessons.",
    )
    result = search_practices("compost")
    assert [hit.practice_id for hit in result.hits] == [strong.pk, weak.pk]
    assert result.hits[0].rank > result.hits[1].rank
    weak_snippet = result.hits[1].snippet
    assert "<mark>compost</mark>" in weak_snippet
    # Raw HTML in Markdown is text (common.markdown): escaped, or left out by ts_headline.
    assert re.sub(r"</?mark>", "", weak_snippet).count("<") == 0
    strong_snippet = result.hits[0].snippet
    assert "<script>" not in strong_snippet
    assert re.sub(r"</?mark>", "", strong_snippet).count("<") == 0


def test_empty_query_lists_newest_first_with_summary_snippets():
    first = make_practice(publish=True, summary="First <one> & only.")
    second = make_practice(publish=True)
    make_practice()
    result = search_practices("")
    assert result.total == 2
    assert [hit.practice_id for hit in result.hits] == [second.pk, first.pk]
    assert result.hits[1].snippet == "First &lt;one&gt; &amp; only."


def test_pages():
    practices = [make_practice(publish=True, title=f"Chess club {n}") for n in range(5)]
    newest_first = [p.pk for p in reversed(practices)]
    assert found(page=1, per_page=2) == newest_first[:2]
    assert found(page=3, per_page=2) == newest_first[4:]
    assert found(page=4, per_page=2) == []
    assert search_practices("chess", page=2, per_page=2).total == 5
    assert len(search_practices("chess", page=2, per_page=2).hits) == 2


def test_last_word_matches_as_a_prefix():
    practice = make_practice(publish=True, title="Photography walks")
    assert found("photog") == [practice.pk]
    assert found("photog walks") == []


def _library():
    """Practices with known tags; return them."""
    vn_coordinator, vn_city = coordinator_and_city(country=country("VN"))
    return [
        make_practice(publish=True, title="Alpha literacy", sdgs=[4], target_groups=["adults"]),
        make_practice(
            publish=True, title="Beta literacy", sdgs=[4, 5], target_groups=["women_girls"]
        ),
        make_practice(
            coordinator=vn_coordinator,
            organisation=vn_city,
            publish=True,
            title="Gamma literacy",
            sdgs=[5],
            target_groups=["adults", "youth"],
        ),
        make_practice(publish=True, title="Delta gardens", sdgs=[4], target_groups=["adults"]),
        make_practice(title="Epsilon literacy draft", sdgs=[4]),
    ]


def _expected_counts(practices) -> dict[str, list[tuple[str, int]]]:
    counts = Counter(
        (facet.kind, facet.value)
        for practice in practices
        for facet in PracticeFacet.objects.filter(practice=practice)
    )
    expected = {kind: [] for kind in FacetKind.values}
    for (kind, value), count in counts.items():
        expected[kind].append((value, count))
    for values in expected.values():
        values.sort(key=lambda pair: (-pair[1], pair[0]))
    return expected


def test_facet_counts_equal_the_result_set():
    alpha, beta, gamma, delta, _draft = _library()
    result = search_practices("literacy", per_page=1)
    assert result.total == 3
    assert len(result.hits) == 1
    assert result.facets == _expected_counts([alpha, beta, gamma])
    assert dict(result.facets["sdg"]) == {"4": 2, "5": 2}
    assert result.facets["country"] == [("DE", 2), ("VN", 1)]
    everything = search_practices("")
    assert everything.facets == _expected_counts([alpha, beta, gamma, delta])


def test_filters_combine_or_within_a_kind_and_across_kinds():
    alpha, beta, gamma, delta, _draft = _library()
    assert set(found(filters={"sdg": ["4"]})) == {alpha.pk, beta.pk, delta.pk}
    assert set(found(filters={"sdg": ["4", "5"]})) == {alpha.pk, beta.pk, gamma.pk, delta.pk}
    both = {"sdg": ["5"], "target_group": ["adults"]}
    assert found(filters=both) == [gamma.pk]
    assert set(found("literacy", filters={"sdg": ["4"]})) == {alpha.pk, beta.pk}
    filtered = search_practices(
        "literacy", filters={"sdg": ["4", "5"], "target_group": ["adults", "youth"]}
    )
    assert {hit.practice_id for hit in filtered.hits} == {alpha.pk, gamma.pk}
    assert filtered.total == 2
    assert filtered.facets == _expected_counts([alpha, gamma])
    assert found(filters={"country": ["VN"], "sdg": ["4"]}) == []


def test_unknown_facet_kind_is_refused():
    with pytest.raises(PracticeError):
        search_practices("x", filters={"colour": ["red"]})


def test_filter_values_with_a_control_character_are_left_out():
    practice = make_practice(publish=True, title="Reading boats")
    # PostgreSQL refuses a NUL in a text parameter: such a value never reaches it.
    result = search_practices("reading", filters={"country": ["\x00", "DE\x00"]})
    assert [hit.practice_id for hit in result.hits] == [practice.pk]
    assert search_practices("", filters={"country": ["\x00"], "area": ["1"]}).total == 0


def test_empty_result_suggests_a_broader_search():
    _library()
    # A filter too many: dropped first, the words kept.
    result = search_practices("gardens", filters={"sdg": ["5"]})
    assert (result.total, result.hits) == (0, [])
    assert result.suggestion == {"query": "gardens", "filters": {}}
    assert search_practices(**result.suggestion).total == 1
    # Two filters: dropping one is enough.
    result = search_practices("literacy", filters={"sdg": ["4"], "country": ["VN"]})
    assert result.suggestion == {"query": "literacy", "filters": {"sdg": ["4"]}}
    # A word nothing has: dropped.
    result = search_practices("literacy xylophone")
    assert result.suggestion == {"query": "literacy", "filters": {}}
    assert search_practices("gardens").suggestion is None


@pytest.mark.parametrize(
    "query",
    [
        '"foo AND (',
        "foo OR bar NOT",
        "NEAR(a b, 3)",
        "*",
        "title:foo",
        "a & b | !c <-> d:*",
        "'; DROP TABLE practices_search; --",
        "\\ ' \" ^ - + ( ) { } [ ] : * %s %% ?",
        "\x00 \ue000 null",
        "literacy " * 200,
        "x" * 5000,
        "ﷺ 🎉 👩‍👩‍👧 ",
        "_ __ ___",
    ],
)
def test_hostile_queries_do_not_error(query):
    _library()
    result = search_practices(query)
    assert result.total >= 0
    assert len(query_words(query)) <= QUERY_WORDS


def test_syntax_words_are_searched_as_words():
    practice = make_practice(publish=True, title="Near and far: not or and")
    assert found('"near AND (') == [practice.pk]
    assert found("NOT or") == [practice.pk]


def test_rebuild_index_and_command(capsys):
    _library()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM practices_search")
    assert search_practices("literacy").total == 0
    assert rebuild_index() == 4
    assert search_practices("literacy").total == 3
    call_command("index-practices")
    assert re.fullmatch(
        r"Indexed 4 published practices in \d+\.\d\d s\.\n", capsys.readouterr().out
    )
    assert search_practices("literacy").total == 3
