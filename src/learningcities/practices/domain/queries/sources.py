"""What a city already wrote that may become a practice: the text answers of its applications."""

from django.db.models import Exists, OuterRef

from learningcities.calls.models import Answer
from learningcities.frameworks.enums import AnswerType

from ...models import Practice

# The longest list offered (the newest answers of the newest submissions first).
MAX_ANSWERS = 60
# An answer shorter than this is rarely a practice ("Yes, see annex").
MIN_CHARACTERS = 200


def answers_to_share(organisation_ids: list[int]) -> list[Answer]:
    """Return the text answers of the cities' submitted applications and nominations.

    Each carries ``shared`` (a practice was already made from it), so the
    page offers the practice instead of a second copy.
    """
    made = Practice.objects.filter(
        source_submission=OuterRef("submission"), source_criterion=OuterRef("criterion")
    )
    answers = (
        Answer.objects.filter(
            submission__organisation_id__in=organisation_ids,
            submission__submitted_at__isnull=False,
            criterion__answer_type=AnswerType.TEXT,
        )
        .exclude(text_value="")
        .annotate(shared=Exists(made))
        .select_related("submission__call", "criterion")
        .order_by("-submission__submitted_at", "criterion__order")
    )
    return [answer for answer in answers[:MAX_ANSWERS] if len(answer.text_value) >= MIN_CHARACTERS]
