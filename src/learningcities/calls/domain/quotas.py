"""The per-country endorsement quota of a call, safe under concurrency.

The count lives in one ``EndorsementQuota`` row per (call, country), raised by
``UPDATE ... SET used = used + 1 WHERE used < quota``: the database decides,
row-locked, so two endorsers acting at the same moment can never both take
the last slot (the second UPDATE waits for the first to commit, then finds
the condition false).
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..models import Call, EndorsementQuota
from .errors import SubmissionError


def _quota_row(call: Call, country_id: str) -> EndorsementQuota:
    row = EndorsementQuota.objects.filter(call=call, country_id=country_id).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return EndorsementQuota.objects.create(call=call, country_id=country_id)
    except IntegrityError:  # created meanwhile by a concurrent endorsement
        return EndorsementQuota.objects.get(call=call, country_id=country_id)


def take_endorsement_slot(call: Call, country) -> None:
    """Count one more endorsement of ``country`` in ``call``; SubmissionError if none is left.

    Call inside the endorsement's transaction: a rollback gives the slot back.
    A call without endorsement (or without quota) counts nothing.
    """
    if call.quota_per_country is None or not call.needs_endorsement:
        return
    row = _quota_row(call, country.pk)
    taken = EndorsementQuota.objects.filter(pk=row.pk, used__lt=call.quota_per_country).update(
        used=F("used") + 1
    )
    if not taken:
        raise SubmissionError(
            _(
                "%(country)s has used all %(quota)s endorsements of this call; "
                "no more can be endorsed."
            )
            % {"country": country, "quota": call.quota_per_country},
            code="quota_exhausted",
        )


def give_back_endorsement_slot(call: Call, country) -> None:
    """Free one endorsement of ``country`` in ``call`` (an endorsement no longer stands)."""
    if call.quota_per_country is None or not call.needs_endorsement:
        return
    EndorsementQuota.objects.filter(call=call, country_id=country.pk, used__gt=0).update(
        used=F("used") - 1
    )
