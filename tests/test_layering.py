"""The import contracts of `make lint` (pyproject.toml, [tool.importlinter]) hold, and bite.

The apps are layered (docs/architecture.md): an app imports only the apps below
it, and inside an app the views import the domain, never the other way round.
These tests run lint-imports on the project, then on a copy of its sources with
one import pointing the wrong way, which it must refuse.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
APPS = "Apps are layered"
INSIDE = "Inside an app"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run lint-imports with the contracts of ``root``/pyproject.toml on ``root``/src."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root / "src")},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _only_python(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if "." in name and not name.endswith(".py")}


@pytest.fixture
def copy_of_sources(tmp_path) -> Path:
    """A copy of pyproject.toml and of the package's Python files, to break on purpose."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(
        ROOT / "src" / "learningcities",
        tmp_path / "src" / "learningcities",
        ignore=_only_python,
    )
    return tmp_path


def test_the_project_keeps_its_import_contracts():
    result = lint_imports(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward_import", "broken"),
    [
        # common is the bottom layer: the demo app is the top one.
        ("common/text.py", "import learningcities.demo.domain.synthetic_network", APPS),
        # calls sits below reviews; a function-level import counts too.
        (
            "calls/domain/deadlines.py",
            "def _upward():\n    from learningcities.reviews.models import Panel  # noqa\n",
            APPS,
        ),
        # Inside an app, the models do not know the views.
        ("network/models/__init__.py", "import learningcities.network.views", INSIDE),
    ],
)
def test_an_upward_import_breaks_a_contract(copy_of_sources, module, upward_import, broken):
    path = copy_of_sources / "src" / "learningcities" / module
    path.write_text(path.read_text(encoding="utf-8") + "\n" + upward_import + "\n")

    result = lint_imports(copy_of_sources)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 kept, 1 broken" in result.stdout
    report = result.stdout.split("Broken contracts", 1)[1]
    assert report.strip("-\n ").startswith(broken), report
