"""The activity log: every domain write records who did what."""

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from ..models import ActivityLogEntry

REDACTED = "[redacted]"
# Field names whose values never reach the log.
SECRET_FIELDS = frozenset(
    {"password", "token", "token_hash", "secret", "recovery_codes", "totp", "key", "api_key"}
)


def _is_secret(field: str) -> bool:
    name = field.lower()
    return name in SECRET_FIELDS or any(part in name for part in ("password", "secret", "token"))


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def field_changes(obj: models.Model, fields: Iterable[str], before: dict | None = None) -> dict:
    """Return ``{field: [old, new]}`` for the named fields of ``obj`` (old from ``before``)."""
    before = before or {}
    changes = {}
    for field in fields:
        new = getattr(obj, field, None)
        old = before.get(field)
        if _is_secret(field):
            changes[field] = [REDACTED, REDACTED]
        else:
            changes[field] = [_plain(old), _plain(new)]
    return changes


def record_activity(
    action: str,
    *,
    actor=None,
    organisation=None,
    subject: models.Model | None = None,
    changes: dict | None = None,
) -> ActivityLogEntry:
    """Write one activity log entry; call it inside the transaction of the change it records.

    ``action`` is a dotted code such as ``network.city.create``; ``changes`` maps
    field names to ``[old, new]`` (secret fields are redacted here whatever the
    caller passes).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_activity must run inside the transaction of the change")
    clean = {
        field: ([REDACTED, REDACTED] if _is_secret(field) else value)
        for field, value in (changes or {}).items()
    }
    entry = ActivityLogEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        organisation=organisation,
        action=action,
        changes=clean,
    )
    if subject is not None:
        entry.content_type = ContentType.objects.get_for_model(subject, for_concrete_model=False)
        entry.object_id = str(subject.pk)
        entry.object_repr = str(subject)[:300]
    entry.save()
    return entry
