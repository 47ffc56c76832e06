"""The questionnaires of the demo's events: small frameworks of the questionnaire engine.

The registration form every category of participant answers, and the
proposal a city makes to the demo's call for presentations.
"""

from pathlib import Path

from learningcities.frameworks.interfaces.yaml_files import load_framework_file
from learningcities.frameworks.models import Framework

FRAMEWORKS = Path(__file__).resolve().parent.parent / "data" / "frameworks"
FORM_FILE = FRAMEWORKS / "event-registration.yaml"
PROPOSAL_FILE = FRAMEWORKS / "presentation-proposal.yaml"
VERSION = "2026"


def _ensure_framework(code: str, path: Path) -> Framework:
    found = Framework.objects.filter(code=code, version=VERSION).first()
    if found is not None:
        return found
    load_framework_file(path, actor=None)
    return Framework.objects.get(code=code, version=VERSION)


def ensure_registration_form() -> Framework:
    """Load the demo registration form (with its translations) once; return it."""
    return _ensure_framework("event-registration", FORM_FILE)


def ensure_proposal_form() -> Framework:
    """Load the demo's proposal of a presentation (with its translations) once; return it."""
    return _ensure_framework("presentation-proposal", PROPOSAL_FILE)
