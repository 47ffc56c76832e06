"""Sorting names as each language expects (collation), with CLDR's rules from ICU.

A list a person reads sorts as their language sorts it: accents are not letters
of their own in English or French ("Évora" beside "Espoo", not after "Zagreb"),
"ñ" follows "n" in Spanish, "ă", "â" and "đ" are letters in Vietnamese, and
Chinese names follow their pinyin. Python's ``sorted`` compares code points and
``locale.strxfrm`` depends on the locales installed and is global to the process.

Why ICU, and this distribution of it: PyICU is the reference binding of ICU, but
it ships only as source and needs ICU's headers and a compiler, which a fresh
machine running ``make run`` does not have. ``pyicu-wheels`` is PyICU built with
ICU inside, as wheels for CPython 3.10 to 3.14 on Linux (glibc and musl), macOS
and Windows, so ``uv sync`` installs it like any other package. Alternatives
weighed: ``icu4py`` (maintained wheels, but no collation yet); ``pyuca`` (pure
Python, last released 2017, only the Unicode default order: no tailoring, so no
pinyin for Chinese, "ñ" and the Vietnamese letters sorted as plain "n", "a",
"d"). With ICU nothing is lost: every interface language has its CLDR tailoring.

A collator is made once per language and thread: ICU documents a collator as
safe to share for comparisons, but keeping one per thread costs little and keeps
this module free of that assumption.
"""

import threading
from collections.abc import Callable, Iterable

import icu
from django.conf import settings
from django.utils.translation import get_language

_per_thread = threading.local()


def _collator(language: str) -> icu.Collator:
    collators = _per_thread.__dict__.setdefault("collators", {})
    collator = collators.get(language)
    if collator is None:
        # Django's codes are BCP 47 tags ("zh-hans"); ICU reads them as they are.
        collator = icu.Collator.createInstance(icu.Locale.forLanguageTag(language))
        collators[language] = collator
    return collator


def sort_key(language: str | None = None) -> Callable[[str], bytes]:
    """Return a key function that orders text as ``language`` does (default: the active one).

    ``sorted(names, key=sort_key("es"))``; the keys of one language compare with
    each other only.
    """
    return _collator(language or get_language() or settings.LANGUAGE_CODE).getSortKey


def sorted_by[T](
    items: Iterable[T], name: Callable[[T], str], *, language: str | None = None
) -> list[T]:
    """Return ``items`` ordered by ``name(item)`` as ``language`` (default: active) sorts."""
    key = sort_key(language)
    return sorted(items, key=lambda item: key(name(item)))
