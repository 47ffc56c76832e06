"""The login backend: allauth's, reading the logged-in person with one prepared SELECT.

Every logged-in request reads its person by id (Django's ``get_user``); the
SQL of that lookup is compiled once per process (common.prepared) instead of
on each request, and on PostgreSQL each process keeps the row until the table
of people changes (common.changes: a trigger on ``accounts_user`` notifies
every write, and the writing process forgets at the commit, see
accounts.signals). Each request gets a person of its own, built from the row.
Logging in, permissions and everything else are allauth's.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.core.exceptions import ValidationError
from django.db import router

from learningcities.common.changes import watch
from learningcities.common.prepared import PreparedSelect

from .models import User

_FIELDS = tuple(field.attname for field in User._meta.concrete_fields)
_BY_ID = PreparedSelect(lambda pk: User._default_manager.filter(pk=pk).values_list(*_FIELDS), (-1,))


def _read(using: str, pk) -> tuple | None:
    row = _BY_ID.first(pk, using=using)
    return None if row is None else tuple(row)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        using = router.db_for_read(User)
        row = watch.watched(("person", using, pk), lambda: _read(using, pk), keep_missing=False)
        if row is None:
            return None
        user = User.from_db(using, _FIELDS, row)
        return user if self.user_can_authenticate(user) else None
