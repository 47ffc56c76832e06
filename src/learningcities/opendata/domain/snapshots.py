"""Snapshots of the open data: every dataset as it was, kept unchanged, so a figure
published at a release or at a reporting cycle's close can be traced to its data.

A snapshot is taken in English (codes and names as the register holds them),
in CSV and JSON, into ``opendata/snapshots/<stamp>-<occasion>/`` of the
private storage; its rows (``Snapshot``, ``SnapshotFile``) name each file with
its size, SHA-256 and row count. Nothing ever rewrites or removes them.

``take_due_snapshots`` (periodic, and asked for at once when a release
finishes) takes the snapshot of every release finished, and of every cycle
whose due date passed, within the last ``SNAPSHOT_WINDOW_DAYS``, once.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from learningcities.calls.models import Release, ReleaseState
from learningcities.common.domain.activity import record_activity
from learningcities.common.storage import private_storage
from learningcities.reports.models import ReportingCycle

from ..enums import SNAPSHOT_FORMATS, SNAPSHOT_WINDOW_DAYS, Occasion
from ..models import Snapshot, SnapshotFile
from .datasets import DATASETS
from .files import write_files

logger = logging.getLogger(__name__)

SNAPSHOTS = "opendata/snapshots"


def take_snapshot(
    occasion: str,
    *,
    release: Release | None = None,
    cycle: ReportingCycle | None = None,
    actor=None,
    now: dt.datetime | None = None,
) -> Snapshot:
    """Write every dataset's files and record them as a snapshot; return it.

    Effects: the files; the ``Snapshot`` and its ``SnapshotFile`` rows; activity
    ``opendata.snapshot.take``. A release or cycle that has its snapshot
    already gets no second one (the existing one is returned, the files just
    written removed).
    """
    now = now or timezone.now()
    folder = f"{SNAPSHOTS}/{now:%Y%m%dT%H%M%S}-{occasion}"
    written = []
    with translation.override("en"):
        for dataset in DATASETS.values():
            count, files = write_files(dataset, folder=folder, formats=SNAPSHOT_FORMATS, now=now)
            written += [(dataset.name, count, file) for file in files.values()]
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                taken_at=now, occasion=occasion, release=release, cycle=cycle, language="en"
            )
            SnapshotFile.objects.bulk_create(
                SnapshotFile(
                    snapshot=snapshot,
                    dataset=name,
                    format=file.format,
                    name=file.name,
                    size=file.size,
                    sha256=file.sha256,
                    rows=count,
                )
                for name, count, file in written
            )
            record_activity(
                "opendata.snapshot.take",
                actor=actor,
                subject=snapshot,
                changes={"occasion": [None, occasion], "files": [None, len(written)]},
            )
    except IntegrityError:  # another run took this release's or cycle's snapshot first
        for _name, _count, file in written:
            private_storage().delete(file.name)
        return (
            Snapshot.objects.get(release=release) if release else Snapshot.objects.get(cycle=cycle)
        )
    return snapshot


def take_due_snapshots(now: dt.datetime | None = None) -> int:
    """Take the snapshot of each recent release and closed cycle that has none; return how many."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=SNAPSHOT_WINDOW_DAYS)
    releases = (
        Release.objects.filter(
            state=ReleaseState.DONE, finished_at__gte=since, snapshot__isnull=True
        )
        .exclude(cohort__isnull=True, award_year__isnull=True)
        .order_by("finished_at", "pk")
    )
    cycles = ReportingCycle.objects.filter(
        due_at__lte=now, due_at__gte=since, snapshot__isnull=True, is_synthetic=False
    ).order_by("due_at", "pk")
    taken = 0
    for release in releases:
        take_snapshot(Occasion.RELEASE, release=release, now=now)
        taken += 1
    for cycle in cycles:
        take_snapshot(Occasion.CYCLE, cycle=cycle, now=now)
        taken += 1
    return taken
