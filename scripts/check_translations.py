"""Fail when a shipped language misses a string: every catalogue complete and current.

For each catalogue under src/ (``locale/<lang>/LC_MESSAGES/django.po``): no
message untranslated or fuzzy, the placeholders of each translation those of
its source (``%(name)s``, ``%s``, ``{name}``), and, checked on a copy of the
sources with Django's ``makemessages`` (GNU gettext), no string in the code or
templates missing from it. Run by ``make lint``; ``docs/translating.md`` says
how to bring a catalogue up to date.

The third-party catalogues (``thirdparty/locale/<lang>/LC_MESSAGES/django.po``:
allauth's strings in a language allauth ships no translation for) are not
extracted from our code: each must translate every string of the parts of
allauth the project installs that allauth's own catalogue of that language does
not, hold no string allauth does not have, agree with the project's catalogues
on a string both translate (it would hide their wording), and pass
``msgfmt --check``.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import allauth
from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "learningcities"
# Where the project runs makemessages (each writes the catalogues under it).
DOMAINS = [Path("."), Path("accounts")]
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]|%[sd]|\{[A-Za-z_0-9]*\}")
THIRD_PARTY = Path("thirdparty")
ALLAUTH_LOCALE = Path(allauth.__file__).parent / "locale"
# The parts of allauth not in settings.INSTALLED_APPS: their strings need no translation.
ALLAUTH_NOT_INSTALLED = {"socialaccount", "headless", "idp", "usersessions"}


def catalogues(root: Path) -> list[Path]:
    return sorted(root.rglob("locale/*/LC_MESSAGES/django.po"))


def _texts(message) -> tuple[list[str], list[str]]:
    sources = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return sources, strings


def _key(message) -> tuple[str | None, str]:
    return message.context, _texts(message)[0][0]


def _translations(path: Path) -> dict[tuple[str | None, str], list[str]]:
    if not path.exists():
        return {}
    with path.open("rb") as file:
        catalog = read_po(file)
    return {
        _key(message): _texts(message)[1]
        for message in catalog
        if message.id and not message.fuzzy and all(_texts(message)[1])
    }


def _placeholders(text: str) -> list[str]:
    return sorted(set(PLACEHOLDER.findall(text)))


def problems(path: Path, shown_as: Path) -> list[str]:
    """Return what is wrong with the catalogue at ``path`` (named ``shown_as``)."""
    with path.open("rb") as file:
        catalog = read_po(file)
    found = []
    for message in catalog:
        if not message.id:
            continue  # the header
        sources, strings = _texts(message)
        where = f"{shown_as}: “{sources[0][:70]}”"
        if message.fuzzy or not all(strings):
            found.append(f"{where} is not translated" + (" (fuzzy)" if message.fuzzy else ""))
            continue
        allowed = set().union(*(_placeholders(source) for source in sources))
        for string in strings:
            if not set(_placeholders(string)) <= allowed or (
                len(sources) == 1 and _placeholders(string) != _placeholders(sources[0])
            ):
                found.append(f"{where}: its placeholders differ in the translation")
                break
    return found


def allauth_strings() -> list[tuple[str | None, str]]:
    """Return the strings of the installed parts of allauth, from its English catalogue."""
    with (ALLAUTH_LOCALE / "en" / "LC_MESSAGES" / "django.po").open("rb") as file:
        catalog = read_po(file)
    found = []
    for message in catalog:
        # A reference reads "account/forms.py" or "templates/mfa/index.html".
        parts = {
            Path(location).parts[location.startswith("templates/")]
            for location, _ in message.locations
        }
        if message.id and not (parts and parts <= ALLAUTH_NOT_INSTALLED):
            found.append(_key(message))
    return found


def _project_catalogues(package: Path, language: str) -> list[Path]:
    return [
        path
        for path in catalogues(package)
        if path.parent.parent.name == language
        and THIRD_PARTY not in path.relative_to(package).parents
    ]


def _msgfmt_problems(path: Path, shown_as: Path) -> list[str]:
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    if checked.returncode:
        return [f"{shown_as}: msgfmt --check fails: {checked.stderr.strip()}"]
    return []


def third_party_problems(path: Path, package: Path, shown_as: Path) -> list[str]:
    """Return what is wrong with the third-party catalogue at ``path`` of ``package``."""
    language = path.parent.parent.name
    ours = _translations(path)
    theirs = _translations(ALLAUTH_LOCALE / language / "LC_MESSAGES" / "django.po")
    expected = allauth_strings()
    found = [
        f"{shown_as}: “{text[:70]}” of allauth is not translated"
        for context, text in expected
        if (context, text) not in ours and (context, text) not in theirs
    ]
    found += [
        f"{shown_as}: “{text[:70]}” is not one of allauth's strings"
        for context, text in sorted(ours.keys() - set(expected), key=str)
    ]
    # LOCALE_PATHS outranks the apps' catalogues: a different wording here would hide theirs.
    for catalogue in _project_catalogues(package, language):
        project = _translations(catalogue)
        found += [
            f"{shown_as}: “{text[:70]}” differs from {catalogue.relative_to(package.parent)}"
            for context, text in sorted(ours.keys() & project.keys(), key=str)
            if ours[context, text] != project[context, text]
        ]
    return found + _msgfmt_problems(path, shown_as)


def current_copy(package: Path, workdir: Path) -> Path:
    """Return a copy of ``package`` whose catalogues makemessages brought up to date."""
    copy = workdir / "learningcities"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    command = Path(sys.executable).parent / "learningcities"
    for domain in DOMAINS:
        subprocess.run(
            [str(command), "makemessages", "--all", "--no-obsolete", "--no-location"],
            cwd=copy / domain,
            check=True,
            capture_output=True,
            text=True,
        )
    return copy


def check(package: Path = PACKAGE) -> list[str]:
    """Return every string a catalogue of ``package`` misses or gets wrong."""
    found = []
    with tempfile.TemporaryDirectory() as workdir:
        copy = current_copy(package, Path(workdir))
        for path in catalogues(copy):
            shown_as = path.relative_to(copy.parent)
            found += problems(path, shown_as)
            if THIRD_PARTY in path.relative_to(copy).parents:
                found += third_party_problems(path, copy, shown_as)
    return found


def main() -> int:
    if shutil.which("msgmerge") is None:
        print("GNU gettext (msgmerge, xgettext) is needed: apt-get install gettext")
        return 2
    found = check()
    for problem in found:
        print(problem)
    languages = sorted({path.parent.parent.name for path in catalogues(PACKAGE)})
    if found:
        print(f"{len(found)} strings to translate: see docs/translating.md.")
        return 1
    print(f"Every catalogue is complete and current: {', '.join(languages)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
