"""Eligibility rules not covered elsewhere: word limits of answers, manual check values."""

import pytest

from learningcities.calls.domain.eligibility import (
    eligibility_checklist,
    manual_check_code,
    record_manual_check,
)
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.domain.submissions import save_answer
from learningcities.calls.enums import CheckOutcome, SubmissionState
from learningcities.calls.models import ManualCheck
from learningcities.frameworks.models import Criterion

from .factories import Cast, make_call, submission_in

pytestmark = pytest.mark.django_db
C = CheckOutcome
LETTER = "Mayor's letter signed"


def _checks(submission):
    return {
        check.code: (check.outcome, check.detail) for check in eligibility_checklist(submission)
    }


@pytest.mark.parametrize(
    ("words", "outcome", "detail"),
    [
        (200, C.PASSED, "every answer is within its limit"),
        (201, C.FAILED, "1.1.1 has 201 words (limit 200)"),
    ],
)
def test_answers_within_their_word_limits(words, outcome, detail):
    cast = Cast(make_call(motivation_word_limit=0, implementation_word_limit=0))
    submission = cast.draft()
    criterion = Criterion.objects.get(framework=cast.call.framework, code="1.1.1")
    save_answer(submission, criterion, actor=cast.coordinator, value=" ".join(["word"] * words))

    checks = _checks(submission)

    assert checks["word_limit.criteria"] == (outcome, detail)
    assert not {"word_limit.motivation", "word_limit.implementation"} & set(checks)


def test_no_answer_to_a_limited_criterion_gives_no_criteria_check():
    cast = Cast()
    submission = cast.draft(complete=False)

    assert "word_limit.criteria" not in _checks(submission)


def test_record_manual_check_needs_a_yes_or_no():
    cast = Cast(make_call(manual_checks=[LETTER]))
    submission = submission_in(cast, SubmissionState.ENDORSED)

    with pytest.raises(SubmissionError) as refused:
        record_manual_check(
            submission, manual_check_code(LETTER), passed="yes", actor=cast.secretary
        )

    assert refused.value.code == "wrong_type"
    assert not ManualCheck.objects.exists()


def test_record_manual_check_keeps_the_label_the_note_stripped_and_who_checked():
    cast = Cast(make_call(manual_checks=[LETTER]))
    submission = submission_in(cast, SubmissionState.ENDORSED)

    row = record_manual_check(
        submission,
        manual_check_code(LETTER),
        passed=True,
        note="  Signed.  ",
        actor=cast.secretary,
    )

    row.refresh_from_db()
    assert (row.label, row.note, row.passed, row.checked_by) == (
        LETTER,
        "Signed.",
        True,
        cast.secretary,
    )
