from django.core.cache import cache

from ...models import NetworkRevision

_memo: dict[str, int] = {}


def current_revision() -> int:
    """Return the register's revision number (one indexed read)."""
    number = NetworkRevision.objects.filter(pk=1).values_list("number", flat=True).first()
    return number or 0


def forget_revision_memo() -> None:
    _memo.clear()


def cached_for_revision(key: str, compute, timeout: int = 24 * 3600):
    """Return ``compute()`` cached under ``key`` for the register's current revision."""
    full_key = f"lc:{current_revision()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value
