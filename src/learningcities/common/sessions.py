"""The session engine: Django's database sessions, read with one prepared SELECT.

Identical to ``django.contrib.sessions.backends.db`` (same table, same
expiry, same writes) except that loading a session, which every logged-in
request does, runs SQL compiled once per process (common.prepared) instead of
building the query anew each time, and that on PostgreSQL each process keeps
the row it read until the table changes (common.changes: a trigger on
``django_session`` notifies every write, and the writing process forgets at
the commit). A session ended in one process (logging out, a new session at
login) is refused in the others once the notification is in, which is a
matter of milliseconds; while the listening connection is down every request
reads the row, as without the watch. The expiry date is checked on every
request against the row's.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .changes import watch
from .prepared import PreparedSelect

_STAND_IN_KEY = "lc-stand-in-session-key"

_SESSION_ROW = PreparedSelect(
    lambda key: Session.objects.filter(session_key=key).values_list("session_data", "expire_date"),
    (_STAND_IN_KEY,),
)


def _read(key: str) -> tuple | None:
    row = _SESSION_ROW.first(key)
    return None if row is None else tuple(row)


class SessionStore(db.SessionStore):
    def load(self):
        key = self.session_key
        row = watch.watched(("session", key), lambda: _read(key)) if key else None
        if row is None or row[1] <= timezone.now():
            self._session_key = None
            return {}
        return self.decode(row[0])

    def save(self, must_create=False):
        super().save(must_create=must_create)
        watch.forget_on_commit()

    def delete(self, session_key=None):
        super().delete(session_key)
        watch.forget_on_commit()
