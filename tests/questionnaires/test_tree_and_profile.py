"""The section tree, built once for every page, and the one list of profile fields."""

import pytest
from django.utils import translation

from learningcities.calls.models import Answer, Submission
from learningcities.frameworks.domain.loading import load_framework
from learningcities.questionnaires.profile import (
    PROFILE_FIELDS,
    ProfileKind,
    profile_rows,
    profile_value,
)
from learningcities.questionnaires.tree import questionnaire_tree
from tests.frameworks.helpers import small_document


@pytest.mark.django_db
def test_tree_groups_criteria_by_section_and_area_in_one_query(django_assert_num_queries):
    framework = load_framework(small_document(), record=False).framework

    with django_assert_num_queries(1):
        tree = questionnaire_tree(framework.pk)

    assert [node.code for node in tree] == ["1", "2"]
    assert [[area.area.code for area in node.areas] for node in tree] == [["1.1", "1.2"], ["2.1"]]
    assert [item.criterion.code for item in tree[0].items] == ["1.1.1", "1.1.2", "1.2.1"]


@pytest.mark.django_db
def test_tree_items_carry_their_answers_and_documents():
    framework = load_framework(small_document(), record=False).framework
    criteria = {c.code: c for c in framework.criteria.all()}
    answer = Answer(criterion=criteria["1.1.2"], rating_value=2)

    tree = questionnaire_tree(
        framework, answers={criteria["1.1.2"].pk: answer}, documents={criteria["2.3"].pk: ["x"]}
    )
    items = {item.criterion.code: item for node in tree for item in node.items}

    assert items["1.1.2"].display == "2: Mid"
    assert items["1.1.2"].complete is True
    assert items["1.1.1"].complete is False
    assert items["2.3"].complete is True
    assert items["2.3"].documents == ["x"]


def test_profile_fields_are_one_list_of_submission_fields():
    names = [field.name for field in PROFILE_FIELDS]

    assert len(names) == len(set(names))
    assert all(Submission._meta.get_field(name) for name in names)
    assert [f.name for f in PROFILE_FIELDS if not f.required] == ["contact_phone"]
    assert [f.name for f in PROFILE_FIELDS if f.identifying] == [
        "contact_name",
        "contact_email",
        "contact_phone",
    ]


def test_profile_rows_leave_out_the_challenges_and_what_is_excluded():
    submission = Submission(population=224004, data_year=2024, communication_language="fr")

    with translation.override("en"):
        rows = dict(profile_rows(submission))
        dossier = dict(
            profile_rows(submission, exclude=lambda field: field.kind == ProfileKind.LONG_TEXT)
        )

    assert rows["Population"] == "224,004"
    assert rows["Year of the data"] == 2024
    assert "Challenges" not in rows
    assert "Motivation" in rows
    assert "Motivation" not in dossier
    assert rows[next(label for label in rows if "communication" in label.lower())] == "French"


def test_profile_value_groups_quantities_not_the_year():
    with translation.override("en"):
        assert profile_value("population", 1234567) == "1,234,567"
        assert profile_value("schooling_years_men", 1234) == "1234"
        assert profile_value("data_year", 2024) == 2024
