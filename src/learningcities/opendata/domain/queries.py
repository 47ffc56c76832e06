"""Reads of the open data pages."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from learningcities.common.translated import shown

from ..enums import Occasion
from ..models import Snapshot, SnapshotFile


@dataclass(frozen=True)
class SnapshotEntry:
    snapshot: Snapshot
    label: str
    files: list[SnapshotFile]


def _label(snapshot: Snapshot) -> str:
    release = snapshot.release
    if snapshot.occasion == Occasion.RELEASE and release is not None:
        if release.cohort_id:
            return _("Cohort “%(name)s” released") % {"name": shown(release.cohort, "name")}
        if release.award_year:
            return _("Learning City Award %(year)s conferred") % {"year": release.award_year}
    if snapshot.occasion == Occasion.CYCLE and snapshot.cycle is not None:
        return _("Reporting cycle “%(name)s” closed") % {"name": shown(snapshot.cycle, "name")}
    return str(snapshot.get_occasion_display())


def snapshot_list() -> list[SnapshotEntry]:
    """Every snapshot, latest first, with its label and files (three queries)."""
    snapshots = Snapshot.objects.select_related("release__cohort", "cycle").prefetch_related(
        Prefetch("files", queryset=SnapshotFile.objects.order_by("dataset", "format"))
    )
    return [SnapshotEntry(s, _label(s), list(s.files.all())) for s in snapshots]


def snapshot_file(pk: int, dataset: str, format: str) -> SnapshotFile | None:
    """The file of snapshot ``pk`` for ``dataset`` in ``format``, or None."""
    return SnapshotFile.objects.filter(snapshot_id=pk, dataset=dataset, format=format).first()
