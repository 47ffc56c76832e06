from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from learningcities.common.models import ActivityLogEntry
from learningcities.frameworks.domain.errors import FrameworkInvalid, FrameworkVersionConflict
from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.domain.queries.frameworks import (
    criteria_for_framework,
    framework_tree_by_version,
)
from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.interfaces.yaml_files import (
    SHIPPED_DIR,
    load_shipped_frameworks,
    read_framework_file,
)
from learningcities.frameworks.models import Criterion, Framework
from learningcities.frameworks.validators import check_framework, content_hash
from tests.accounts.factories import make_user

from .helpers import framework_rows, small_document

pytestmark = pytest.mark.django_db


def shipped_document(name: str) -> dict:
    return read_framework_file(SHIPPED_DIR / name).data


def test_shipped_key_features_loaded_on_migrate_with_3_sections_12_areas_42_criteria():
    framework = Framework.objects.get(code="key-features", version="2013-short")

    sections = list(framework.sections.all())
    areas = [area for section in sections for area in section.areas.all()]
    assert [s.code for s in sections] == ["1", "2", "3"]
    assert [a.code for a in areas] == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3"
    ]  # fmt: skip
    assert framework.criteria.count() == 42
    assert framework.is_official_wording is False
    # Its questions take every type it was written with.
    assert set(framework.criteria.values_list("answer_type", flat=True)) == {
        "text",
        "rating",
        "number",
        "yes_no",
        "file",
    }
    counts = [c.indicators.count() for c in framework.criteria.all()]
    assert (min(counts), max(counts)) >= (1, 1)
    assert max(counts) <= 3


def test_shipped_award_criteria_loaded_on_migrate_as_8_equal_ratings():
    framework = Framework.objects.get(code="learning-city-award", version="2024")

    criteria = list(criteria_for_framework(framework))
    assert [c.code for c in criteria] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert criteria[0].title == "Learning city plan"
    assert criteria[7].title == "Contribution to the network"
    assert {(c.answer_type, c.rating_min, c.rating_max, c.weight) for c in criteria} == {
        (AnswerType.RATING, 1, 5, Decimal(1))
    }
    assert all(len(c.level_descriptors) == 5 for c in criteria)
    assert framework.sections.count() == 1


def test_shipped_award_criteria_2024_2_ask_for_an_account_and_evidence():
    framework = Framework.objects.get(code="learning-city-award", version="2024.2")

    criteria = list(criteria_for_framework(framework))
    assert [c.code for c in criteria] == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert [c.title for c in criteria] == [
        c.title
        for c in criteria_for_framework(
            Framework.objects.get(code="learning-city-award", version="2024")
        )
    ]
    assert {
        (c.answer_type, c.word_limit, tuple(c.file_kinds), c.weight, c.required) for c in criteria
    } == {(AnswerType.TEXT, 300, ("pdf", "image", "office"), Decimal(1), True)}
    assert all("Attach" in c.guidance for c in criteria)


def test_shipped_progress_report_follows_the_key_features():
    framework = Framework.objects.get(code="progress-report", version="2026")
    key_features = Framework.objects.get(code="key-features", version="2013-short")
    features = list(criteria_for_framework(key_features))

    criteria = {c.code: c for c in criteria_for_framework(framework)}
    areas = [a for s in framework.sections.all() for a in s.areas.all()]
    assert [(a.code, a.title) for a in areas] == [
        (a.code, a.title) for s in key_features.sections.all() for a in s.areas.all()
    ]
    assert len(criteria) == 12 + 42 + 8
    for area in areas:
        narrative = criteria[f"{area.code}.0"]
        assert (narrative.answer_type, narrative.word_limit, narrative.required) == (
            AnswerType.TEXT, 500, True
        )  # fmt: skip
        assert (narrative.file_kinds, narrative.carries_from) == (["pdf", "image", "office"], "")
    maturity = next(f.level_descriptors for f in features if f.answer_type == AnswerType.RATING)
    for feature in features:
        rating = criteria[feature.code]
        assert (rating.answer_type, rating.rating_min, rating.rating_max) == ("rating", 1, 5)
        assert (rating.title, rating.level_descriptors) == (feature.title, maturity)
        assert (rating.required, rating.carries_from) == (False, feature.code)
    numbers = [f for f in features if f.answer_type == AnswerType.NUMBER]
    assert len(numbers) == 8
    for feature in numbers:
        indicator = criteria[f"{feature.code}.v"]
        assert (indicator.answer_type, indicator.title, indicator.unit) == (
            AnswerType.NUMBER, feature.title, feature.unit
        )  # fmt: skip
        assert (indicator.required, indicator.carries_from) == (False, feature.code)
        assert indicator.area.code == criteria[feature.code].area.code


