"""The human label of an activity log action code.

Each app names the actions it records in ``ACTIVITY_LABELS`` of its own
``enums.py`` (and the changes it records under names that are no field of
the entry's subject in ``CHANGE_LABELS``); the labels are read from every
installed app of the project, so the apps that show the log need not know the
apps that write it.
"""

import functools
import importlib

from django.apps import apps


@functools.cache
def _collected(name: str) -> dict:
    labels = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("learningcities."):
            continue
        try:
            enums = importlib.import_module(f"{config.name}.enums")
        except ModuleNotFoundError:
            continue
        labels.update(getattr(enums, name, {}))
    return labels


def action_label(code: str) -> str:
    """Return the label of ``code`` in the current language (the code itself when unknown)."""
    label = _collected("ACTIVITY_LABELS").get(code)
    return code if label is None else str(label)


def change_label(name: str) -> str | None:
    """Return the label of a change recorded under ``name`` that is no field of its subject.

    An app that records such changes (the image of a practice, under the
    practice) names them in ``CHANGE_LABELS`` of its ``enums.py``.
    """
    label = _collected("CHANGE_LABELS").get(name)
    return None if label is None else str(label)
