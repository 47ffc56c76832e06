"""The endorser's forms: endorse, return with comments, decline with a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

ENDORSE, RETURN, DECLINE = "endorse", "return", "decline"


class EndorsementActionForm(forms.Form):
    """One of the endorser's decisions; returning and declining need a comment.

    Each action has its own form on the page (``prefix`` = the action), so an
    error shows next to the field it is about.
    """

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    LABELS = {
        ENDORSE: _("Comment for the city (optional)"),
        RETURN: _("What the city should change"),
        DECLINE: _("Reason for declining"),
    }

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        self.action = action
        self.fields["comment"].label = self.LABELS[action]
        if action != ENDORSE:  # checked in clean_comment, with a message that says why
            self.fields["comment"].widget.attrs["aria-required"] = "true"

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if self.action != ENDORSE and not comment:
            raise forms.ValidationError(_("Say why: the city reads this comment."), code="required")
        return comment
