from django.db.models import F

from learningcities.common.changes import watch

from ..models import NetworkRevision


def bump_network_revision() -> None:
    """Mark the register as changed, so cached pages and statistics are recomputed.

    Call inside the transaction of the write: a rolled-back write leaves the
    revision as it was.
    """
    updated = NetworkRevision.objects.filter(pk=1).update(number=F("number") + 1)
    if not updated:
        NetworkRevision.objects.get_or_create(pk=1, defaults={"number": 1})
    # Caches key on the number, so nothing else needs clearing; this process
    # forgets the number it keeps at the commit (others hear of it then).
    watch.forget_on_commit()
