"""Stemming of the library's search in each language with a stemmer (PostgreSQL only).

Every query below differs from the practice's words in its ending (and
accents), so only the language's stemmer (after unaccent) finds it; the
same query on SQLite, which does not stem, would not.
"""

import pytest
from django.db import connection

from learningcities.practices.domain.search import search_practices
from tests.practices.factories import make_practice

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming is PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def _quick_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def found(query: str) -> list[int]:
    return [hit.practice_id for hit in search_practices(query).hits]


@pytest.mark.parametrize(
    ("language", "title", "body", "query"),
    [
        ("en", "Learning circles", "Neighbours learning together.", "learned"),
        ("en", "Learning circles", "Neighbours learning together.", "LEARNS circle"),
        ("fr", "Villes apprenantes", "Des éducateurs dans les quartiers.", "ville apprenante"),
        ("fr", "Villes apprenantes", "Des éducateurs dans les quartiers.", "educateur quartier"),
        ("es", "Aprendizajes en la plaza", "Talleres para familias.", "aprendizaje taller"),
        ("ru", "Обучение в городах", "Библиотеки для взрослых.", "обучения город"),
        ("ru", "Обучение в городах", "Библиотеки для взрослых.", "библиотека"),
        ("ar", "التعلم مدى الحياة", "مكتبات مفتوحة للجميع.", "تعلم"),
    ],
)
def test_search_stems_each_language(language, title, body, query):
    practice = make_practice(publish=True, language=language, title=title, summary=body, body=body)
    make_practice(publish=True, title="Chess club", summary="Chess.", body="Games on Sundays.")
    assert found(query) == [practice.pk]


def test_stemmed_words_are_marked_in_the_snippet():
    make_practice(
        publish=True,
        language="en",
        title="Circles",
        summary="Repair cafés.",
        body="Adults learned to repair bicycles.",
    )
    [hit] = search_practices("learning").hits
    assert "<mark>learned</mark>" in hit.snippet


def test_a_stop_word_of_another_language_still_matches_its_spelling():
    # "son" is a French stop word: an English practice about a son is found by it.
    practice = make_practice(publish=True, language="en", title="Father and son reading")
    make_practice(publish=True, title="Chess club", body="Games on Sundays.")
    assert found("son") == [practice.pk]
    assert found("the son") == [practice.pk]


def test_stemming_does_not_join_unrelated_words():
    make_practice(
        publish=True, language="en", title="Learning circles", summary="Circles.", body="Together."
    )
    assert found("lean") == []
    assert found("earning") == []
