"""Drafts save as typed; wrong types are refused naming the field; completeness lists gaps."""

from decimal import Decimal

import pytest

from learningcities.calls.domain.completeness import completeness
from learningcities.calls.domain.errors import SubmissionError, TransitionNotPermitted
from learningcities.calls.domain.submissions import save_answer, save_draft
from learningcities.calls.models import Answer, Call, Submission
from learningcities.frameworks.domain.loading import load_framework
from learningcities.frameworks.models import Criterion
from tests.frameworks.helpers import small_document

from .factories import Cast, city_with_coordinator, make_call, submission_in

pytestmark = pytest.mark.django_db


def test_save_draft_saves_partial_values():
    cast = Cast()
    submission = cast.draft(complete=False)

    save_draft(submission, actor=cast.coordinator, population="250000", area_km2="12,5")

    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.population, stored.area_km2) == (250_000, Decimal("12.50"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("population", "many", "Population: expected a whole number."),
        ("population", True, "Population: expected a whole number."),
        ("area_km2", [1], r"Area \(km²\): expected a number\."),
        ("challenges", {"funding": 7}, "expected a rating from 1 to 5"),
        ("communication_language", "de", "expected en, fr"),
        ("motivation", 12, "Motivation: expected text."),
        # What a column cannot hold, and digits int() does not read, are named too.
        ("population", "1²", "Population: expected a whole number."),
        ("population", str(10**20), "Population: expected a smaller number."),
        ("population", 10**20, "Population: expected a smaller number."),
        ("area_km2", "1e309", r"Area \(km²\): expected a smaller number\."),
        ("area_km2", "9999999999.999", r"Area \(km²\): expected a smaller number\."),
        ("challenges", {"funding": "1²"}, "expected a whole number"),
    ],
)
def test_save_draft_wrong_type_refused(field, value, message):
    cast = Cast()
    submission = cast.draft(complete=False)

    with pytest.raises(SubmissionError, match=message):
        save_draft(submission, actor=cast.coordinator, data_year=2024, **{field: value})

    assert Submission.objects.get(pk=submission.pk).data_year is None


def test_save_answer_wrong_type_refused():
    cast = Cast()
    submission = cast.draft(complete=False)
    rating = Criterion.objects.get(framework=cast.call.framework, code="1.1.2")

    with pytest.raises(SubmissionError, match="expected a rating from 1 to 3"):
        save_answer(submission, rating, actor=cast.coordinator, value=4)

    assert Answer.objects.count() == 0


@pytest.mark.parametrize("value", ["1e309", "1" + "0" * 40, "-1e309"])
def test_save_answer_number_too_large_for_its_column_refused(value):
    cast = Cast()
    submission = cast.draft(complete=False)
    number = Criterion.objects.get(framework=cast.call.framework, code="1.2.1")

    with pytest.raises(SubmissionError, match=r"expected a (smaller number|number that is not)"):
        save_answer(submission, number, actor=cast.coordinator, value=value)

    assert Answer.objects.count() == 0


def test_save_answer_by_another_city_refused():
    cast = Cast()
    submission = cast.draft(complete=False)
    _org, stranger = city_with_coordinator()
    text = Criterion.objects.get(framework=cast.call.framework, code="1.1.1")

    with pytest.raises(TransitionNotPermitted):
        save_answer(submission, text, actor=stranger, value="Ours.")

    assert Answer.objects.count() == 0


def test_save_draft_after_submission_refused():
    cast = Cast()
    submission = submission_in(cast, "submitted")

    with pytest.raises(SubmissionError, match="cannot be changed"):
        save_draft(submission, actor=cast.coordinator, population=1)

    assert Submission.objects.get(pk=submission.pk).population == 210_000


def test_completeness_of_an_empty_draft_lists_every_gap():
    cast = Cast()
    submission = cast.draft(complete=False)

    codes = [item.code for item in completeness(submission)]

    assert codes.count("missing_field") == 12
    assert codes.count("unrated_challenge") == 6
    assert codes.count("missing_answer") == 3  # the file criterion is optional
    assert codes.count("missing_document") == 1


def test_completeness_reports_word_limits():
    cast = Cast(call=make_call(motivation_word_limit=3))
    submission = cast.draft()

    save_draft(submission, actor=cast.coordinator, motivation="one two three four")

    assert [(item.code, item.anchor) for item in completeness(submission)] == [
        ("word_limit", "profile-motivation")
    ]


def test_completeness_of_a_full_submission_is_empty():
    cast = Cast()

    assert completeness(cast.draft()) == []


def test_completeness_on_the_shipped_key_features_lists_42_criteria():
    from learningcities.frameworks.models import Framework

    framework = Framework.objects.get(code="key-features", version="2013-short")
    cast = Cast(call=make_call(framework=framework))
    submission = cast.draft(complete=False)

    criteria = {
        item.anchor for item in completeness(submission) if item.anchor.startswith("criterion-")
    }

    assert len(criteria) == 41  # one of the 42 features is optional


def test_call_keeps_its_framework_version_after_a_new_version_is_loaded():
    cast = Cast()
    submission = cast.draft()
    questions_before = [
        (criterion.code, criterion.title, criterion.word_limit)
        for criterion in submission.call.framework.criteria.order_by("order")
    ]
    newer = small_document("2.0")
    newer["sections"][0]["areas"][0]["criteria"][0]["title"] = "A reworded question"
    load_framework(newer)

    call = Call.objects.get(pk=cast.call.pk)
    questions_after = [
        (criterion.code, criterion.title, criterion.word_limit)
        for criterion in call.framework.criteria.order_by("order")
    ]

    assert call.framework.version == "1.0"
    assert questions_after == questions_before
    assert completeness(Submission.objects.get(pk=submission.pk)) == []
