"""What a submission still lacks before it can be submitted."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from learningcities.questionnaires.answers import MissingItem
from learningcities.questionnaires.profile import PROFILE_FIELDS, ProfileKind, profile_label
from learningcities.questionnaires.tree import (
    by_criterion,
    documents_by_criterion,
    questionnaire_tree,
)
from learningcities.questionnaires.values import over_word_limit

from ..enums import Challenge, DocumentKind
from ..models import Submission
from .profile import asks_challenges, profile_fields_for

# The fields completeness asks for in a whole profile; the challenges are rated
# one by one. A call asks only for those of its own (``profile_fields_for``).
REQUIRED_PROFILE_FIELDS = tuple(
    field.name for field in PROFILE_FIELDS if field.required and field.kind != ProfileKind.RATINGS
)


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_fields(submission: Submission) -> list[MissingItem]:
    return [
        MissingItem(
            "missing_field",
            f"profile-{name}",
            _("%(field)s is missing.") % {"field": profile_label(Submission, name)},
        )
        for name in _required_fields(submission)
        if _is_empty(getattr(submission, name))
    ]


def _required_fields(submission: Submission) -> list[str]:
    asked = {field.name for field in profile_fields_for(submission.call)}
    return [name for name in REQUIRED_PROFILE_FIELDS if name in asked]


def _invalid_email(submission: Submission) -> list[MissingItem]:
    if not submission.contact_email:
        return []
    try:
        validate_email(submission.contact_email)
    except ValidationError:
        return [
            MissingItem(
                "invalid_email",
                "profile-contact_email",
                _("The contact e-mail %(email)s is not a valid address.")
                % {"email": submission.contact_email},
            )
        ]
    return []


def _over_word_limits(submission: Submission) -> list[MissingItem]:
    missing = []
    for field in (field for field in profile_fields_for(submission.call) if field.word_limit):
        limit = getattr(submission.call, field.word_limit)
        count = over_word_limit(getattr(submission, field.name), limit)
        if count:
            missing.append(
                MissingItem(
                    "word_limit",
                    f"profile-{field.name}",
                    _("%(field)s has %(count)s words; the limit is %(limit)s.")
                    % {
                        "field": profile_label(Submission, field.name),
                        "count": count,
                        "limit": limit,
                    },
                )
            )
    return missing


def _unrated_challenges(submission: Submission) -> list[MissingItem]:
    if not asks_challenges(submission.call):
        return []
    ratings = submission.challenges or {}
    return [
        MissingItem(
            "unrated_challenge",
            f"profile-challenges-{challenge.value}",
            _("Rate the challenge “%(challenge)s”.") % {"challenge": challenge.label},
        )
        for challenge in Challenge
        if ratings.get(challenge.value) is None
    ]


def _missing_documents(submission: Submission, kinds: set[str]) -> list[MissingItem]:
    return [
        MissingItem(
            "missing_document",
            f"document-{kind}",
            _("Attach the document: %(kind)s.")
            % {"kind": DocumentKind(kind).label if kind in DocumentKind.values else kind},
        )
        for kind in submission.call.required_documents
        if kind not in kinds
    ]


def completeness(submission: Submission) -> list[MissingItem]:
    """Return what is missing or wrong before ``submission`` can be submitted, in form order.

    Empty profile fields, unrated challenges, texts over their word limits
    (of the profile the call asks for: a proposal for a presentation asks
    for no figures, ratings or implementation),
    unanswered required criteria, file criteria without evidence and required
    documents not attached. An empty list means complete. Three queries.
    """
    links = list(submission.documents.only("kind", "criterion_id"))
    tree = questionnaire_tree(
        submission.call.framework_id,
        answers=by_criterion(submission.answers.all()),
        documents=documents_by_criterion(links),
    )
    return [
        *_missing_fields(submission),
        *_invalid_email(submission),
        *_over_word_limits(submission),
        *_unrated_challenges(submission),
        *(problem for section in tree for item in section.items for problem in item.problems()),
        *_missing_documents(submission, {link.kind for link in links}),
    ]
