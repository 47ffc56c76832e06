from .snapshots import Snapshot, SnapshotFile

__all__ = ["Snapshot", "SnapshotFile"]
