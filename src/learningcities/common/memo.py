"""A small memo in each process in front of the shared cache.

Cached pages and statistics are keyed by revision numbers read from the
database on every request, so an entry can never answer for data that has
changed since: a process may keep the entries it used last in its own memory
and skip the shared cache's round trip and unpickling (the default cache is
files shared by the processes of one machine, or Redis across machines).
Values must not be mutated by their readers.
"""

_MEMOS: list["LocalMemo"] = []


class LocalMemo:
    """A bounded dict of recent entries; emptied whole when full (cheaper than an LRU)."""

    def __init__(self, max_entries: int = 256):
        self.max_entries = max_entries
        self._entries: dict[str, object] = {}
        _MEMOS.append(self)

    def get(self, key: str):
        return self._entries.get(key)

    def set(self, key: str, value) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = value

    def clear(self) -> None:
        self._entries.clear()


def clear_local_memos() -> None:
    """Forget every process-local memo (tests start each database at revision 0)."""
    for memo in _MEMOS:
        memo.clear()
