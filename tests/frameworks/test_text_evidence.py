"""A text criterion may take documents as evidence beside its written answer (file_kinds)."""

import pytest

from learningcities.frameworks.domain.errors import FrameworkInvalid
from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.validators import check_framework, content_hash
from tests.frameworks.helpers import small_document

pytestmark = pytest.mark.django_db


def text_criterion(data: dict) -> dict:
    return data["sections"][0]["areas"][0]["criteria"][0]


def test_text_criterion_with_file_kinds_loads_them():
    data = small_document()
    text_criterion(data)["file_kinds"] = ["pdf", "image"]

    framework = load_framework(data, record=False).framework

    criterion = framework.criteria.get(code="1.1.1")
    assert (criterion.answer_type, criterion.word_limit, criterion.file_kinds) == (
        "text",
        200,
        ["pdf", "image"],
    )


def test_text_criterion_without_file_kinds_keeps_its_content_hash():
    plain = small_document()
    spelled = small_document()
    text_criterion(spelled)["file_kinds"] = None

    assert content_hash(check_framework(plain)[0]) == content_hash(check_framework(spelled)[0])
    assert check_framework(plain)[0]["sections"][0]["areas"][0]["criteria"][0]["file_kinds"] == []


def test_text_criterion_bad_file_kind_refused():
    data = small_document()
    text_criterion(data)["file_kinds"] = ["video"]

    with pytest.raises(FrameworkInvalid) as excinfo:
        load_framework(data)

    assert [str(p) for p in excinfo.value.problems] == [
        "sections[0].areas[0].criteria[0].file_kinds[0]: must be one of pdf, image, office"
    ]


def test_number_criterion_with_file_kinds_refused():
    data = small_document()
    data["sections"][0]["areas"][1]["criteria"][0]["file_kinds"] = ["pdf"]

    with pytest.raises(FrameworkInvalid) as excinfo:
        load_framework(data)

    assert [str(p) for p in excinfo.value.problems] == [
        "sections[0].areas[1].criteria[0].file_kinds: applies to file and text answers only"
    ]
