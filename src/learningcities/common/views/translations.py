"""The secretariat follows and writes the translations of the network's content."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ..domain.translations import (
    mail_templates_coverage,
    save_translations,
    translation_overview,
)
from ..forms import TranslationForm
from ..languages import is_right_to_left, language_codes, language_name
from ..translated import coverage, translatable_kind, translation_state


@require_safe
@login_required
@permission_required("common.translate_content", raise_exception=True)
def translations(request: HttpRequest) -> HttpResponse:
    """Show, per kind of content, per object and per language, how far it is translated."""
    return render(
        request,
        "common/translations/overview.html",
        {
            "kinds": translation_overview(),
            "mail_templates": mail_templates_coverage(),
            "content_languages": [(code, language_name(code)) for code in language_codes()],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required("common.translate_content", raise_exception=True)
def translation_edit(request: HttpRequest, kind: str, pk: int, language: str) -> HttpResponse:
    """Write the translation of one object's texts into one language, beside the original."""
    found, obj = _translatable_or_404(kind, pk, language)
    form = TranslationForm(obj, language, request.POST or None)
    if request.method == "POST" and form.is_valid():
        save_translations(
            obj, language, form.cleaned_data, actor=request.user, changed_hook=found.changed
        )
        messages.success(
            request,
            _("Translation saved: %(language)s.") % {"language": language_name(language)},
        )
        return redirect("common:translations")
    return render(
        request, "common/translations/edit.html", _edit_context(found, obj, form, language)
    )


def _translatable_or_404(kind: str, pk: int, language: str):
    found = translatable_kind(kind)
    obj = found.get(pk) if found and found.editable else None
    if obj is None or language not in language_codes() or language == obj.original_language:
        raise Http404
    return found, obj


def _edit_context(kind, obj, form: TranslationForm, language: str) -> dict:
    return {
        "kind": kind,
        "object": obj,
        "form": form,
        "language": language,
        "language_name": language_name(language),
        "direction": "rtl" if is_right_to_left(language) else "ltr",
        "original_direction": "rtl" if is_right_to_left(obj.original_language) else "ltr",
        "fields": [
            (form[name], getattr(obj, name), translation_state(obj, name, language))
            for name in obj.translated_fields
        ],
        "coverage": coverage([obj]),
    }
