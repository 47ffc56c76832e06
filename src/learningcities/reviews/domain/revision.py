"""The panel's ``scores_revision``: what the stored aggregates are checked against."""

from collections.abc import Iterable

from django.db.models import F

from ..models import Panel


def bump_scores_revision(panel_ids: Iterable[int]) -> None:
    """Mark the jury's figures of these panels stale (one UPDATE, inside the change's transaction).

    Every change the figures depend on calls it: a review submitted or
    withdrawn by a recusal, an assignment made or removed, a setting of the
    figures changed.
    """
    ids = sorted(set(panel_ids))
    if ids:
        Panel.objects.filter(pk__in=ids).update(scores_revision=F("scores_revision") + 1)
