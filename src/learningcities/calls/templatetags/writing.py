"""The direction a text is written in, for the PDFs (WeasyPrint knows no ``dir="auto"``).

A city may answer in English while its dossier is read in Arabic, or the
reverse: ``<p{{ text|dir_attr }}>`` gives such a text its own direction, so
its punctuation and its parentheses stay where its author put them.
"""

import unicodedata

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

RIGHT_TO_LEFT = frozenset({"R", "AL"})


def text_direction(value) -> str:
    """Return ``rtl`` or ``ltr`` after the first strongly directed letter of ``value``.

    HTML's rule for ``dir="auto"``, markup skipped: a text without any letter
    (a telephone number, an amount) is written left to right; an empty one
    has no direction ("").
    """
    text = strip_tags(str(value if value is not None else "")).strip()
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction == "L":
            return "ltr"
        if direction in RIGHT_TO_LEFT:
            return "rtl"
    return "ltr" if text else ""


@register.filter
def dir_attr(value) -> SafeString:
    """Return `` dir="…"`` for the direction ``value`` is written in, or nothing."""
    direction = text_direction(value)
    return format_html(' dir="{}"', direction) if direction else mark_safe("")
