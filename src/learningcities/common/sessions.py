"""The session engine: Django's database sessions, read with one prepared SELECT.

Identical to ``django.contrib.sessions.backends.db`` (same table, same
expiry, same writes) except that loading a session, which every logged-in
request does, runs SQL compiled once per process (common.prepared) instead of
building the query anew each time.
"""

import datetime as dt

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import PreparedSelect

_STAND_IN_KEY = "lc-stand-in-session-key"
_STAND_IN_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _prepare(values, connection):
    key, now = values
    return [key, Session._meta.get_field("expire_date").get_db_prep_value(now, connection)]


_LIVE_SESSION_DATA = PreparedSelect(
    lambda key, now: (
        Session.objects.filter(session_key=key)
        .filter(expire_date__gt=now)
        .values_list("session_data")
    ),
    (_STAND_IN_KEY, _STAND_IN_TIME),
    _prepare,
)


class SessionStore(db.SessionStore):
    def load(self):
        row = _LIVE_SESSION_DATA.first(self.session_key, timezone.now())
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
