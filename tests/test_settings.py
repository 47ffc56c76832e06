"""settings.py: every variable it reads is documented where operators look."""

import re
from pathlib import Path

import pytest

from learningcities import settings

ROOT = Path(__file__).resolve().parent.parent
# Each name settings.py reads from the environment, quoted in its source.
READ = sorted(set(re.findall(r"\"(LC_[A-Z0-9_]+)\"", Path(settings.__file__).read_text())))


def test_settings_reads_variables():
    assert {"LC_DATABASE_URL", "LC_LOG_LEVEL", "LC_DB_CONN_MAX_AGE"} <= set(READ)


@pytest.mark.parametrize("name", READ)
def test_settings_variable_is_in_the_settings_docstring(name):
    assert re.search(rf"\b{name}\b", settings.__doc__)


@pytest.mark.parametrize("name", READ)
def test_settings_variable_is_in_the_readme(name):
    assert re.search(rf"\b{name}\b", (ROOT / "README.md").read_text())
