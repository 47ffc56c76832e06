"""Show translated content: a text shown in another language carries its ``lang`` and a note.

``{{ criterion.title|shown }}`` writes the text; when it is the original shown
for want of a translation (``common.translated.Shown``), it is wrapped in an
element with its ``lang`` and followed by a visible note ("shown in English").
For a block of text, ``<div{% lang_attr call.description %}>`` marks the
container and ``{% fallback_note call.description %}`` writes the note.
"""

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext, to_locale

from ..enums import TranslationState
from ..translated import shown as shown_text

register = template.Library()


@lru_cache(maxsize=64)
def _language_name(code: str, in_language: str) -> str:
    base = code.split("-")[0]
    try:
        return Locale.parse(to_locale(in_language)).languages.get(base, code)
    except (UnknownLocaleError, ValueError):
        return code


def _is_fallback(value) -> bool:
    return bool(getattr(value, "is_fallback", False))


@register.simple_tag
def fallback_note(value) -> str:
    """Return the visible note of a text shown in its original language, else nothing."""
    if not _is_fallback(value):
        return ""
    language = _language_name(value.language, get_language() or "en")
    if value.state == TranslationState.OUTDATED:
        note = pgettext("translation", "shown in %(language)s: the translation is out of date")
    else:
        note = pgettext("translation", "shown in %(language)s")
    return format_html('<span class="fallback-note">({})</span>', note % {"language": language})


@register.simple_tag
def lang_attr(value) -> SafeString:
    """Return `` lang="…"`` for a text shown in its original language, else nothing."""
    if not _is_fallback(value):
        return mark_safe("")
    return format_html(' lang="{}" dir="auto"', value.language)


@register.filter
def shown(value) -> SafeString:
    """Write a text; one shown in its original language is marked with ``lang`` and a note."""
    if not _is_fallback(value):
        return format_html("{}", value)
    return format_html(
        '<span lang="{}" dir="auto">{}</span> {}', value.language, str(value), fallback_note(value)
    )


@register.filter
def translated(obj, field: str):
    """Return ``field`` of a translatable ``obj`` in the active language (a ``Shown``)."""
    return shown_text(obj, field)


@register.simple_tag
def tr(obj, field: str) -> SafeString:
    """Write ``field`` of ``obj`` in the active language, marked when shown in its original."""
    return shown(shown_text(obj, field))
