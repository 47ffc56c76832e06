"""The session engine: Django's database sessions, read with one prepared SELECT.

Identical to ``django.contrib.sessions.backends.db`` (same table, same
expiry, same writes) except that loading a session, which every logged-in
request does, runs SQL compiled once per process (common.prepared) instead of
building the query anew each time, and that on PostgreSQL each process keeps
the row it read until the table changes (common.changes: a trigger on
``django_session`` notifies every write, and the writing process forgets at
the commit).

A browser's next request may reach another process before that process has
heard of the change its last request made (a login step, a message). So each
save gives the session's data a new version, which the browser receives in a
cookie of its own (``SessionMiddleware``); a process that keeps an older
version than the browser presents reads the row again. A session ended
elsewhere (logged out in another browser, deleted by the secretariat) is
refused once the notification is in, a matter of milliseconds; while the
listening connection is down every request reads the row, as without the
watch. The expiry date is checked on every request against the row's.
"""

import secrets

from django.conf import settings
from django.contrib.sessions import middleware
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.http import http_date

from .changes import watch
from .prepared import PreparedSelect

_STAND_IN_KEY = "lc-stand-in-session-key"
# Where a session's data keeps its version.
VERSION_KEY = "_lc_version"

_SESSION_ROW = PreparedSelect(
    lambda key: Session.objects.filter(session_key=key).values_list("session_data", "expire_date"),
    (_STAND_IN_KEY,),
)


def version_cookie_name() -> str:
    """The cookie that tells which version of its session's data a browser last received."""
    return f"{settings.SESSION_COOKIE_NAME}_version"


class SessionStore(db.SessionStore):
    # The version of the data the browser presents (SessionMiddleware sets it).
    expected_version: str | None = None

    def _read(self, key: str) -> tuple | None:
        """Return the row's (encoded data, expiry date, version of the data), or None."""
        row = _SESSION_ROW.first(key)
        if row is None:
            return None
        data, expire_date = row
        return data, expire_date, self.decode(data).get(VERSION_KEY)

    def load(self):
        key = self.session_key
        row = None
        if key:
            row = watch.watched(
                ("session", key),
                lambda: self._read(key),
                valid=lambda kept: kept[2] == self.expected_version,
                keep_missing=False,
            )
        if row is None or row[1] <= timezone.now():
            self._session_key = None
            return {}
        return self.decode(row[0])

    def save(self, must_create=False):
        # A new version with each save: the browser presents it on its next request.
        self._get_session(no_load=must_create)[VERSION_KEY] = secrets.token_urlsafe(9)
        super().save(must_create=must_create)
        watch.forget_on_commit()

    def delete(self, session_key=None):
        super().delete(session_key)
        watch.forget_on_commit()

    @property
    def version(self) -> str | None:
        """The version of the data loaded or saved in this request (None if neither)."""
        data = getattr(self, "_session_cache", None)
        return None if data is None else data.get(VERSION_KEY)


class SessionMiddleware(middleware.SessionMiddleware):
    """Django's, which also gives the browser the version of its session's data in a cookie."""

    def process_request(self, request):
        super().process_request(request)
        request.session.expected_version = request.COOKIES.get(version_cookie_name())

    def process_response(self, request, response):
        response = super().process_response(request, response)
        session = getattr(request, "session", None)
        if not isinstance(session, SessionStore):
            return response
        name = version_cookie_name()
        presented = request.COOKIES.get(name)
        ended = response.cookies.get(settings.SESSION_COOKIE_NAME)
        if ended is not None and ended["max-age"] == 0:
            if presented is not None:
                response.delete_cookie(
                    name,
                    path=settings.SESSION_COOKIE_PATH,
                    domain=settings.SESSION_COOKIE_DOMAIN,
                    samesite=settings.SESSION_COOKIE_SAMESITE,
                )
            return response
        version = session.version
        if version is None or version == presented or response.status_code >= 500:
            return response
        if session.get_expire_at_browser_close():
            max_age = expires = None
        else:
            max_age = session.get_expiry_age()
            expires = http_date(timezone.now().timestamp() + max_age)
        response.set_cookie(
            name,
            version,
            max_age=max_age,
            expires=expires,
            domain=settings.SESSION_COOKIE_DOMAIN,
            path=settings.SESSION_COOKIE_PATH,
            secure=settings.SESSION_COOKIE_SECURE or None,
            httponly=True,
            samesite=settings.SESSION_COOKIE_SAMESITE,
        )
        return response
