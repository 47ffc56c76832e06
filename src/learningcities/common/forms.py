"""Forms of common: a private document field for other apps, the workspace's forms."""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .domain.documents import DEFAULT_ALLOWED, DocumentError, check_upload
from .domain.outbox import OutboxError, check_template_syntax
from .enums import FileFamily, OutboxStatus
from .languages import is_right_to_left

_ACCEPT = {
    FileFamily.PDF: [".pdf", "application/pdf"],
    FileFamily.IMAGE: [".png", ".jpg", ".jpeg", ".gif", ".webp"],
    FileFamily.OFFICE: [".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".doc", ".xls", ".ppt"],
}


# The largest key a database integer holds: a bigger posted id is refused as
# invalid before it reaches the database (which would fail on it, not answer).
MAX_ID = 2**63 - 1


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows, refusing ids that are not whole numbers a database can hold.

    Django's own field hands any posted id to the database, which fails on a
    number larger than its integer column (SQLite raises, PostgreSQL errors).
    """

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


# The largest value of each integer column, as PostgreSQL holds it.
INTEGER_LIMITS = {
    "PositiveSmallIntegerField": 32_767,
    "SmallIntegerField": 32_767,
    "PositiveIntegerField": 2_147_483_647,
    "IntegerField": 2_147_483_647,
}


class BoundedIntegers:
    """A model form whose whole numbers are refused above what their column holds.

    The forms leave the model's own validation to the domain (``_post_clean``),
    so the column limits are set on the form fields here.
    """

    def bound_integers(self) -> None:
        for name, field in self.fields.items():
            if not isinstance(field, forms.IntegerField) or field.max_value is not None:
                continue
            model_field = self._meta.model._meta.get_field(name)
            limit = INTEGER_LIMITS.get(model_field.get_internal_type())
            if limit is not None:
                field.max_value = limit
                field.validators.append(MaxValueValidator(limit))
                field.widget.attrs["max"] = limit


class PrivateDocumentField(forms.FileField):
    """A file field that checks an upload as ``store_document`` will (size, bytes, name).

    The cleaned value is the upload itself; the view passes it to
    ``common.domain.documents.store_document`` to keep it::

        letter = PrivateDocumentField(allowed=["pdf"], label=_("Commitment letter"))
    """

    def __init__(self, *, allowed: Iterable[str] = DEFAULT_ALLOWED, **kwargs):
        self.allowed = tuple(allowed)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault(
            "accept", ",".join(item for family in self.allowed for item in _ACCEPT[family])
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            try:
                check_upload(upload, name=upload.name, allowed=self.allowed)
            except DocumentError as exc:
                raise ValidationError(exc.message, code="invalid_document") from exc
        return upload


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("status", "All")), *OutboxStatus.choices],
    )
    template = forms.ChoiceField(label=_("Template"), required=False, choices=[])
    recipient = forms.CharField(label=_("Recipient"), required=False, max_length=200)

    def __init__(self, *args, template_codes: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [
            ("", pgettext_lazy("template", "All")),
            *((code, code) for code in template_codes),
        ]


class MessageTemplateForm(forms.Form):
    """The subject and bodies of one template in one language; syntax errors are form errors."""

    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 16}))
    html_body = forms.CharField(
        label=_("HTML version (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def _clean_template(self, name: str, *, html: bool = False) -> str:
        value = self.cleaned_data.get(name, "")
        try:
            check_template_syntax(value, html=html)
        except OutboxError as exc:
            raise ValidationError(exc.message, code="template_syntax") from exc
        return value

    def clean_subject(self) -> str:
        return self._clean_template("subject")

    def clean_body(self) -> str:
        return self._clean_template("body")

    def clean_html_body(self) -> str:
        return self._clean_template("html_body", html=True)


class TranslationForm(forms.Form):
    """The translation of one object's texts into one language: a field per text.

    A text left empty has no translation (the original is shown instead). Each
    field takes the original field's length limit, and is written in the
    translation's language and direction.
    """

    def __init__(self, obj, language: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = obj.translations.get(language) or {}
        attrs = {"lang": language, "dir": "rtl" if is_right_to_left(language) else "ltr"}
        for name in obj.translated_fields:
            model_field = obj._meta.get_field(name)
            is_long = model_field.get_internal_type() == "TextField"
            widget = (
                forms.Textarea(attrs={**attrs, "rows": 6}) if is_long else forms.TextInput(attrs)
            )
            self.fields[name] = forms.CharField(
                label=capfirst(model_field.verbose_name),
                required=False,
                max_length=model_field.max_length,
                strip=True,
                widget=widget,
                initial=(existing.get(name) or {}).get("text", ""),
            )
