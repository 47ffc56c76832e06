"""Forms of the juror's pages: the workspace filters, the review form's parsing."""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..domain.queries.workspace import NOT_STARTED
from ..enums import Recommendation, ReviewState

SUBMIT = "submit"


class WorkspaceFilterForm(forms.Form):
    """Search and filters of the juror's workspace."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "An application number, or a city's name where the phase shows identities."
        ),
    )
    call = forms.ModelChoiceField(
        label=gettext_lazy("Call"),
        required=False,
        queryset=None,
        empty_label=gettext_lazy("Any call"),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Your review"),
        required=False,
        choices=[
            ("", gettext_lazy("Any")),
            (NOT_STARTED, pgettext_lazy("review state", "Not started")),
            *ReviewState.choices,
        ],
    )

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls


@dataclass
class ReviewInput:
    """What a POST of the review form asks to change; absent fields stay as they are."""

    scores: dict[int, int | None] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)
    recommendation: str | None = None
    comment: str | None = None
    submit: bool = False
    confirmed: bool = False
    errors: dict[str, list[str]] = field(default_factory=dict)


def score_field(criterion_pk: int) -> str:
    return f"score-{criterion_pk}"


def comment_field(criterion_pk: int) -> str:
    return f"comment-{criterion_pk}"


def parse_review_post(data, criteria) -> ReviewInput:
    """Read the review form's fields present in ``data`` (autosave sends only the changed ones).

    A score that is not a whole number is an error named after its field;
    range checks belong to the domain (``save_score``).
    """
    found = ReviewInput()
    for criterion in criteria:
        name = score_field(criterion.pk)
        if name in data:
            raw = data[name].strip()
            if raw == "":
                found.scores[criterion.pk] = None
            else:
                try:
                    found.scores[criterion.pk] = int(raw)
                except ValueError:
                    found.errors[name] = [
                        _("The score of %(code)s must be a whole number.")
                        % {"code": criterion.code}
                    ]
        name = comment_field(criterion.pk)
        if name in data:
            found.comments[criterion.pk] = data[name]
    if "recommendation" in data:
        value = data["recommendation"]
        if value and value not in Recommendation.values:
            found.errors["recommendation"] = [
                _("Choose admit, do not admit or abstain as your recommendation.")
            ]
        else:
            found.recommendation = value
    if "comment" in data:
        found.comment = data["comment"]
    found.submit = data.get("intent") == SUBMIT
    found.confirmed = data.get("confirm") == "yes"
    return found
