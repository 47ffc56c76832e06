"""Revisions kept in each process until PostgreSQL says they changed.

A page cached for visitors is keyed by revisions read from the database (the
register's, an event's programme): one indexed read per request, which keeps
every answer exact. On PostgreSQL that read is a round trip to another
process, and with the connection's health check two; under load they cost
a public page more than half of what the hello-world view serves.

On PostgreSQL the tables that hold revisions carry a trigger (see
``notify_trigger_sql``) that sends ``NOTIFY lc_changed`` with each statement
that writes them. PostgreSQL delivers a notification when, and only if, the
writer's transaction commits. Each process that serves pages listens on a
connection of its own, in a thread, and forgets every revision it keeps the
moment one arrives, so ``watched(key, read)`` answers from memory what
``read()`` would answer, without the round trip. A process also forgets
them when a transaction of its own that wrote a revision commits
(``forget_on_commit``), before its next request can ask.

The same holds the rows every logged-in request reads, the session
(common.sessions) and the person (accounts.backends), and the key of a
city's progress page (reports): a cached page then costs no query at all.

When the listening connection is down (PostgreSQL restarted, the network
cut), nothing is kept: every call reads the database, as without the watch,
until the connection is back. On SQLite the read is a call into the same
process and nothing is kept either. Tests turn the watch off
(``LC_WATCH_CHANGES``) except where they test it.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

logger = logging.getLogger(__name__)

CHANNEL = "lc_changed"
_MISSING = object()


def notify_trigger_sql(table: str) -> tuple[str, str]:
    """Return the SQL that makes writes to ``table`` notify the watch, and its reverse.

    A migration runs it through ``notify_trigger_operation``, which skips other
    databases. One notification per
    statement, whatever the number of rows; PostgreSQL folds repeated ones of
    a transaction into one.
    """
    function = "lc_notify_changed"
    trigger = f"{table}_notify_changed"
    forward = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', TG_TABLE_NAME);
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql;
        DROP TRIGGER IF EXISTS {trigger} ON {table};
        CREATE TRIGGER {trigger}
            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION {function}();
    """
    reverse = f"DROP TRIGGER IF EXISTS {trigger} ON {table};"
    return forward, reverse


def notify_trigger_operation(table: str):
    """Return a migration operation that adds the trigger on PostgreSQL only."""
    from django.db import migrations

    forward, reverse = notify_trigger_sql(table)

    def run(sql):
        def apply(apps, schema_editor):
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(sql)

        return apply

    return migrations.RunPython(run(forward), run(reverse), elidable=False)


class ChangeWatch:
    """Values read from the database, kept until a watched table changes.

    Thread-safe: readers and the listening thread share the values under a
    lock; a value read while a change arrived is not kept (the generation
    moved on), so a reader can never put back what a change made stale.
    """

    def __init__(self, alias: str = DEFAULT_DB_ALIAS, max_entries: int = 4096):
        self.alias = alias
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._values: dict = {}
        self._generation = 0
        self._listening = False
        self._pid = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- readers

    def watched(self, key, read, valid=None, keep_missing=True):
        """Return ``read()``, from memory when nothing changed since it was last read.

        ``valid(value)``, if given, may refuse a value kept in memory (the
        caller knows it is older than what it needs): it is read again.
        ``keep_missing=False`` keeps no None: a key that anyone may make up (a
        session cookie) is read each time it finds nothing, so made-up keys
        cannot crowd out the values kept.
        """
        if not self._active():
            return read()
        with self._lock:
            kept = self._values.get(key, _MISSING)
            generation = self._generation
        if kept is not _MISSING and (valid is None or valid(kept)):
            return kept
        value = read()
        if value is None and not keep_missing:
            return value
        with self._lock:
            if self._listening and self._generation == generation:
                if len(self._values) >= self.max_entries:
                    self._values.clear()
                self._values[key] = value
        return value

    def forget(self) -> None:
        """Forget every value kept (a change was made or may have been missed)."""
        with self._lock:
            self._generation += 1
            self._values.clear()

    def forget_on_commit(self) -> None:
        """Forget every value when the current transaction commits (for the writer's process)."""
        if self._listening:
            transaction.on_commit(self.forget, using=self.alias)

    @property
    def listening(self) -> bool:
        return self._listening

    # --- the listening thread

    def _active(self) -> bool:
        if not getattr(settings, "LC_WATCH_CHANGES", False):
            return False
        if connections[self.alias].vendor != "postgresql":
            return False
        if self._pid != os.getpid():
            self._start()
        return self._listening

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A new process (or the first call): nothing of a parent's thread carries over.
            self._pid = os.getpid()
            self._listening = False
            self._values.clear()
            self._generation += 1
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._listen, name="lc-change-watch", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop listening (tests); the next call starts again."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
        with self._lock:
            self._pid = None
            self._listening = False
            self._values.clear()

    def _connect(self):
        import psycopg

        params = connections[self.alias].get_connection_params()
        for name in ("context", "cursor_factory", "prepare_threshold"):
            params.pop(name, None)
        return psycopg.connect(**params, autocommit=True, connect_timeout=10)

    def _listen(self) -> None:
        stop = self._stop
        while not stop.is_set():
            try:
                with self._connect() as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    # From here on every commit that changes a watched table is heard.
                    self.forget()
                    self._listening = True
                    while not stop.is_set():
                        # Wakes at least every second to see whether it should stop.
                        for _notification in connection.notifies(timeout=1.0):
                            self.forget()
            except Exception:
                logger.warning(
                    "listening for changes failed; reading revisions each time", exc_info=True
                )
            finally:
                self._listening = False
                self.forget()
            stop.wait(2.0)


watch = ChangeWatch()
