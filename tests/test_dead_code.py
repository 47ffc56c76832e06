"""The dead-code check of `make lint` (scripts/dead_code.py) reports what nothing uses.

`make lint` runs it on src/; here it runs on a small package made for the test.
"""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "dead_code.py"


@pytest.fixture
def dead_code(monkeypatch, tmp_path):
    """The script's module, looking at a small package in ``tmp_path`` instead of src/."""
    spec = importlib.util.spec_from_file_location("dead_code", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    package = tmp_path / "learningcities"
    (package / "templates").mkdir(parents=True)
    (package / "settings.py").write_text(
        'MIDDLEWARE = ["learningcities.views.GuardMiddleware"]\n'
        'VIEW = "learningcities.views.page"\n'
    )
    (package / "templates" / "page.html").write_text("{{ city.population_label }}\n")
    (package / "views.py").write_text(
        "from django import forms\n\n\n"
        "def used():\n    return 1\n\n\n"
        "def never_called():\n    return used()\n\n\n"
        "class GuardMiddleware:\n    pass\n\n\n"
        "class City:\n    def population_label(self):\n        return ''\n\n\n"
        "class Form(forms.Form):\n    def clean_name(self):\n        return ''\n\n\n"
        "def page():\n    return {'city': City(), 'form': Form()}\n"
    )
    monkeypatch.setattr(module, "SRC", package)
    return module


def test_an_unused_function_is_reported_and_framework_names_are_not(dead_code):
    reported = {item.name for item in dead_code.unused_code()}

    # A Django hook (clean_*), a class settings.py names and a method a template calls are used.
    assert reported == {"never_called"}
