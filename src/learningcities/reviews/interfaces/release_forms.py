"""Forms of the release: what to release, confirmed by typing the call's title; a re-issue."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learningcities.calls.enums import CallKind
from learningcities.calls.models import Call

from .decision_forms import ReleaseCohortForm, ReleaseDecisionsForm, ReleaseWinnersForm


def _normalised(text: str) -> str:
    return " ".join((text or "").split()).casefold()


class _Confirmation:
    """Adds ``confirmation``: the person types the call's title to confirm the release."""

    def add_confirmation(self, call: Call) -> None:
        self.call = call
        self.fields["confirmation"] = forms.CharField(
            label=_("Type the title of the call to confirm"),
            help_text=_("The release cannot be undone. Type: %(title)s") % {"title": call.title},
            max_length=300,
            error_messages={"required": _("Type the title of the call to confirm the release.")},
        )

    def clean_confirmation(self):
        typed = self.cleaned_data.get("confirmation", "")
        if _normalised(typed) != _normalised(self.call.title):
            raise forms.ValidationError(
                _("The text typed is not the title of the call: type %(title)s exactly."),
                code="mismatch",
                params={"title": self.call.title},
            )
        return typed


class ConfirmCohortReleaseForm(_Confirmation, ReleaseCohortForm):
    """Release a membership call: cohort name, joining day, comments, and the confirmation."""

    def __init__(self, *args, call: Call, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {"name": _("%(year)s cohort") % {"year": today.year}, "joined_on": today},
        )
        super().__init__(*args, **kwargs)
        self.add_confirmation(call)


class ConfirmWinnersReleaseForm(_Confirmation, ReleaseWinnersForm):
    """Release an award call: the award year, comments, and the confirmation."""

    def __init__(self, *args, call: Call, **kwargs):
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.add_confirmation(call)


class ConfirmDecisionsReleaseForm(_Confirmation, ReleaseDecisionsForm):
    """Release a call for presentations: comments, and the confirmation."""

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_confirmation(call)


CONFIRM_RELEASE_FORMS = {
    CallKind.MEMBERSHIP: ConfirmCohortReleaseForm,
    CallKind.AWARD: ConfirmWinnersReleaseForm,
    CallKind.PRESENTATIONS: ConfirmDecisionsReleaseForm,
}


def confirm_release_form(call: Call, data=None):
    """Return the release form for ``call``'s kind, bound to ``data`` if given."""
    return CONFIRM_RELEASE_FORMS[call.kind](data, call=call, prefix="release")


class ReissueCertificateForm(forms.Form):
    """Re-issue a certificate: the reason is required and kept in the activity log."""

    reason = forms.CharField(
        label=_("Reason for the re-issue"),
        help_text=_(
            "Kept in the activity log. The current certificate is marked replaced and "
            "a new one, with a new number, is issued."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason for the re-issue.")},
    )
