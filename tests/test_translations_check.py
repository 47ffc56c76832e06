"""The translation check of `make lint` (scripts/check_translations.py) passes, and bites."""

import importlib.util
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "learningcities"

pytestmark = pytest.mark.skipif(
    shutil.which("msgmerge") is None, reason="GNU gettext is needed to extract messages"
)


def _script():
    spec = importlib.util.spec_from_file_location(
        "check_translations", ROOT / "scripts" / "check_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "src" / "learningcities"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    return copy


def test_every_shipped_catalogue_is_complete_and_current():
    assert _script().check() == []


def test_a_new_string_in_the_code_fails_the_check_in_every_language(tmp_path):
    copy = _copy(tmp_path)
    module = copy / "calls" / "enums.py"
    module.write_text(
        module.read_text(encoding="utf-8") + '\nNEW = _("A sentence nobody translated yet.")\n'
    )

    found = _script().check(copy)

    languages = {path.parent.parent.name for path in copy.rglob("locale/*/LC_MESSAGES/*.po")}
    assert len(found) == len(languages)
    assert all("“A sentence nobody translated yet.” is not translated" in p for p in found)


def test_a_translation_that_loses_a_placeholder_fails_the_check(tmp_path):
    copy = _copy(tmp_path)
    catalogue = copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    translated = "msgstr \"L'appel s'ouvre le %(opens)s.\""
    text = catalogue.read_text(encoding="utf-8")
    assert translated in text
    catalogue.write_text(
        text.replace(translated, "msgstr \"L'appel s'ouvre bientôt.\""), encoding="utf-8"
    )

    found = _script().check(copy)

    assert found == [
        "learningcities/locale/fr/LC_MESSAGES/django.po: “The call opens on %(opens)s.”: "
        "its placeholders differ in the translation"
    ]


THIRD_PARTY_VI = Path("thirdparty") / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_an_allauth_string_missing_in_vietnamese_fails_the_check(tmp_path):
    copy = _copy(tmp_path)
    catalogue = copy / THIRD_PARTY_VI
    entry = (
        'msgid "The email address and/or password you specified are not correct."\n'
        'msgstr "Địa chỉ e-mail và/hoặc mật khẩu bạn nhập không đúng."\n\n'
    )
    text = catalogue.read_text(encoding="utf-8")
    assert entry in text
    catalogue.write_text(text.replace(entry, ""), encoding="utf-8")

    found = _script().check(copy)

    assert found == [
        "learningcities/thirdparty/locale/vi/LC_MESSAGES/django.po: “The email address and/or "
        "password you specified are not correct.” of allauth is not translated"
    ]


def test_an_allauth_string_worded_apart_from_the_project_catalogue_fails(tmp_path):
    copy = _copy(tmp_path)
    catalogue = copy / THIRD_PARTY_VI
    text = catalogue.read_text(encoding="utf-8")
    entry = 'msgid "Password"\nmsgstr "Mật khẩu"\n'
    assert entry in text
    catalogue.write_text(
        text.replace(entry, 'msgid "Password"\nmsgstr "Mật mã"\n'), encoding="utf-8"
    )

    found = _script().third_party_problems(catalogue, copy, THIRD_PARTY_VI)

    assert found == [
        f"{THIRD_PARTY_VI}: “Password” differs from "
        "learningcities/accounts/locale/vi/LC_MESSAGES/django.po",
        f"{THIRD_PARTY_VI}: “Password” differs from learningcities/locale/vi/LC_MESSAGES/django.po",
    ]
