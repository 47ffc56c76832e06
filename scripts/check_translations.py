"""Fail when a shipped language misses a string: every catalogue complete and current.

For each catalogue under src/ (``locale/<lang>/LC_MESSAGES/django.po``): no
message untranslated or fuzzy, the placeholders of each translation those of
its source (``%(name)s``, ``%s``, ``{name}``), and, checked on a copy of the
sources with Django's ``makemessages`` (GNU gettext), no string in the code or
templates missing from it. Run by ``make lint``; ``docs/translating.md`` says
how to bring a catalogue up to date.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "learningcities"
# Where the project runs makemessages (each writes the catalogues under it).
DOMAINS = [Path("."), Path("accounts")]
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]|%[sd]|\{[A-Za-z_0-9]*\}")


def catalogues(root: Path) -> list[Path]:
    return sorted(root.rglob("locale/*/LC_MESSAGES/django.po"))


def _texts(message) -> tuple[list[str], list[str]]:
    sources = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return sources, strings


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
            found += problems(path, path.relative_to(copy.parent))
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
