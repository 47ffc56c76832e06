"""Translations of content: the overview of the translations page, and saving one."""

from dataclasses import dataclass

from django.db import transaction

from ..enums import TranslationState
from ..languages import language_codes
from ..translated import Coverage, coverage, set_translation, translatable_kinds
from .activity import record_activity
from .queries.outbox import mail_template_coverage


@dataclass
class ObjectCoverage:
    """One object of a kind, with its coverage in every language."""

    obj: object
    languages: list[Coverage]
    url: str = ""


@dataclass
class KindCoverage:
    """A kind of content with the coverage of each of its objects."""

    kind: object
    objects: list[ObjectCoverage]


def translation_overview() -> list[KindCoverage]:
    """Return every registered kind of content with each object's coverage per language."""
    return [
        KindCoverage(
            kind,
            [
                ObjectCoverage(obj, coverage(kind.rows_of(obj)), kind.url(obj) if kind.url else "")
                for obj in kind.objects()
            ],
        )
        for kind in translatable_kinds()
    ]


def mail_templates_coverage() -> list[Coverage]:
    """Return, per language, how many mail templates are translated, missing or outdated."""
    counts = {code: dict.fromkeys(TranslationState.values, 0) for code in language_codes()}
    for _code, _description, states in mail_template_coverage():
        for language, state in states:
            counts[language][state] += 1
    return [
        Coverage(
            language,
            translated=n[TranslationState.TRANSLATED],
            missing=n[TranslationState.MISSING],
            outdated=n[TranslationState.OUTDATED],
            original=bool(n[TranslationState.ORIGINAL]),
        )
        for language, n in counts.items()
    ]


def save_translations(
    obj, language: str, texts: dict, *, actor=None, changed_hook=None
) -> list[str]:
    """Record the ``language`` translation of ``obj``'s texts; return the changed fields.

    Effects: saves every text of ``texts`` (an empty one removes the
    translation) with the digest of the original it translates, so a text
    saved again unchanged counts as checked against today's original; records
    ``common.translation.update`` and runs ``changed_hook(obj)`` when anything
    changed.
    """
    before = obj.translations
    for field, text in texts.items():
        set_translation(obj, language, field, text)
    changed = [
        field
        for field in texts
        if (before.get(language) or {}).get(field)
        != (obj.translations.get(language) or {}).get(field)
    ]
    if not changed:
        return changed
    with transaction.atomic():
        type(obj).objects.filter(pk=obj.pk).update(translations=obj.translations)
        record_activity(
            "common.translation.update",
            actor=actor,
            subject=obj,
            changes={"language": [None, language], "fields": [None, changed]},
        )
        if changed_hook is not None:
            changed_hook(obj)
    return changed
