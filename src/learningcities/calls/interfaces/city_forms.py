"""Forms of the city coordinator's application pages.

The forms only shape the input: every value is checked by the domain
(``clean_profile_value``, ``save_answer``), whose errors the views attach to
the field they concern. Every field is optional, since drafts save as typed.
The profile's fields come from the questionnaire engine's one list; the
answers' form is the engine's ``AnswersForm``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learningcities.common.enums import FileFamily
from learningcities.common.forms import PrivateDocumentField
from learningcities.common.languages import language_choices
from learningcities.questionnaires.profile import PROFILE_FIELDS, ProfileField, ProfileKind

from ..enums import CHALLENGE_MAX, CHALLENGE_MIN, Challenge
from ..models import Submission

CHALLENGE_PREFIX = "challenges-"
LETTER_FIELD = "commitment_letter"


def _label(field: str) -> str:
    label = str(Submission._meta.get_field(field).verbose_name)
    return label[:1].upper() + label[1:]


class StartApplicationForm(forms.Form):
    """Which call to apply to, for which of the coordinator's cities."""

    call = forms.IntegerField(widget=forms.HiddenInput)
    organisation = forms.IntegerField(widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    """A coordinator's move of the application: submit or withdraw."""

    action = forms.ChoiceField(
        choices=[("submit", _("Submit")), ("withdraw", _("Withdraw"))], widget=forms.HiddenInput
    )


def _number_field(field: str, inputmode: str) -> forms.Field:
    return forms.CharField(
        label=_label(field),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": inputmode}),
    )


def _long_text_field(field: str, limit: int | None) -> forms.Field:
    attrs = {"rows": 8}
    if limit:
        attrs["data-word-limit"] = limit
    return forms.CharField(
        label=_label(field),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs=attrs),
        help_text=_("At most %(count)s words.") % {"count": limit} if limit else "",
    )


def _text_field(field: str) -> forms.Field:
    widget = forms.EmailInput if field == "contact_email" else forms.TextInput
    return forms.CharField(label=_label(field), required=False, widget=widget)


def _choice_field(field: str) -> forms.Field:
    return forms.ChoiceField(
        label=_label(field),
        required=False,
        choices=[("", pgettext_lazy("language", "Not chosen")), *language_choices()],
    )


def _challenge_field(challenge: Challenge) -> forms.Field:
    return forms.ChoiceField(
        label=challenge.label,
        required=False,
        choices=[(str(point), str(point)) for point in range(CHALLENGE_MIN, CHALLENGE_MAX + 1)],
        widget=forms.RadioSelect,
        help_text=_("1: a minor challenge; 5: a major one."),
    )


# The form's order: the figures, the accounts, the challenges, then the contact.
_FORM_ORDER = (
    ProfileKind.YEAR,
    ProfileKind.INTEGER,
    ProfileKind.DECIMAL,
    ProfileKind.LONG_TEXT,
    ProfileKind.RATINGS,
    ProfileKind.TEXT,
    ProfileKind.CHOICE,
)


class ProfileForm(forms.Form):
    """The city's profile, its challenges rated 1 to 5, and the mayor's commitment letter.

    ``profile_fields``: the fields the call asks for (all of ``PROFILE_FIELDS``
    unless told; a call for presentations asks for its contact and motivation
    only); ``letter``: whether the commitment letter is offered.
    """

    def __init__(
        self,
        *args,
        word_limits: dict[str, int] | None = None,
        profile_fields: tuple[ProfileField, ...] = PROFILE_FIELDS,
        letter: bool = True,
        **kwargs,
    ):
        kwargs.setdefault("auto_id", "profile-%s")
        super().__init__(*args, **kwargs)
        word_limits = word_limits or {}
        for field in sorted(profile_fields, key=lambda field: _FORM_ORDER.index(field.kind)):
            self._add(field, word_limits.get(field.name))
        if letter:
            self.fields[LETTER_FIELD] = PrivateDocumentField(
                label=_("Mayor's commitment letter"),
                required=False,
                allowed=[FileFamily.PDF, FileFamily.IMAGE],
                help_text=_("A PDF or an image of the signed letter."),
            )

    def _add(self, field: ProfileField, word_limit: int | None) -> None:
        if field.kind == ProfileKind.RATINGS:
            for challenge in Challenge:
                self.fields[f"{CHALLENGE_PREFIX}{challenge.value}"] = _challenge_field(challenge)
            return
        self.fields[field.name] = {
            ProfileKind.YEAR: lambda: _number_field(field.name, "numeric"),
            ProfileKind.INTEGER: lambda: _number_field(field.name, "numeric"),
            ProfileKind.DECIMAL: lambda: _number_field(field.name, "decimal"),
            ProfileKind.LONG_TEXT: lambda: _long_text_field(field.name, word_limit),
            ProfileKind.TEXT: lambda: _text_field(field.name),
            ProfileKind.CHOICE: lambda: _choice_field(field.name),
        }[field.kind]()
