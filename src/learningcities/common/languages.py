"""The network's languages: the interface languages of ``settings.LANGUAGES``.

Model fields take ``language_choices`` (a callable), so a migration records the
reference, not the list: adding a language is a catalogue and one settings line.
"""

from django.conf import settings


def language_choices() -> list[tuple[str, str]]:
    """Return ``(code, name)`` for every interface language, as in ``settings.LANGUAGES``."""
    return list(settings.LANGUAGES)


def language_codes() -> list[str]:
    """Return the code of every interface language, the default first."""
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """Return the name of the language ``code`` in the active language (the code if unknown)."""
    return str(dict(settings.LANGUAGES).get(code, code))


def is_right_to_left(code: str) -> bool:
    """Tell whether the language ``code`` is written right to left."""
    return code.split("-")[0] in settings.LANGUAGES_BIDI
