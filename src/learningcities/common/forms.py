"""Forms of common: a private document field for other apps, the workspace's forms."""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
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
