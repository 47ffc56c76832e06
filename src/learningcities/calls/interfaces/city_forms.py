"""Forms of the city coordinator's application pages.

The forms only shape the input: every value is checked by the domain
(``clean_profile_value``, ``save_answer``), whose errors the views attach to
the field they concern. Every field is optional, since drafts save as typed.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from learningcities.common.enums import FileFamily
from learningcities.common.forms import PrivateDocumentField
from learningcities.frameworks.enums import AnswerType

from ..domain.submissions import DECIMAL_FIELDS, INTEGER_FIELDS
from ..enums import CHALLENGE_MAX, CHALLENGE_MIN, CallLanguage, Challenge
from ..models import Submission

YES, NO = "yes", "no"
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


class ProfileForm(forms.Form):
    """The city's profile, its challenges rated 1 to 5, and the mayor's commitment letter."""

    def __init__(self, *args, word_limits: dict[str, int] | None = None, **kwargs):
        kwargs.setdefault("auto_id", "profile-%s")
        super().__init__(*args, **kwargs)
        word_limits = word_limits or {}
        for field in INTEGER_FIELDS:
            self.fields[field] = forms.CharField(
                label=_label(field),
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            )
        for field in DECIMAL_FIELDS:
            self.fields[field] = forms.CharField(
                label=_label(field),
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        for field in ("motivation", "implementation"):
            attrs = {"rows": 8}
            if word_limits.get(field):
                attrs["data-word-limit"] = word_limits[field]
            self.fields[field] = forms.CharField(
                label=_label(field),
                required=False,
                strip=False,
                widget=forms.Textarea(attrs=attrs),
                help_text=_("At most %(count)s words.") % {"count": word_limits[field]}
                if word_limits.get(field)
                else "",
            )
        for challenge in Challenge:
            self.fields[f"{CHALLENGE_PREFIX}{challenge.value}"] = forms.ChoiceField(
                label=challenge.label,
                required=False,
                choices=[
                    (str(point), str(point)) for point in range(CHALLENGE_MIN, CHALLENGE_MAX + 1)
                ],
                widget=forms.RadioSelect,
                help_text=_("1: a minor challenge; 5: a major one."),
            )
        self.fields["contact_name"] = forms.CharField(label=_label("contact_name"), required=False)
        self.fields["contact_email"] = forms.CharField(
            label=_label("contact_email"),
            required=False,
            widget=forms.EmailInput,
        )
        self.fields["contact_phone"] = forms.CharField(
            label=_label("contact_phone"), required=False
        )
        self.fields["communication_language"] = forms.ChoiceField(
            label=_label("communication_language"),
            required=False,
            choices=[("", pgettext_lazy("language", "Not chosen")), *CallLanguage.choices],
        )
        self.fields[LETTER_FIELD] = PrivateDocumentField(
            label=_("Mayor's commitment letter"),
            required=False,
            allowed=[FileFamily.PDF, FileFamily.IMAGE],
            help_text=_("A PDF or an image of the signed letter."),
        )


def answer_field_name(criterion) -> str:
    return f"answer-{criterion.code}"


def evidence_field_name(criterion) -> str:
    return f"evidence-{criterion.code}"


def takes_evidence(criterion) -> bool:
    """Tell whether the city attaches documents to ``criterion``.

    A file criterion is answered by them; a text criterion with file kinds
    takes them beside its written answer.
    """
    return criterion.answer_type == AnswerType.FILE or (
        criterion.answer_type == AnswerType.TEXT and bool(criterion.file_kinds)
    )


class SectionForm(forms.Form):
    """The answers to the criteria of one framework section, one field per criterion."""

    def __init__(self, *args, criteria=(), **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            label = f"{criterion.code} {criterion.title}"
            name = answer_field_name(criterion)
            if criterion.answer_type == AnswerType.TEXT:
                attrs = {"rows": 6}
                help_text = ""
                if criterion.word_limit:
                    attrs["data-word-limit"] = criterion.word_limit
                    help_text = _("At most %(count)s words.") % {"count": criterion.word_limit}
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    strip=False,
                    widget=forms.Textarea(attrs=attrs),
                    help_text=help_text,
                )
            elif criterion.answer_type == AnswerType.NUMBER:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                    help_text=_("Unit: %(unit)s") % {"unit": criterion.unit}
                    if criterion.unit
                    else "",
                )
            elif criterion.answer_type == AnswerType.RATING:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[
                        (str(point), f"{point}: {descriptor}" if descriptor else str(point))
                        for point, descriptor in criterion.rating_points
                    ],
                    widget=forms.RadioSelect,
                )
            elif criterion.answer_type == AnswerType.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[(YES, _("Yes")), (NO, _("No"))],
                    widget=forms.RadioSelect,
                )
            elif criterion.answer_type == AnswerType.FILE:
                self.fields[evidence_field_name(criterion)] = PrivateDocumentField(
                    label=label,
                    required=False,
                    allowed=criterion.file_kinds or [FileFamily.PDF],
                    help_text=_("Attach a document as evidence."),
                )
            if criterion.guidance and name in self.fields:
                self.fields[name].help_text = " ".join(
                    str(part) for part in (criterion.guidance, self.fields[name].help_text) if part
                )
            if takes_evidence(criterion) and criterion.answer_type != AnswerType.FILE:
                # A written account with documents beside it (the award's criteria).
                self.fields[evidence_field_name(criterion)] = PrivateDocumentField(
                    label=_("Evidence for %(code)s") % {"code": criterion.code},
                    required=False,
                    allowed=criterion.file_kinds,
                    help_text=_("Attach a document that shows what your answer describes."),
                )
