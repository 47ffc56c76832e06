import pytest

from learningcities.calls.enums import SubmissionState
from learningcities.frameworks.enums import AnswerType
from tests.calls.factories import Cast, submission_in


@pytest.fixture
def submitted_answer():
    """A text answer of a submitted membership application, and the city's coordinator."""
    cast = Cast()
    submission = submission_in(cast, SubmissionState.SUBMITTED)
    answer = submission.answers.select_related("criterion").get(
        criterion__answer_type=AnswerType.TEXT
    )
    answer.text_value = (
        "The city opened learning festivals in every district. Libraries, schools and "
        "clubs run workshops for all ages, and the festival reached 12,000 people in 2024. "
    ) * 3
    answer.save(update_fields=["text_value"])
    return answer, cast.coordinator
