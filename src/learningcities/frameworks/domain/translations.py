"""Translations of a loaded framework: check a translation document, then record it.

A framework file ``<name>.yaml`` may have one sibling per language,
``<name>.<language>.yaml``, holding the texts of that language keyed by code::

    code: key-features
    version: "2013-short"
    language: fr
    name: …
    description: …
    sections: {"1": …}
    areas: {"1.1": …}
    criteria:
      "1.1.1": {title: …, guidance: …, unit: …, levels: […], indicators: […]}

A translation never changes the framework's content (its questions, scales and
hash): it may be added or corrected at any time. A text the translation lacks
stays *missing* and shows in the original language.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from learningcities.common.domain.activity import record_activity
from learningcities.common.languages import language_codes
from learningcities.common.translated import set_translation

from ..models import Area, Criterion, Framework, Indicator, Section
from ..validators import Problem, join
from .errors import FrameworkInvalid

TOP_KEYS = ("code", "version", "language", "name", "description", "sections", "areas", "criteria")
CRITERION_KEYS = ("title", "guidance", "unit", "levels", "indicators")


@dataclass
class TranslationResult:
    """What recording a translation did: how many texts changed."""

    language: str
    changed: int = 0
    texts: int = 0

    def __str__(self) -> str:
        if not self.changed:
            return f"  {self.language}: unchanged ({self.texts} texts)"
        return f"  {self.language}: {self.changed} of {self.texts} texts recorded"


@dataclass
class _Check:
    framework: Framework
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def text(self, value: Any, path: str) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(path, "must be text")
            return ""
        return str(value).strip()

    def texts(self, value: Any, path: str, count: int) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "must be a list of texts")
            return []
        if len(value) != count:
            self.problem(path, f"must have {count} items, as the original has (has {len(value)})")
            return []
        return [self.text(item, join(path, i)) for i, item in enumerate(value)]

    def mapping(self, value: Any, path: str, known: dict) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of codes to texts")
            return {}
        for code in value:
            if str(code) not in known:
                self.problem(join(path, str(code)), "no such code in the framework")
        return {str(code): text for code, text in value.items() if str(code) in known}


def check_translation(framework: Framework, data: Any) -> tuple[str, list[tuple], list[Problem]]:
    """Check a translation document against ``framework``.

    Returns ``(language, texts, problems)``; ``texts`` lists ``(row, field,
    text)`` for every text the document gives.
    """
    check = _Check(framework)
    if not isinstance(data, dict):
        return "", [], [Problem("(document)", "must be a mapping of keys to values")]
    for key in data:
        if key not in TOP_KEYS:
            check.problem(str(key), f"unknown key (allowed: {', '.join(TOP_KEYS)})")
    language = _language(check, framework, data)
    texts = [(framework, key, check.text(data.get(key), key)) for key in ("name", "description")]
    sections = Section.objects.filter(framework=framework)
    texts.extend(_titles(check, data.get("sections"), "sections", sections))
    areas = Area.objects.filter(section__framework=framework)
    texts.extend(_titles(check, data.get("areas"), "areas", areas))
    texts.extend(_criteria_texts(check, framework, data.get("criteria")))
    return language, [t for t in texts if t[2] not in ("", [])], check.problems


def _titles(check: _Check, value: Any, key: str, rows) -> list[tuple]:
    """Return ``(row, "title", text)`` for each code of ``value`` (sections or areas)."""
    by_code = {row.code: row for row in rows}
    return [
        (by_code[code], "title", check.text(title, join(key, code)))
        for code, title in check.mapping(value, key, by_code).items()
    ]


def _language(check: _Check, framework: Framework, data: dict) -> str:
    for key in ("code", "version"):
        if str(data.get(key, "")) != getattr(framework, key):
            check.problem(key, f"must be {getattr(framework, key)!r}, as the framework's")
    language = str(data.get("language") or "")
    if language not in language_codes():
        check.problem("language", f"must be one of {', '.join(language_codes())}")
    elif language == framework.language:
        check.problem("language", "is the framework's own language")
    return language


def _criteria_texts(check: _Check, framework: Framework, value: Any) -> list[tuple]:
    criteria = {c.code: c for c in Criterion.objects.filter(framework=framework)}
    indicators: dict[int, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(criterion__framework=framework).order_by("order"):
        indicators.setdefault(indicator.criterion_id, []).append(indicator)
    texts = []
    for code, entry in check.mapping(value, "criteria", criteria).items():
        path, criterion = join("criteria", code), criteria[code]
        if not isinstance(entry, dict):
            check.problem(path, "must be a mapping of title, guidance, unit, levels, indicators")
            continue
        for key in entry:
            if key not in CRITERION_KEYS:
                check.problem(join(path, str(key)), "unknown key")
        for key in ("title", "guidance", "unit"):
            texts.append((criterion, key, check.text(entry.get(key), join(path, key))))
        levels = len(criterion.level_descriptors)
        levels_path = join(path, "levels")
        texts.append(
            (criterion, "level_descriptors", check.texts(entry.get("levels"), levels_path, levels))
        )
        texts.extend(_indicator_texts(check, entry, path, indicators.get(criterion.pk, [])))
    return texts


def _indicator_texts(check: _Check, entry: dict, path: str, own: list) -> list[tuple]:
    given = check.texts(entry.get("indicators"), join(path, "indicators"), len(own))
    return [(row, "text", text) for row, text in zip(own, given, strict=False)]


def record_translation(
    framework: Framework, data: Any, *, actor=None, record: bool = True
) -> TranslationResult:
    """Check a translation document and record its texts on the framework's rows.

    Effects: sets the translations of every text the document gives (a text it
    lacks stays as it was), in one transaction, and records
    ``frameworks.framework.translate`` when anything changed (unless ``record``
    is false: the caller records it). Raises
    ``FrameworkInvalid`` with every problem; then nothing is written.
    """
    language, texts, problems = check_translation(framework, data)
    if problems:
        raise FrameworkInvalid(problems)
    result = TranslationResult(language, texts=len(texts))
    changed_rows: dict[tuple, object] = {}
    for row, field_name, text in texts:
        before = row.translations
        set_translation(row, language, field_name, text)
        if row.translations != before:
            changed_rows[(type(row), row.pk)] = row
            result.changed += 1
    if not changed_rows:
        return result
    with transaction.atomic():
        for row in changed_rows.values():
            type(row).objects.filter(pk=row.pk).update(translations=row.translations)
        if record:
            record_activity(
                "frameworks.framework.translate",
                actor=actor,
                subject=framework,
                changes={"language": [None, language], "texts": [None, result.changed]},
            )
    return result


def check_only(framework: Framework, data: Any) -> None:
    """Check a translation document; raise ``FrameworkInvalid`` with every problem."""
    _language, _texts, problems = check_translation(framework, data)
    if problems:
        raise FrameworkInvalid(problems)
