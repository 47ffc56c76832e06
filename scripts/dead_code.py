"""Find code nothing uses (``make lint``): vulture over src/, with a short allow-list.

Reported: functions, methods, classes and imports that no module of src/ and
no template names, and unreachable code. Not reported: variables, attributes
and properties, which are mostly Django's declarations (model and form fields,
``Meta`` options, ``urlpatterns``) read by the framework, not by our code.
Tests do not count as users: a function only a test calls is dead (test what
production calls instead).

Names the templates use and names settings.py gives by dotted path count as
used; a name Django or allauth calls for us by convention is allowed below,
each with the reason. Exit status 1 when something is reported.
"""

import re
import sys
from pathlib import Path

import vulture

SRC = Path(__file__).resolve().parent.parent / "src" / "learningcities"
REPORTED = {"function", "method", "class", "import", "unreachable_code"}
MIN_CONFIDENCE = 60

# Decorators that register the function with a framework, which calls it.
REGISTERING_DECORATORS = [
    "@register.*",  # template tags and filters; system checks (django.core.checks.register)
    "@register",
    "@router.*",  # django-ninja API endpoints
    "@receiver",  # signal receivers
    "@admin.*",  # admin.register (ModelAdmin classes), admin.action
    "@periodic",  # the scheduler's periodic jobs (common.scheduling)
    "@register_document_viewer",  # common.rules: predicates asked for every document
    "@register_document_name_reader",
]

# name pattern: why it is used although no module of src/ calls it.
ALLOWED = {
    "mismatches": "API types against the data dictionary (tests/opendata/test_api_schema.py)",
    "item_*": "Django syndication Feed hooks (practices/feeds.py)",
    "notify_trigger_operation": "used by migrations (network 0005, events 0003, practices 0002)",
    "Meta": "Django model and form options",
    "*Config": "AppConfig classes, found by Django from INSTALLED_APPS",
    "clean_*": "Django form field cleaning hooks",
    "has_*_permission": "Django admin permission hooks",
    "get_readonly_fields": "Django admin hook",
    "save_model": "Django admin hook",
    "label_from_instance": "Django ModelChoiceField hook",
    "_post_clean": "Django ModelForm hook (the model's validation after cleaning)",
    "format_value": "Django widget hook",
    "get_absolute_url": "Django: admin's 'view on site' and templates",
    "get_full_name": "Django user model API (admin, allauth)",
    "get_short_name": "Django user model API",
    "create_superuser": "Django user manager API (createsuperuser)",
    "get_user": "Django authentication backend API",
    "send_messages": "Django mail backend API (EMAIL_BACKEND)",
    "process_view": "Django middleware hook",
    "_setup": "Django LazyObject hook (common.storage)",
    "add_arguments": "Django management command hook",
    "is_open_for_signup": "allauth adapter hook (the adapter is named in settings)",
    "clear_local_memos": "tests/conftest.py empties the process memos between tests",
    "authenticate": "django-ninja auth hook (accounts/interfaces/api_auth.py)",
    "redirect_request": "urllib's redirect handler hook (webhooks refuse redirects)",
    "verify_signature": "a receiver's check of a webhook's signature, for partners (open-data.md)",
}


def settings_names() -> set[str]:
    """The classes and functions settings.py names by dotted path (middleware, backends, ...)."""
    text = (SRC / "settings.py").read_text(encoding="utf-8")
    return {path.rsplit(".", 1)[1] for path in re.findall(r"[\"']learningcities\.[\w.]+", text)}


def template_names() -> set[str]:
    """Every identifier the templates and mail templates name (their calls are uses too)."""
    names: set[str] = set()
    for path in SRC.rglob("*"):
        if path.suffix in {".html", ".txt", ".xml", ".md"} and "templates" in path.parts:
            names |= set(re.findall(r"[A-Za-z_]\w*", path.read_text(encoding="utf-8")))
    return names


def unused_code() -> list[vulture.core.Item]:
    """Return what nothing in src/ uses, the allow-list and registered names left out."""
    scanner = vulture.Vulture(ignore_names=list(ALLOWED), ignore_decorators=REGISTERING_DECORATORS)
    scanner.scavenge([str(SRC)], exclude=["*/migrations/*"])
    scanner.used_names |= template_names() | settings_names()
    return [
        item
        for item in scanner.get_unused_code(min_confidence=MIN_CONFIDENCE)
        if item.typ in REPORTED
    ]


def main() -> int:
    items = unused_code()
    for item in items:
        print(item.get_report())
    if items:
        print(
            f"{len(items)} unused: delete them, or allow them in scripts/dead_code.py "
            "with the reason."
        )
    return 1 if items else 0


if __name__ == "__main__":
    sys.exit(main())
