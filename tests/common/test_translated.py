"""Translated content: each text's state in each language, the marked fallback, coverage."""

import pytest
from django.template import Context, Template
from django.utils import translation

from learningcities.common.enums import TranslationState
from learningcities.common.translated import coverage, localise, set_translation, shown
from learningcities.network.models import Cohort
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

S = TranslationState


def cohort(**fields) -> Cohort:
    return CohortFactory(
        **{"name": "Cohort 2024", "description": "Cities admitted in 2024.", **fields}
    )


def test_a_text_is_original_in_its_language_and_missing_in_the_others():
    row = cohort()

    assert shown(row, "name", "en").state == S.ORIGINAL
    assert shown(row, "name", "fr").state == S.MISSING
    assert shown(row, "name", "fr") == "Cohort 2024"
    assert shown(row, "name", "fr").language == "en"
    assert shown(row, "name", "fr").is_fallback


def test_a_translation_is_shown_in_its_language():
    row = cohort()
    set_translation(row, "fr", "name", "Cohorte 2024")
    row.save()
    row.refresh_from_db()

    text = shown(row, "name", "fr")
    assert (text, text.state, text.language, text.is_fallback) == (
        "Cohorte 2024",
        S.TRANSLATED,
        "fr",
        False,
    )
    assert shown(row, "name", "ar").state == S.MISSING


def test_a_translation_is_outdated_when_its_original_changes_and_the_original_is_shown():
    row = cohort()
    set_translation(row, "fr", "name", "Cohorte 2024")
    row.name = "Cohort of 2024"

    text = shown(row, "name", "fr")
    assert text.state == S.OUTDATED
    assert text == "Cohort of 2024"
    assert text.language == "en"

    set_translation(row, "fr", "name", "Cohorte de 2024")  # checked again
    assert shown(row, "name", "fr").state == S.TRANSLATED


def test_an_empty_translation_removes_it_and_an_empty_original_needs_none():
    row = cohort(description="")
    set_translation(row, "fr", "name", "Cohorte 2024")
    set_translation(row, "fr", "name", "")

    assert row.translations == {}
    assert shown(row, "description", "fr").state == S.ORIGINAL


def test_set_translation_refuses_the_original_language_and_unknown_ones():
    row = cohort()
    with pytest.raises(ValueError, match="not a language to translate into"):
        set_translation(row, "en", "name", "x")
    with pytest.raises(ValueError, match="not a language to translate into"):
        set_translation(row, "xx", "name", "x")
    with pytest.raises(ValueError, match="no translated field 'slug'"):
        set_translation(row, "fr", "slug", "x")


def test_coverage_counts_each_language_and_names_the_worst_state():
    row = cohort()
    set_translation(row, "fr", "name", "Cohorte 2024")
    set_translation(row, "fr", "description", "Villes admises en 2024.")
    set_translation(row, "es", "name", "Cohorte 2024")
    set_translation(row, "ru", "name", "Когорта 2024 года")
    row.name = "Cohort of 2024"

    by_language = {c.language: c for c in coverage([row])}
    assert by_language["en"].state == S.ORIGINAL
    assert (by_language["fr"].translated, by_language["fr"].state) == (1, S.OUTDATED)
    assert (by_language["es"].translated, by_language["es"].missing) == (0, 1)
    assert by_language["es"].state == S.OUTDATED  # its name's translation is outdated
    assert by_language["vi"].state == S.MISSING
    assert by_language["vi"].total == 2


def test_a_localised_row_is_never_saved():
    row = cohort()
    set_translation(row, "fr", "name", "Cohorte 2024")
    localise([row], "fr")

    assert row.name == "Cohorte 2024"
    with pytest.raises(RuntimeError):
        row.save()


def render(source: str, **context) -> str:
    return Template("{% load translated %}" + source).render(Context(context))


def test_a_fallback_is_marked_with_its_language_and_a_visible_note():
    row = cohort()
    with translation.override("fr"):
        html = render('{% tr row "name" %}', row=row)
    assert html == (
        '<span lang="en" dir="auto">Cohort 2024</span> '
        '<span class="fallback-note">(affiché en anglais)</span>'
    )

    set_translation(row, "fr", "name", "Cohorte <2024>")
    with translation.override("fr"):
        assert render('{% tr row "name" %}', row=row) == "Cohorte &lt;2024&gt;"
    with translation.override("ar"):
        assert "(معروض باللغة الإنجليزية)" in render('{% tr row "name" %}', row=row)


def test_an_outdated_translation_says_so():
    row = cohort()
    set_translation(row, "fr", "description", "Villes admises en 2024.")
    row.description = "Cities admitted in September 2024."
    with translation.override("fr"):
        html = render(
            "<p{% lang_attr text %}>{{ text }} {% fallback_note text %}</p>",
            text=shown(row, "description"),
        )
    assert html.startswith('<p lang="en" dir="auto">Cities admitted in September 2024.')
    assert "la traduction n\u2019est plus à jour" in html
