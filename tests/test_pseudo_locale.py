"""Pseudo-locale acceptance: every text a page shows went through translation, or is data.

Every page of the URL matrix (tests/test_url_matrix.py and tests/url_matrix/) is
rendered, as each role that may open it, in a pseudo language whose catalogue wraps
every message in ``⟦…⟧`` (tests/pseudo_locale.py). Any text a person sees or hears
outside the markers that is not data (the database's texts, CLDR names, addresses,
digits and punctuation) is a string nobody marked for translation: the test lists
each with its URL and role.

Pages carry their language in the URL prefix (i18n_patterns), for visitors and
logged-in people alike, so each page is asked for under the pseudo language's prefix;
the refusals (403) and "not found" pages (404) the matrix expects are read as well.
The Django admin and the API have no prefix and are always in the default language.

A failure lists ``<URL> as <role>: '<text>'``: mark the text for translation where the
page writes it (``{% translate %}``, ``gettext``), or, if it is data, show it from the
database.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils import translation

from tests.pseudo_locale import (
    PSEUDO_LANGUAGE,
    Vocabulary,
    build_catalogue,
    database_texts,
    reference_names,
    unmarked_texts,
    wrap,
)
from tests.test_url_matrix import MATRIX, _url, build_world, matrix_storages
from tests.url_matrix.roles import ROLES


@pytest.fixture(scope="session")
def pseudo_locale_dir(tmp_path_factory):
    """A locale folder holding the pseudo language's catalogue, built once per session."""
    locale_dir = tmp_path_factory.mktemp("pseudo-locale")
    build_catalogue(locale_dir)
    return locale_dir


@pytest.fixture
def pseudo_language(pseudo_locale_dir):
    """Switch the pseudo language on, its catalogue first (Django's caches reset on the way
    in and out by override_settings' setting_changed handlers)."""
    languages = [*settings.LANGUAGES, (PSEUDO_LANGUAGE, wrap("Pseudo-locale"))]
    with override_settings(
        LANGUAGES=languages, LOCALE_PATHS=[pseudo_locale_dir, *settings.LOCALE_PATHS]
    ):
        yield PSEUDO_LANGUAGE


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The URL matrix's objects and people, built once for the module and rolled back."""
    root = tmp_path_factory.mktemp("private")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(
            STORAGES=matrix_storages(root), LC_PRIVATE_ROOT=root, PASSWORD_HASHERS=hashers
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def vocabulary(world, django_db_blocker) -> Vocabulary:
    """The data the matrix's pages may show: the world's texts and the reference names."""
    # A language code stored in a row ("fr") is shown as the language's name, never as is.
    codes = {code for code, _name in settings.LANGUAGES}
    with django_db_blocker.unblock():
        return Vocabulary((database_texts() - codes) | reference_names())


def is_html_page(response) -> bool:
    attachment = response.get("Content-Disposition", "").startswith("attachment")
    return response["Content-Type"].startswith("text/html") and not attachment


def pages_for(world, role: str) -> list[tuple[str, str]]:
    """Return ``(url name, URL)`` of each page the matrix shows ``role`` in the pseudo language.

    A page that opens (200), and the pages that say no (403) or that there is nothing
    here (404): a person reads those too. URLs without the language prefix (the Django
    admin, the API) are left out: LocaleMiddleware serves them in the default language
    whatever the person chose.
    """
    pages = []
    for name in sorted(MATRIX):
        with translation.override(PSEUDO_LANGUAGE):
            url = _url(name, world["kwargs"].get(name, {}))
        if MATRIX[name][role] in (200, 403, 404) and url.startswith(f"/{PSEUDO_LANGUAGE}/"):
            pages.append((name, url))
    return pages


@pytest.mark.parametrize("role", ROLES)
def test_every_page_shows_translated_text_or_data_only(
    world, db, pseudo_language, vocabulary, role
):
    client = Client()
    if role != "anonymous":
        client.force_login(world["people"][role])
    problems, rendered = [], 0

    for name, url in pages_for(world, role):
        response = client.get(url)
        if response.status_code != MATRIX[name][role]:
            problems.append(f"{url} as {role}: answered {response.status_code}")
            continue
        if not is_html_page(response):
            continue  # data (JSON, CSV, PDF, downloads)
        rendered += 1
        html = response.content.decode()
        texts = [text for text in unmarked_texts(html) if not vocabulary.is_data(text)]
        problems += [f"{url} as {role}: {text!r}" for text in texts]

    assert rendered > 0, f"no page rendered for {role}"
    assert problems == [], "Text shown outside the translation markers:\n" + "\n".join(problems)


def test_pseudo_catalogue_wraps_messages_keeping_placeholders_and_plurals(pseudo_language):
    with translation.override(pseudo_language):
        constraint = translation.gettext("Constraint “%(name)s” is violated.") % {"name": "c"}
        digits = translation.ngettext(
            "Ensure that there are no more than %(max)s digit in total.",
            "Ensure that there are no more than %(max)s digits in total.",
            3,
        ) % {"max": 3}
        month = translation.pgettext("abbrev. month", "Dec.")
        language = translation.gettext("French")

    assert translation.gettext("French") == "French"  # English outside the override
    assert (constraint, digits, month, language) == (
        "⟦Constraint “c” is violated.⟧",
        "⟦Ensure that there are no more than 3 digits in total.⟧",
        "⟦Dec.⟧",
        "⟦French⟧",
    )


def test_unmarked_texts_reads_text_nodes_and_shown_attributes_only():
    html = (
        "<title>⟦Cities⟧</title><p>⟦Read <a href='/'>the guide</a> first⟧ Untranslated</p>"
        "<script>var hidden = 'code';</script><template><p>Later</p></template>"
        "<img alt='A logo'><input type='submit' value='Send'><input type='hidden' value='x'>"
        "<span data-text-saved='⟦Saved⟧' data-id='abc'>42 %</span>"
        "<select><option>Alpha</option></select><td>⟦yes</td><td>⟦Cut short…</td><td>no⟧</td>"
        "<input name='q' value='Search'>"
    )

    texts = unmarked_texts(html)

    # "⟦yes" never closes (a message cut short): it marks nothing.
    assert texts == ["Untranslated", "42 %", "Alpha", "yes", "A logo", "Send", "Search"]


def test_vocabulary_accepts_data_and_refuses_words():
    vocabulary = Vocabulary({"Daegu", "Republic of Korea", "Matrix call"})

    data = [
        "Daegu",
        "Daegu, Republic of Korea",
        "(12) - 4.5 %",
        "city@example.org",
        "https://example.org/a",
        "2026-12-05T20:39",
    ]
    words = ["Daegu city", "Matrix calls", "Korea"]

    assert [vocabulary.is_data(text) for text in data] == [True] * len(data)
    assert [vocabulary.is_data(text) for text in words] == [False] * len(words)
