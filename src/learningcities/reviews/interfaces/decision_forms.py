"""Forms of the decisions page: finish reviews, decide one submission, release the call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from learningcities.calls.enums import CallKind, Decision


class FinishReviewsForm(forms.Form):
    """Finish the jury's work on the ticked submissions (a reason when reviews are missing)."""

    submission = forms.TypedMultipleChoiceField(
        label=_("Submissions"),
        coerce=int,
        choices=(),
        error_messages={
            "required": _("Tick at least one submission."),
        },
    )
    reason = forms.CharField(
        label=_("Reason, when a submission has fewer reviews than the call asks for"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, submission_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].choices = [(pk, str(pk)) for pk in submission_ids]


class DecideForm(forms.Form):
    """Stage (or change) the decision on one submission."""

    submission = forms.TypedChoiceField(label=_("Submission"), coerce=int, choices=())
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.ACCEPTED, Decision.ACCEPTED.label),
            (Decision.REJECTED, Decision.REJECTED.label),
        ],
    )
    note = forms.CharField(label=_("Note (for the secretariat)"), required=False, max_length=2000)
    reason = forms.CharField(
        label=_("Reason to accept with fewer reviews than required"),
        required=False,
        max_length=2000,
        help_text=_("Required only when the submission has fewer reviews than the call asks for."),
    )

    def __init__(self, *args, submission_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].choices = [(pk, str(pk)) for pk in submission_ids]


class ReleaseCohortForm(forms.Form):
    """Release a membership call: the new cohort's name and the day its members join."""

    name = forms.CharField(label=_("Name of the cohort"), max_length=100)
    joined_on = forms.DateField(
        label=_("Members join on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the new members join the network (YYYY-MM-DD)."),
    )
    include_comments = forms.BooleanField(
        label=_("Include a summary of the jury's comments in the decision mails"),
        required=False,
        help_text=_("The overall comments of the submitted reviews, without the jurors' names."),
    )


class ReleaseWinnersForm(forms.Form):
    """Release an award call: the year the winners win the award."""

    year = forms.IntegerField(label=_("Award year"), min_value=2015, max_value=2100)
    include_comments = forms.BooleanField(
        label=_("Include a summary of the jury's comments in the decision mails"),
        required=False,
        help_text=_("The overall comments of the submitted reviews, without the jurors' names."),
    )


class ReleaseDecisionsForm(forms.Form):
    """Release a call for presentations: its decisions alone (no cohort, no award year)."""

    include_comments = forms.BooleanField(
        label=_("Include a summary of the jury's comments in the decision mails"),
        required=False,
        help_text=_("The overall comments of the submitted reviews, without the jurors' names."),
    )


# The release form of each kind of call (what its release asks for besides the comments).
RELEASE_FORMS = {
    CallKind.MEMBERSHIP: ReleaseCohortForm,
    CallKind.AWARD: ReleaseWinnersForm,
    CallKind.PRESENTATIONS: ReleaseDecisionsForm,
}
