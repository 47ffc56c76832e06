"""Reads of the calls' revision counters (see calls.domain.revision)."""

from django.db import connections, router

from ...models import Call


def calls_revision_key() -> str:
    """Return a key that changes whenever any call's revision does (one query).

    Each call's id, creation moment and revision: a call added, removed or
    bumped changes it. Calls are few (a handful a year), so it is short. The
    query is written out: it runs on every request of the pages it keys, and
    the ORM's query building costs more than the read.
    """
    connection = connections[router.db_for_read(Call)]
    table = connection.ops.quote_name(Call._meta.db_table)
    with connection.cursor() as cursor:
        # The table name comes from the model, not from input.
        cursor.execute(f"SELECT id, created_at, revision FROM {table} ORDER BY id")  # noqa: S608
        return ";".join(f"{pk}@{created}#{revision}" for pk, created, revision in cursor.fetchall())
