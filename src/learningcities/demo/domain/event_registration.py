"""The registration form of the demo's events: a small framework of the questionnaire engine."""

from pathlib import Path

from learningcities.frameworks.interfaces.yaml_files import load_framework_file
from learningcities.frameworks.models import Framework

FORM_FILE = (
    Path(__file__).resolve().parent.parent / "data" / "frameworks" / "event-registration.yaml"
)


def ensure_registration_form() -> Framework:
    """Load the demo registration form (with its translations) once; return it."""
    found = Framework.objects.filter(code="event-registration", version="2026").first()
    if found is not None:
        return found
    load_framework_file(FORM_FILE, actor=None)
    return Framework.objects.get(code="event-registration", version="2026")
