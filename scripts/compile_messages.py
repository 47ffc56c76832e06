"""Compile every locale/*/LC_MESSAGES/*.po under src/ into .mo files, with Babel.

Django's compilemessages needs GNU gettext; Babel is already a dependency, so a
fresh machine needs nothing more. Only stale .mo files are rewritten.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "src"


def main() -> int:
    for po_path in sorted(ROOT.rglob("locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        print(f"compiled {po_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
