"""The human label of an activity log action code.

Each app names the actions it records in ``ACTIVITY_LABELS`` of its own
``enums.py``; the labels are read from every installed app of the project, so
the apps that show the log need not know the apps that write it.
"""

import functools
import importlib

from django.apps import apps


@functools.cache
def _labels() -> dict:
    labels = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("learningcities."):
            continue
        try:
            enums = importlib.import_module(f"{config.name}.enums")
        except ModuleNotFoundError:
            continue
        labels.update(getattr(enums, "ACTIVITY_LABELS", {}))
    return labels


def action_label(code: str) -> str:
    """Return the label of ``code`` in the current language (the code itself when unknown)."""
    label = _labels().get(code)
    return code if label is None else str(label)
