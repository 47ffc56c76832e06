"""Framework translations: files beside the framework, checked, recorded, shown in each language."""

import pytest
import yaml
from django.test import Client
from django.utils import translation

from learningcities.common.enums import TranslationState
from learningcities.common.models import ActivityLogEntry
from learningcities.common.translated import coverage, shown
from learningcities.frameworks.domain.errors import FrameworkInvalid
from learningcities.frameworks.domain.queries.frameworks import framework_rows, localised_criteria
from learningcities.frameworks.interfaces.yaml_files import (
    SHIPPED_DIR,
    SHIPPED_FILES,
    load_framework_file,
)
from learningcities.frameworks.models import Criterion, Framework

from .helpers import small_document

pytestmark = pytest.mark.django_db

FRENCH = {
    "code": "test-framework",
    "version": "1.0",
    "language": "fr",
    "name": "Cadre de test",
    "sections": {"1": "Première partie"},
    "areas": {"1.1": "Premier domaine"},
    "criteria": {
        "1.1.1": {"title": "Une question", "indicators": ["Première mesure", "Seconde mesure"]},
        "1.1.2": {"title": "Une note", "levels": ["Faible", "Moyen", "Élevé"]},
        "1.2.1": {"title": "Un nombre", "unit": "km²"},
    },
}


def write(tmp_path, translations: dict | None = None):
    path = tmp_path / "test.yaml"
    path.write_text(yaml.safe_dump(small_document(), allow_unicode=True), encoding="utf-8")
    for language, document in (translations or {}).items():
        (tmp_path / f"test.{language}.yaml").write_text(
            yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return path


# The languages the shipped frameworks and mails come in; a language added later
# falls back to English (marked) until its files are written.
SHIPPED_LANGUAGES = {"en", "fr", "es", "ar", "zh-hans", "ru", "vi"}


@pytest.mark.parametrize("name", SHIPPED_FILES)
def test_every_shipped_framework_is_translated_into_every_language(name):
    data = yaml.safe_load((SHIPPED_DIR / name).read_text(encoding="utf-8"))
    framework = Framework.objects.get(code=data["code"], version=data["version"])

    by_language = {c.language: c for c in coverage(framework_rows(framework))}
    assert set(by_language) >= SHIPPED_LANGUAGES
    assert by_language["en"].state == TranslationState.ORIGINAL
    for language in SHIPPED_LANGUAGES - {"en"}:
        assert (language, by_language[language].state) == (language, TranslationState.TRANSLATED)
        assert by_language[language].missing == 0


def test_a_translation_file_is_recorded_with_the_framework(tmp_path):
    result = load_framework_file(write(tmp_path, {"fr": FRENCH}))

    criterion = Criterion.objects.get(framework=result.framework, code="1.1.2")
    assert shown(criterion, "title", "fr") == "Une note"
    assert shown(criterion, "level_descriptors", "fr") == ["Faible", "Moyen", "Élevé"]
    assert shown(criterion, "title", "es").state == TranslationState.MISSING
    assert [str(t) for t in result.translations] == ["  fr: 10 of 10 texts recorded"]
    entries = ActivityLogEntry.objects.filter(
        action="frameworks.framework.translate", object_id=str(result.framework.pk)
    )
    assert entries.count() == 1


def test_loading_again_skips_an_unchanged_file_and_records_a_corrected_one(tmp_path):
    path = write(tmp_path, {"fr": FRENCH})
    load_framework_file(path)

    assert load_framework_file(path).translations == []
    corrected = {**FRENCH, "name": "Cadre d'essai"}
    write(tmp_path, {"fr": corrected})
    result = load_framework_file(path)

    assert result.status == "unchanged"  # the framework's content itself
    assert [t.changed for t in result.translations] == [1]
    assert shown(result.framework, "name", "fr") == "Cadre d'essai"


def test_a_translation_with_problems_is_refused_whole_with_its_file_and_line(tmp_path):
    broken = {
        **FRENCH,
        "sections": {"1": "Première partie", "9": "Inconnue"},
        "criteria": {"1.1.2": {"title": "Une note", "levels": ["Faible", "Élevé"]}},
    }
    path = write(tmp_path, {"fr": broken})

    with pytest.raises(FrameworkInvalid) as excinfo:
        load_framework_file(path)

    problems = [str(problem) for problem in excinfo.value.problems]
    assert any("test.fr.yaml: sections.9: no such code" in p and "line" in p for p in problems)
    assert any("criteria.1.1.2.levels: must have 3 items" in p for p in problems)
    assert not Framework.objects.filter(code="test-framework").exists()


def test_a_translation_into_the_original_language_is_refused(tmp_path):
    with pytest.raises(FrameworkInvalid) as excinfo:
        load_framework_file(write(tmp_path, {"en": {**FRENCH, "language": "en"}}))
    assert "language: is the framework's own language" in str(excinfo.value.problems[0])


def test_the_questionnaire_reads_the_framework_in_the_active_language(tmp_path):
    framework = load_framework_file(write(tmp_path, {"fr": FRENCH})).framework

    with translation.override("fr"):
        criteria = localised_criteria(framework)
    titles = {c.code: c.title for c in criteria}
    assert titles["1.1.1"] == "Une question"
    assert criteria[0].area.title == "Premier domaine"
    assert criteria[0].area.section.title == "Première partie"
    # Not translated: shown in English, and known to be.
    assert titles["2.3"] == "A file"
    assert titles["2.3"].is_fallback


def test_the_framework_page_shows_the_translation_and_marks_what_is_not_translated(tmp_path):
    framework = load_framework_file(write(tmp_path, {"fr": FRENCH})).framework

    html = Client().get("/fr" + framework.get_absolute_url()).content.decode()

    assert "<h1>Cadre de test</h1>" in html
    assert "1.1.1 Une question" in html
    assert '<span lang="en" dir="auto">A file</span>' in html
    assert "(affiché en anglais)" in html


def test_the_key_features_page_reads_in_arabic_and_chinese():
    framework = Framework.objects.get(code="key-features")
    client, path = Client(), framework.get_absolute_url()

    arabic = client.get("/ar" + path).content.decode()
    chinese = client.get("/zh-hans" + path).content.decode()

    assert 'dir="rtl"' in arabic
    criterion = Criterion.objects.get(framework=framework, code="1.1.1")
    assert str(shown(criterion, "title", "ar")) in arabic
    assert str(shown(criterion, "title", "zh-hans")) in chinese
    assert "fallback-note" not in arabic + chinese
