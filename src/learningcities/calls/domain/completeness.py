"""What a submission still lacks before it can be submitted."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from learningcities.frameworks.enums import AnswerType
from learningcities.frameworks.models import Criterion

from ..enums import Challenge, DocumentKind
from ..models import Submission
from ..validators import word_count

REQUIRED_PROFILE_FIELDS = (
    "data_year",
    "population",
    "area_km2",
    "gdp_per_capita_city",
    "gdp_per_capita_country",
    "schooling_years_men",
    "schooling_years_women",
    "motivation",
    "implementation",
    "contact_name",
    "contact_email",
    "communication_language",
)


@dataclass(frozen=True)
class MissingItem:
    """One thing the city must still do: ``anchor`` names where (a field or a criterion)."""

    code: str  # missing_field, word_limit, invalid_email, unrated_challenge,
    # missing_answer, missing_evidence, missing_document
    anchor: str
    message: str

    def __str__(self) -> str:
        return self.message


def _answered(answer, criterion: Criterion) -> bool:
    if answer is None:
        return False
    return {
        AnswerType.TEXT: bool(answer.text_value.strip()),
        AnswerType.NUMBER: answer.number_value is not None,
        AnswerType.RATING: answer.rating_value is not None,
        AnswerType.YES_NO: answer.boolean_value is not None,
    }.get(criterion.answer_type, False)


def _over_limit(text: str, limit: int | None) -> int | None:
    count = word_count(text)
    return count if limit and count > limit else None


def completeness(submission: Submission) -> list[MissingItem]:
    """Return what is missing or wrong before ``submission`` can be submitted, in form order.

    Empty profile fields, unrated challenges, texts over their word limits,
    unanswered required criteria, file criteria without evidence and required
    documents not attached. An empty list means complete. Three queries.
    """
    call = submission.call
    missing: list[MissingItem] = []
    for field in REQUIRED_PROFILE_FIELDS:
        value = getattr(submission, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            label = Submission._meta.get_field(field).verbose_name
            missing.append(
                MissingItem(
                    "missing_field",
                    f"profile-{field}",
                    _("%(field)s is missing.") % {"field": capfirst(str(label))},
                )
            )
    if submission.contact_email:
        try:
            validate_email(submission.contact_email)
        except ValidationError:
            missing.append(
                MissingItem(
                    "invalid_email",
                    "profile-contact_email",
                    _("The contact e-mail %(email)s is not a valid address.")
                    % {"email": submission.contact_email},
                )
            )
    for field, limit in (
        ("motivation", call.motivation_word_limit),
        ("implementation", call.implementation_word_limit),
    ):
        count = _over_limit(getattr(submission, field), limit)
        if count:
            label = Submission._meta.get_field(field).verbose_name
            missing.append(
                MissingItem(
                    "word_limit",
                    f"profile-{field}",
                    _("%(field)s has %(count)s words; the limit is %(limit)s.")
                    % {"field": capfirst(str(label)), "count": count, "limit": limit},
                )
            )
    ratings = submission.challenges or {}
    for challenge in Challenge:
        if ratings.get(challenge.value) is None:
            missing.append(
                MissingItem(
                    "unrated_challenge",
                    f"profile-challenges-{challenge.value}",
                    _("Rate the challenge “%(challenge)s”.") % {"challenge": challenge.label},
                )
            )

    criteria = Criterion.objects.filter(framework_id=call.framework_id).order_by("order")
    answers = {answer.criterion_id: answer for answer in submission.answers.all()}
    documents = list(submission.documents.values_list("kind", "criterion_id"))
    evidence_for = {criterion_id for kind, criterion_id in documents if criterion_id}
    for criterion in criteria:
        anchor = f"criterion-{criterion.code}"
        answer = answers.get(criterion.pk)
        if criterion.answer_type == AnswerType.FILE:
            if criterion.required and criterion.pk not in evidence_for:
                missing.append(
                    MissingItem(
                        "missing_evidence",
                        anchor,
                        _("%(code)s %(title)s: attach evidence.")
                        % {"code": criterion.code, "title": criterion.title},
                    )
                )
            continue
        if criterion.required and not _answered(answer, criterion):
            missing.append(
                MissingItem(
                    "missing_answer",
                    anchor,
                    _("%(code)s %(title)s: answer missing.")
                    % {"code": criterion.code, "title": criterion.title},
                )
            )
        elif answer is not None and criterion.answer_type == AnswerType.TEXT:
            count = _over_limit(answer.text_value, criterion.word_limit)
            if count:
                missing.append(
                    MissingItem(
                        "word_limit",
                        anchor,
                        _("%(code)s %(title)s has %(count)s words; the limit is %(limit)s.")
                        % {
                            "code": criterion.code,
                            "title": criterion.title,
                            "count": count,
                            "limit": criterion.word_limit,
                        },
                    )
                )
    kinds = {kind for kind, _criterion in documents}
    for kind in call.required_documents:
        if kind not in kinds:
            label = DocumentKind(kind).label if kind in DocumentKind.values else kind
            missing.append(
                MissingItem(
                    "missing_document",
                    f"document-{kind}",
                    _("Attach the document: %(kind)s.") % {"kind": label},
                )
            )
    return missing
