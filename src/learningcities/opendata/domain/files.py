"""The files of each dataset, generated once per revision and language, and kept.

``dataset_files(dataset)`` returns what the open data page shows of a dataset
in the active language (its row count, when it was generated, each file's
name in the storage, size and SHA-256), generating the files first if the
dataset's revision moved on since they were last written. The files go to
the private storage (a folder or a bucket; served by the open data views),
under ``opendata/live/<language>/<dataset>/``; a generation removes that
folder's files of older revisions once they are an hour old (a download of
one may still be under way).

Two processes asking at once for a dataset that moved on may both generate
it; each writes files of its own, and the last description wins. Nothing is
lost or mixed up: a description names the files it was generated with.
"""

import datetime as dt
import hashlib
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.cache import cache
from django.core.files import File
from django.utils import timezone
from django.utils.translation import get_language

from learningcities.common.storage import private_storage

from .datasets import Dataset
from .writers import WRITERS

logger = logging.getLogger(__name__)

LIVE = "opendata/live"
KEEP_OLD_FILES = dt.timedelta(hours=1)
_TIMEOUT = 7 * 24 * 3600


@dataclass(frozen=True)
class GeneratedFile:
    format: str
    name: str  # in the private storage
    size: int
    sha256: str


@dataclass(frozen=True)
class DatasetFiles:
    dataset: str
    language: str
    revision: str
    generated_at: dt.datetime
    rows: int
    files: dict[str, GeneratedFile]


def _key(dataset: Dataset, language: str, revision: str) -> str:
    digest = hashlib.sha256(revision.encode()).hexdigest()[:24]
    return f"opendata:files:{dataset.name}:{language}:{digest}"


def dataset_files(dataset: Dataset, *, regenerate: bool = False) -> DatasetFiles:
    """Return the files of ``dataset`` in the active language, generated if out of date.

    The description is trusted without looking at the storage; a reader that
    finds a file gone (the storage emptied by hand) asks again with
    ``regenerate``.
    """
    language = get_language() or "en"
    revision = dataset.revision()
    key = _key(dataset, language, revision)
    found = None if regenerate else cache.get(key)
    if isinstance(found, DatasetFiles):
        return found
    files = generate(dataset, language=language, revision=revision)
    cache.set(key, files, _TIMEOUT)
    return files


def generate(dataset: Dataset, *, language: str, revision: str) -> DatasetFiles:
    """Write every format of ``dataset`` (one pass over its rows) to the live folder."""
    started = timezone.now()
    folder = f"{LIVE}/{language}/{dataset.name}"
    count, files = write_files(dataset, folder=folder, formats=dataset.formats, now=started)
    _remove_old(folder, keep={f.name for f in files.values()}, now=started)
    return DatasetFiles(dataset.name, language, revision, started, count, files)


def write_files(
    dataset: Dataset, *, folder: str, formats, now: dt.datetime
) -> tuple[int, dict[str, GeneratedFile]]:
    """Write ``formats`` of ``dataset`` in one pass over its rows into ``folder``.

    Returns the number of rows and each file. Rows are read in the active language.
    """
    storage = private_storage()
    stamp = now.strftime("%Y%m%dT%H%M%S")
    with tempfile.TemporaryDirectory(prefix="lc-opendata-") as tmp:
        paths = {fmt: Path(tmp) / f"{dataset.name}.{WRITERS[fmt].extension}" for fmt in formats}
        writers = [WRITERS[fmt](paths[fmt], dataset) for fmt in formats]
        count = 0
        try:
            for row in dataset.rows():
                for writer in writers:
                    writer.write(row)
                count += 1
        finally:
            for writer in writers:
                writer.close()
        files = {}
        for fmt, path in paths.items():
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
                handle.seek(0)
                name = storage.save(
                    f"{folder}/{stamp}-{dataset.name}.{path.suffix[1:]}", File(handle)
                )
            files[fmt] = GeneratedFile(fmt, name, path.stat().st_size, digest.hexdigest())
    return count, files


def _remove_old(folder: str, *, keep: set[str], now: dt.datetime) -> None:
    storage = private_storage()
    try:
        _dirs, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in names:
        path = f"{folder}/{name}"
        if path in keep:
            continue
        try:
            if now - storage.get_modified_time(path) > KEEP_OLD_FILES:
                storage.delete(path)
        except (FileNotFoundError, OSError):  # another process removed it first
            logger.debug("could not remove %s", path, exc_info=True)