def test_load_framework_stores_carries_from_only_where_given():
    data = small_document()
    data["sections"][0]["areas"][0]["criteria"][1]["carries_from"] = "2.1.3"
    data["sections"][0]["areas"][1]["criteria"][0]["carries_from"] = "2.1.3.v"

    framework = load_framework(data, record=False).framework

    assert dict(framework.criteria.values_list("code", "carries_from")) == {
        "1.1.1": "",
        "1.1.2": "2.1.3",
        "1.2.1": "2.1.3.v",
        "2.3": "",
    }


def test_load_framework_carries_from_is_part_of_the_content():
    load_framework(small_document())
    data = small_document()
    data["sections"][0]["areas"][0]["criteria"][1]["carries_from"] = "1.1.2"

    with pytest.raises(FrameworkVersionConflict):
        load_framework(data)


def test_content_hash_without_carries_from_unchanged_since_the_key_came():
    # The hashes of the shipped frameworks as computed before carries_from existed:
    # loaded versions must still be recognised as the same content.
    before = {
        "key-features-short.yaml": (
            "70d250186fcf1f5753b86a6dba903f8afe88ce9122c5f7bc57a3d87ef890572f"
        ),
        "award-2024.yaml": "dd1e32e559102251c89922fa826dfd2e9d59f3a11d609ae1b98a956202d2d2d9",
        "award-2024.2.yaml": "c349be29248122971acbcaef8eb059ab1beef56b2a4a26440d38ef1d13e596ba",
    }

    for name, digest in before.items():
        canonical, problems = check_framework(shipped_document(name))
        assert (name, problems, content_hash(canonical)) == (name, [], digest)
        assert "carries_from" not in str(canonical)
    key_features = Framework.objects.get(code="key-features", version="2013-short")
    assert key_features.content_hash == before["key-features-short.yaml"]


def test_load_shipped_frameworks_again_reports_unchanged():
    before = framework_rows()

    results = load_shipped_frameworks()

    assert [(r.code, r.status) for r in results] == [
        ("key-features", "unchanged"),
        ("learning-city-award", "unchanged"),
        ("learning-city-award", "unchanged"),
        ("progress-report", "unchanged"),
    ]
    assert framework_rows() == before


def test_load_framework_shipped_file_as_new_version_creates_whole_tree():
    data = shipped_document("key-features-short.yaml")
    data["version"] = "2013-copy"
    user = make_user("secretariat@example.org")

    result = load_framework(data, actor=user)

    assert (result.status, result.dry_run) == ("created", False)
    assert result.counts == {"sections": 3, "areas": 12, "criteria": 42, "indicators": 57}
    framework = result.framework
    assert framework.criteria.count() == 42
    assert sum(section.areas.count() for section in framework.sections.all()) == 12
    entry = ActivityLogEntry.objects.get(
        action="frameworks.framework.load", object_id=str(framework.pk)
    )
    assert entry.actor == user
    assert entry.changes["version"] == [None, "2013-copy"]


def test_load_framework_stores_every_answer_setting():
    result = load_framework(small_document())

    criteria = {c.code: c for c in result.framework.criteria.all()}
    text, rating, number, file = (criteria[k] for k in ("1.1.1", "1.1.2", "1.2.1", "2.3"))
    assert (text.answer_type, text.word_limit, text.weight, text.required) == (
        "text", 200, Decimal(1), True
    )  # fmt: skip
    assert [i.text for i in text.indicators.all()] == ["First measure", "Second measure"]
    assert [i.code for i in text.indicators.all()] == ["1", "2"]
    assert (rating.rating_min, rating.rating_max, rating.weight) == (1, 3, Decimal("2.5"))
    assert rating.rating_points == [(1, "Low"), (2, "Mid"), (3, "High")]
    assert (number.unit, number.word_limit) == ("km2", None)
    assert (file.file_kinds, file.required, file.area.code) == (["pdf"], False, "2.1")
    assert [c.order for c in result.framework.criteria.order_by("order")] == [1, 2, 3, 4]


def test_load_framework_twice_changes_nothing():
    first = load_framework(small_document())
    before = framework_rows()

    second = load_framework(small_document())

    assert second.status == "unchanged"
    assert second.framework == first.framework
    assert framework_rows() == before


