"""Reads of the calls' revision counters (see calls.domain.revision)."""

from django.db import router

from learningcities.common.prepared import PreparedSelect

from ...models import Call


def calls_revision_key() -> str:
    """Return a key that changes whenever any call's revision does (one query).

    Each call's id, creation moment and revision: a call added, removed or
    bumped changes it. Calls are few (a handful a year), so it is short. It
    runs on every request of the pages it keys, so its SQL is compiled once per
    process (common.prepared).
    """
    rows = _REVISIONS.all(using=router.db_for_read(Call))
    return ";".join(f"{pk}@{created.isoformat()}#{revision}" for pk, created, revision in rows)


_REVISIONS = PreparedSelect(
    lambda: Call.objects.order_by("pk").values_list("pk", "created_at", "revision"), ()
)
