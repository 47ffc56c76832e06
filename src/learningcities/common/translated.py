"""Content in several languages: an original and its translations, each with its state.

A translatable row (``TranslatableContent``) records the language it was written
in (``language``) and carries its translations in one JSON field::

    {"fr": {"title": {"text": "…", "source": "<digest of the original>"}}}

Each translation remembers a digest of the original it was made from, so a
translation whose original changed since is *outdated*. A text shown in a
language it lacks (missing or outdated) falls back to the original, as a
``Shown`` string that knows its language, so a page marks it with its ``lang``
attribute and a "shown in English" note (``{% translated_text %}``).
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import TranslationState
from .languages import language_codes, language_name


def source_digest(value: object) -> str:
    """Return a short digest of an original text (or list of texts)."""
    if not isinstance(value, str):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def active_language() -> str:
    """Return the active interface language, as ``settings.LANGUAGES`` writes it."""
    return (get_language() or "en").lower()


class Shown(str):
    """A text as shown in a wanted language: the translation, or the original as fallback.

    It is a ``str`` (forms, exports and PDFs use it as text) that also tells the
    language it is written in and the state of the wanted language's translation.
    """

    language: str
    state: str

    def __new__(cls, text: str, *, language: str, state: str):
        shown = super().__new__(cls, text)
        shown.language = language
        shown.state = state
        return shown

    @property
    def is_fallback(self) -> bool:
        """Tell whether the original is shown because the translation is missing or outdated."""
        return self.state in (TranslationState.MISSING, TranslationState.OUTDATED)


class TranslatableContent(models.Model):
    """A row whose texts exist in an original language and may carry translations.

    A subclass names its texts in ``translated_fields``; it has a ``language``
    field (its original language) or overrides ``original_language``.
    """

    translated_fields: tuple[str, ...] = ()

    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "_localised", False):
            raise RuntimeError("A row localised for display is never saved.")
        super().save(*args, **kwargs)

    @property
    def original_language(self) -> str:
        return self.language

    @property
    def language_name(self) -> str:
        """Return the name of the original language, in the active language."""
        return language_name(self.original_language)

    @property
    def first_translation_language(self) -> str:
        """Return the first interface language that is not the original (for a link)."""
        return next(code for code in language_codes() if code != self.original_language)

    def languages_available(self) -> list[str]:
        """Return the original language and those with at least one translated text."""
        translated = [code for code in language_codes() if self.translations.get(code)]
        return [self.original_language, *(c for c in translated if c != self.original_language)]


def translation_state(obj: TranslatableContent, field: str, language: str) -> str:
    """Return the state of ``field`` of ``obj`` in ``language`` (a ``TranslationState``)."""
    if language == obj.original_language:
        return TranslationState.ORIGINAL
    original = _original(obj, field)
    if original in ("", [], None):
        return TranslationState.ORIGINAL
    entry = (obj.translations.get(language) or {}).get(field)
    if not entry or entry.get("text") in ("", [], None):
        return TranslationState.MISSING
    if entry.get("source") != source_digest(original):
        return TranslationState.OUTDATED
    return TranslationState.TRANSLATED


def _original(obj: TranslatableContent, field: str):
    originals = getattr(obj, "_originals", None)
    if originals is not None and field in originals:
        return originals[field]
    return getattr(obj, field)


def shown(obj: TranslatableContent, field: str, language: str | None = None):
    """Return ``field`` of ``obj`` in ``language`` (default: the active one).

    A text comes back as a ``Shown`` string, a list (level descriptors) as a
    list of them; missing or outdated translations fall back to the original.
    """
    language = language or active_language()
    state = translation_state(obj, field, language)
    if state == TranslationState.TRANSLATED:
        value, written_in = obj.translations[language][field]["text"], language
    else:
        value, written_in = _original(obj, field), obj.original_language
    if isinstance(value, list):
        return [Shown(str(v), language=written_in, state=state) for v in value]
    return Shown(value or "", language=written_in, state=state)


def localise(
    objects: Iterable[TranslatableContent], language: str | None = None
) -> list[TranslatableContent]:
    """Put the texts of ``objects`` in ``language`` in place, for display only.

    Each translated field then holds a ``Shown`` value; the originals stay in
    ``_originals``, and the row refuses to be saved. Returns the objects.
    """
    language = language or active_language()
    objects = list(objects)
    for obj in objects:
        if getattr(obj, "_localised", False):
            continue
        obj._originals = {field: getattr(obj, field) for field in obj.translated_fields}
        for field in obj.translated_fields:
            setattr(obj, field, shown(obj, field, language))
        obj._localised = True
    return objects


def set_translation(obj: TranslatableContent, language: str, field: str, text) -> None:
    """Record ``text`` as the ``language`` translation of ``field`` (empty: remove it).

    The caller saves ``obj``. The translation remembers the original it was made
    from, so a later change of the original makes it outdated.
    """
    _check_translatable(obj, language, field)
    fields = dict(obj.translations.get(language) or {})
    if text in ("", [], None):
        fields.pop(field, None)
    else:
        fields[field] = {"text": text, "source": source_digest(_original(obj, field))}
    translations = {k: v for k, v in obj.translations.items() if k != language}
    if fields:
        translations[language] = fields
    obj.translations = translations


def _check_translatable(obj: TranslatableContent, language: str, field: str) -> None:
    if field not in obj.translated_fields:
        raise ValueError(f"{type(obj).__name__} has no translated field {field!r}")
    if language == obj.original_language or language not in language_codes():
        raise ValueError(f"{language!r} is not a language to translate into")


@dataclass(frozen=True)
class Coverage:
    """How many texts of an object (or several) stand in each state, in one language."""

    language: str
    translated: int = 0
    missing: int = 0
    outdated: int = 0
    original: bool = False

    @property
    def total(self) -> int:
        return self.translated + self.missing + self.outdated

    @property
    def language_name(self) -> str:
        return language_name(self.language)

    @property
    def state_label(self) -> str:
        return TranslationState(self.state).label

    @property
    def state(self) -> str:
        """Return the worst state: outdated, else missing, else translated (or original)."""
        if self.original:
            return TranslationState.ORIGINAL
        if self.outdated:
            return TranslationState.OUTDATED
        if self.missing:
            return TranslationState.MISSING
        return TranslationState.TRANSLATED


def coverage(objects: Iterable[TranslatableContent]) -> list[Coverage]:
    """Return the coverage of the texts of ``objects`` in every interface language.

    A language is *original* when every object was written in it; texts that are
    empty in the original are not counted.
    """
    objects = list(objects)
    return [_language_coverage(objects, language) for language in language_codes()]


def _language_coverage(objects: list[TranslatableContent], language: str) -> Coverage:
    translated = [obj for obj in objects if obj.original_language != language]
    states = [
        translation_state(obj, field, language)
        for obj in translated
        for field in obj.translated_fields
    ]
    return Coverage(
        language,
        translated=states.count(TranslationState.TRANSLATED),
        missing=states.count(TranslationState.MISSING),
        outdated=states.count(TranslationState.OUTDATED),
        original=bool(objects) and not translated,
    )


@dataclass(frozen=True)
class TranslatableKind:
    """A kind of content the secretariat translates and follows on the translations page.

    Apps register theirs (``register_translatable``) when they load: common
    never imports them. ``rows(obj)`` returns the rows holding an object's texts
    (default: the object itself); ``editable`` says whether its translations are
    written on the page (a framework's come with its files); ``changed(obj)``
    runs after a translation is saved (to refresh cached pages).
    """

    key: str
    label: object
    objects: Callable[[], "models.QuerySet"]
    rows: Callable[[object], list] | None = None
    editable: bool = True
    url: Callable[[object], str] | None = None
    changed: Callable[[object], None] | None = None  # after a translation is saved

    def rows_of(self, obj) -> list:
        return list(self.rows(obj)) if self.rows else [obj]

    def get(self, pk: int):
        """Return the object ``pk`` of this kind, or None."""
        return self.objects().filter(pk=pk).first()


_KINDS: dict[str, TranslatableKind] = {}


def register_translatable(kind: TranslatableKind) -> TranslatableKind:
    """Add a kind of content to the translations page (idempotent)."""
    _KINDS[kind.key] = kind
    return kind


def translatable_kinds() -> list[TranslatableKind]:
    """Return the registered kinds of translatable content, in registration order."""
    return list(_KINDS.values())


def translatable_kind(key: str) -> TranslatableKind | None:
    return _KINDS.get(key)