def test_load_framework_default_spelled_out_is_same_content():
    load_framework(small_document())
    data = small_document()
    data["language"] = "en"
    data["sections"][0]["areas"][0]["criteria"][0]["required"] = True
    before = framework_rows()

    result = load_framework(data)

    assert result.status == "unchanged"
    assert framework_rows() == before


def test_load_framework_same_version_changed_content_refused():
    load_framework(small_document())
    data = small_document()
    data["sections"][0]["areas"][0]["criteria"][0]["title"] = "A changed question"
    before = framework_rows()

    with pytest.raises(FrameworkVersionConflict) as excinfo:
        load_framework(data)

    assert str(excinfo.value) == (
        "test-framework version 1.0 already loaded with different content; "
        "give the new content a new version"
    )
    assert framework_rows() == before


def test_load_framework_new_version_leaves_old_version_untouched():
    v1 = load_framework(small_document("1.0")).framework
    v1_criteria = list(Criterion.objects.filter(framework=v1).values().order_by("pk"))
    v2_data = small_document("2.0")
    v2_data["sections"][0]["areas"][0]["criteria"][0]["title"] = "A reworded question"
    v2_data["sections"][0]["areas"][0]["criteria"][0]["word_limit"] = 300

    v2 = load_framework(v2_data).framework

    assert v2 != v1
    assert list(Criterion.objects.filter(framework=v1).values().order_by("pk")) == v1_criteria
    assert v1.criteria.get(code="1.1.1").title == "A text question"
    assert (v2.criteria.get(code="1.1.1").title, v2.criteria.get(code="1.1.1").word_limit) == (
        "A reworded question",
        300,
    )
    assert Framework.objects.filter(code="test-framework").count() == 2


def test_load_framework_dry_run_writes_nothing():
    before = framework_rows()

    result = load_framework(small_document(), dry_run=True)

    assert (result.status, result.dry_run, result.framework) == ("created", True, None)
    assert result.counts == {"sections": 2, "areas": 3, "criteria": 4, "indicators": 2}
    assert framework_rows() == before


def test_load_framework_invalid_document_writes_nothing():
    data = small_document()
    data["sections"][1]["areas"][0]["criteria"][0]["answer_type"] = "essay"
    user = make_user("secretariat@example.org")
    before = framework_rows()

    with pytest.raises(FrameworkInvalid):
        load_framework(data, actor=user)

    assert framework_rows() == before
    assert not Framework.objects.filter(code="test-framework").exists()


def test_framework_delete_protected():
    framework = load_framework(small_document()).framework

    with pytest.raises(ProtectedError):
        framework.delete()

    assert Framework.objects.filter(pk=framework.pk).exists()


def test_framework_tree_constant_queries(django_assert_num_queries):
    small = load_framework(small_document()).framework
    large = Framework.objects.get(code="key-features")

    with django_assert_num_queries(5):
        small_tree = framework_tree_by_version(small.code, small.version)
        small_codes = [
            (c.code, [i.code for i in c.indicators.all()])
            for s in small_tree.sections.all()
            for a in s.areas.all()
            for c in a.criteria.all()
        ]
    with django_assert_num_queries(5):
        large_tree = framework_tree_by_version(large.code, large.version)
        large_count = sum(
            len(c.indicators.all())
            for s in large_tree.sections.all()
            for a in s.areas.all()
            for c in a.criteria.all()
        )

    assert small_codes == [("1.1.1", ["1", "2"]), ("1.1.2", []), ("1.2.1", []), ("2.3", [])]
    assert large_count == 57


def test_shipped_install_recorded_once_without_subject():
    entry = ActivityLogEntry.objects.get(action="frameworks.shipped.install")

    assert entry.changes["frameworks"] == [
        None,
        [
            "key-features 2013-short",
            "learning-city-award 2024",
            "learning-city-award 2024.2",
            "progress-report 2026",
        ],
    ]
    # Every shipped framework's six translations, in the one entry.
    assert len(entry.changes["translations"][1]) == 4 * 6
    assert "key-features 2013-short ar" in entry.changes["translations"][1]
    assert (entry.object_id, entry.actor) == ("", None)
    assert not ActivityLogEntry.objects.filter(action="frameworks.framework.load").exists()
    assert not ActivityLogEntry.objects.filter(action="frameworks.framework.translate").exists()
