"""System checks: private documents must never sit in a publicly served folder."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


@register()
def check_private_root(app_configs=None, **kwargs):
    private = Path(settings.LC_PRIVATE_ROOT)
    errors = []
    for name in ("STATIC_ROOT", "MEDIA_ROOT"):
        folder = getattr(settings, name, None)
        if folder and _inside(private, Path(folder)):
            errors.append(
                Error(
                    f"LC_PRIVATE_ROOT ({private}) is inside {name} ({folder}), "
                    "where files are served to anyone.",
                    hint="Point LC_PRIVATE_ROOT at a folder outside the public ones.",
                    id="common.E001",
                )
            )
    return errors
