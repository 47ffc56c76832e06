"""The calls' revision counters: bumped by every write that changes what their lists show."""

from django.db.models import F

from ..models import Call


def bump_call_revision(call_id: int) -> None:
    """Bump the call's ``revision`` (one UPDATE; call inside the writer's transaction).

    Caches keyed on it (the call dashboard, the endorsement queue) see the
    write at the commit, in every process: they read the number on each request.
    """
    Call.objects.filter(pk=call_id).update(revision=F("revision") + 1)
