"""Framework documents for tests: a small valid one, and ways to break it."""

import copy
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from learningcities.common.models import ActivityLogEntry
from learningcities.frameworks.models import Area, Criterion, Framework, Indicator, Section


def small_document(version: str = "1.0") -> dict:
    """Return a valid framework document with 2 sections, 3 areas and 4 criteria."""
    return copy.deepcopy(
        {
            "code": "test-framework",
            "version": version,
            "name": "Test framework",
            "sections": [
                {
                    "code": "1",
                    "title": "First section",
                    "areas": [
                        {
                            "code": "1.1",
                            "title": "First area",
                            "criteria": [
                                {
                                    "code": "1.1.1",
                                    "title": "A text question",
                                    "answer_type": "text",
                                    "word_limit": 200,
                                    "indicators": ["First measure", "Second measure"],
                                },
                                {
                                    "code": "1.1.2",
                                    "title": "A rating",
                                    "answer_type": "rating",
                                    "scale": {"min": 1, "max": 3, "levels": ["Low", "Mid", "High"]},
                                    "weight": 2.5,
                                },
                            ],
                        },
                        {
                            "code": "1.2",
                            "title": "Second area",
                            "criteria": [
                                {
                                    "code": "1.2.1",
                                    "title": "A number",
                                    "answer_type": "number",
                                    "unit": "km2",
                                }
                            ],
                        },
                    ],
                },
                {
                    "code": "2",
                    "title": "Second section",
                    "areas": [
                        {
                            "code": "2.1",
                            "title": "Third area",
                            "criteria": [
                                {
                                    "code": "2.3",
                                    "title": "A file",
                                    "answer_type": "file",
                                    "file_kinds": ["pdf"],
                                    "required": False,
                                }
                            ],
                        }
                    ],
                },
            ],
        }
    )


def framework_rows() -> tuple[int, int, int, int, int, int]:
    """Count every framework row and the activity log, to show nothing was written."""
    return (
        Framework.objects.count(),
        Section.objects.count(),
        Area.objects.count(),
        Criterion.objects.count(),
        Indicator.objects.count(),
        ActivityLogEntry.objects.count(),
    )


def run_load(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load-framework", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused_load(*args) -> tuple[str, str]:
    """Run the command, assert it fails and wrote nothing; return (error message, stderr)."""
    before = framework_rows()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("load-framework", *[str(a) for a in args], stdout=out, stderr=err)
    assert framework_rows() == before
    return str(excinfo.value), err.getvalue()
