"""The library's revision: cached pages of practices are keyed by it.

Every write a public page of practices shows (a practice published, changed
or withdrawn, a cluster's members) calls ``bump_practices_revision`` inside
its transaction; readers ask ``practices_revision`` once per request, which
on PostgreSQL each process keeps until the row's trigger notifies a change
(common.changes).
"""

from django.db import router
from django.db.models import F, Func, IntegerField, QuerySet, Subquery

from learningcities.common.changes import watch
from learningcities.common.prepared import PreparedSelect
from learningcities.network.models import NetworkRevision

from ..models import PracticesRevision


def bump_practices_revision() -> None:
    """Move the library's revision on (call inside the writer's transaction)."""
    if not PracticesRevision.objects.filter(pk=1).update(number=F("number") + 1):
        PracticesRevision.objects.get_or_create(pk=1, defaults={"number": 1})
    watch.forget_on_commit()


_NUMBER = PreparedSelect(
    lambda pk: PracticesRevision.objects.filter(pk=pk).values_list("number"), (1,)
)


def _read() -> int:
    row = _NUMBER.first(1, using=router.db_for_read(PracticesRevision))
    return (row[0] if row else 0) or 0


def practices_revision() -> int:
    """Return the library's revision number (kept by the process on PostgreSQL)."""
    return watch.watched(("practices-revision",), _read)


def library_and_register_revision() -> str:
    """Return the library's revision and the register's (cities' names), in one query.

    For what shows practices with their cities (the API's list): one read
    compiled once per process, kept by the process on PostgreSQL.
    """
    return watch.watched(("practices-and-register-revision",), _read_both)


def _both(pk: int) -> QuerySet:
    # An aggregate answers one row, whether or not either revision's row exists yet.
    register = NetworkRevision.objects.filter(pk=pk).values("number")
    return (
        PracticesRevision.objects.order_by()
        .annotate(library=Func(F("number"), function="MAX", output_field=IntegerField()))
        .values_list("library", Subquery(register))
    )


_BOTH = PreparedSelect(_both, (1,))


def _read_both() -> str:
    library, register = _BOTH.first(1, using=router.db_for_read(PracticesRevision))
    return f"{library or 0}.{register or 0}"
