from django.core.cache import cache
from django.db import router

from learningcities.common.changes import watch
from learningcities.common.memo import LocalMemo
from learningcities.common.prepared import PreparedSelect

from ...models import NetworkRevision


def current_revision() -> int:
    """Return the register's revision number (one indexed read).

    Every cached page and statistic asks for it once per request, so its SQL
    is compiled once per process (common.prepared), and on PostgreSQL the
    process keeps it until the register changes (common.changes).
    """
    return watch.watched(_REGISTER, _read_revision)


_REGISTER = ("register-revision",)


def _read_revision() -> int:
    row = _NUMBER.first(1, using=router.db_for_read(NetworkRevision))
    return (row[0] if row else 0) or 0


_NUMBER = PreparedSelect(
    lambda pk: NetworkRevision.objects.filter(pk=pk).values_list("number"), (1,)
)


# Entries are keyed by the revision too: a process may keep them (common.memo).
_local = LocalMemo()


def cached_for_revision(key: str, compute, timeout: int = 24 * 3600):
    """Return ``compute()`` cached under ``key`` for the register's current revision.

    Read-only callers only: a value computed inside a write transaction that
    then rolls back would be cached under a revision number that is used again.
    """
    return cached_at_revision(current_revision(), key, compute, timeout)


def cached_at_revision(revision: int, key: str, compute, timeout: int = 24 * 3600):
    """Return ``compute()`` cached under ``key`` for the register's revision ``revision``.

    For a caller that read the revision already (with what else its key needs,
    in one query); ``cached_for_revision`` reads it. Read-only callers only.
    """
    full_key = f"lc:{revision}:{key}"
    value = _local.get(full_key)
    if value is not None:
        return value
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    _local.set(full_key, value)
    return value
