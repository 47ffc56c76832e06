"""Private documents: checked by their bytes, stored outside any public path.

Every check (size, type, name, virus scan) runs before a byte is written to
the private storage. The row, the file and the activity entry live and die
together: if the transaction that stored a document rolls back, the file is
removed too. A process killed between writing the file and the commit (the
kernel ending a worker out of memory) cannot remove it: such an orphan, a
file of the documents folder that no row holds, is deleted by
``remove_orphan_files`` (run by ``run-scheduled``) once it is a day old, and
backups leave it out.
"""

import datetime as dt
import hashlib
import itertools
import logging
from collections.abc import Iterable, Iterator
from typing import IO

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from ..enums import FileFamily, ScanStatus
from ..errors import RuleError
from ..models import Document
from ..storage import private_storage
from ..validators import (
    _OLE_MIME,
    OLE,
    DetectedType,
    UnsafeArchive,
    detect_type,
    sanitise_filename,
)
from .activity import record_activity

logger = logging.getLogger(__name__)

DEFAULT_ALLOWED = (FileFamily.PDF, FileFamily.IMAGE, FileFamily.OFFICE)
CHUNK = 64 * 1024
# Where ``document_path`` (models/documents.py) puts every document's file.
# Only this folder of the private storage is swept for orphans.
DOCUMENTS_FOLDER = "documents"
# A file younger than this may belong to a transaction still in flight.
ORPHAN_AGE = dt.timedelta(days=1)


class DocumentError(RuleError):
    """An upload was refused or a document cannot be changed; the message says why."""


def max_upload_bytes() -> int:
    return settings.LC_MAX_UPLOAD_MB * 1024 * 1024


def allowed_description(allowed: Iterable[str]) -> str:
    """Return the allowed families as words, for messages ("PDF, image (PNG, ...)")."""
    return ", ".join(str(FileFamily(family).label) for family in allowed)


def check_upload(upload: IO[bytes], *, name: str, allowed: Iterable[str] = DEFAULT_ALLOWED):
    """Check an upload without storing it; return ``(detected, size, sha256, clean_name)``.

    Raises DocumentError naming the problem: too large (judged from the
    declared size first, then from the bytes read), an archive declaring more
    than can be inspected safely (a zip bomb: naming the limit passed), a type
    not allowed (naming the detected type and the allowed ones), or a name
    whose extension does not match the content. Reads the upload in chunks and
    at most a bounded amount of an archive's parts.
    """
    allowed = tuple(allowed)
    size, sha256 = _size_and_digest(upload, limit=max_upload_bytes())
    try:
        detected = detect_type(upload)
    except UnsafeArchive as refusal:
        raise DocumentError(str(refusal)) from refusal
    if detected.family not in allowed:
        raise DocumentError(
            _("This file is a %(detected)s, which is not accepted here. Accepted: %(allowed)s.")
            % {"detected": detected.description, "allowed": allowed_description(allowed)}
        )
    return detected, size, sha256, _upload_name(name, detected)


def _size_and_digest(upload: IO[bytes], *, limit: int) -> tuple[int, str]:
    """Return the size and SHA-256 of the upload; DocumentError if it is empty or too large.

    Judged from the declared size first, then from the bytes read.
    """
    declared = getattr(upload, "size", None)
    too_large = _("The file is too large (%(size)s); the limit is %(limit)s.")
    if declared is not None and declared > limit:
        raise DocumentError(
            too_large % {"size": filesizeformat(declared), "limit": filesizeformat(limit)}
        )
    digest = hashlib.sha256()
    size = 0
    upload.seek(0)
    while chunk := upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise DocumentError(
                too_large
                % {
                    "size": _("more than %s") % filesizeformat(limit),
                    "limit": filesizeformat(limit),
                }
            )
        digest.update(chunk)
    if size == 0:
        raise DocumentError(_("The file is empty."))
    return size, digest.hexdigest()


def _upload_name(name: str, detected) -> str:
    """Return the upload's name made safe, its extension the content's (added if it has none).

    Raises DocumentError if the name's extension does not match the content.
    """
    clean_name = sanitise_filename(name)
    stem, dot, extension = clean_name.rpartition(".")
    if not dot:
        return f"{clean_name}.{detected.extension}"
    if extension.lower() not in detected.extensions:
        raise DocumentError(
            _(
                "The file is named “.%(extension)s” but its content is a %(detected)s; "
                "rename it to end in “.%(expected)s”."
            )
            % {
                "extension": extension,
                "detected": detected.description,
                "expected": detected.extension,
            }
        )
    return f"{stem}.{extension.lower()}"


def _mime_type(detected: DetectedType, name: str) -> str:
    if detected == OLE:
        return _OLE_MIME.get(name.rsplit(".", 1)[-1], detected.mime_type)
    return detected.mime_type


def scan_upload(upload: IO[bytes]) -> tuple[str, str]:
    """Run ``LC_VIRUS_SCANNER`` on the upload; return ``(scan_status, detail)``.

    Raises DocumentError when the scanner finds something or fails: an upload
    that could not be scanned is refused, never stored unchecked.
    """
    path = settings.LC_VIRUS_SCANNER
    if not path:
        return ScanStatus.NOT_SCANNED, ""
    scanner = import_string(path)
    upload.seek(0)
    try:
        clean, detail = scanner(upload)
    except Exception as exc:
        logger.exception("virus scanner %s failed", path)
        raise DocumentError(
            _("The file could not be checked for viruses; try again later.")
        ) from exc
    finally:
        upload.seek(0)
    if not clean:
        raise DocumentError(
            _("The virus scanner refused this file: %(detail)s") % {"detail": detail or "?"}
        )
    return ScanStatus.CLEAN, str(detail or "")[:300]


class _RemoveFileUnlessCommitted:
    """An on-commit callback that deletes its file if it is never called.

    Django drops the callbacks of a transaction (or savepoint) that rolls back;
    this object then goes away without having run and removes the file, so a
    rolled-back write leaves no orphan file behind.
    """

    def __init__(self, storage, name: str):
        self.storage = storage
        self.name = name
        self.committed = False

    def __call__(self) -> None:
        self.committed = True

    def __del__(self) -> None:
        if not self.committed:
            try:
                self.storage.delete(self.name)
            except Exception:  # a finaliser must not raise
                logger.exception("could not remove the rolled-back file %s", self.name)


def store_document(
    upload: IO[bytes],
    *,
    owner,
    uploaded_by,
    kind: str,
    allowed: Iterable[str] = DEFAULT_ALLOWED,
    related_object: models.Model | None = None,
    name: str | None = None,
) -> Document:
    """Check ``upload`` and store it as a private document of ``owner``.

    Checks size, type (by the bytes), name and the virus scanner before
    writing anything (DocumentError otherwise); then saves the file in the
    private storage, the Document row, and records ``common.document.create``,
    all in one transaction. If that transaction rolls back, the file is removed;
    if the process is killed before the commit, ``remove_orphan_files`` removes
    it a day later.
    """
    name = name or getattr(upload, "name", "") or "document"
    detected, size, sha256, clean_name = check_upload(upload, name=name, allowed=allowed)
    scan_status, scan_detail = scan_upload(upload)
    storage = private_storage()
    document = Document(
        owner=owner,
        uploaded_by=uploaded_by,
        kind=kind,
        original_name=clean_name,
        content_type=_mime_type(detected, clean_name),
        size=size,
        sha256=sha256,
        scan_status=scan_status,
        scan_detail=scan_detail,
    )
    if related_object is not None:
        document.related_type = ContentType.objects.get_for_model(
            related_object, for_concrete_model=False
        )
        document.related_id = str(related_object.pk)
    upload.seek(0)
    stored_name = None
    try:
        with transaction.atomic():
            document.file.save(clean_name, File(upload), save=False)
            stored_name = document.file.name
            transaction.on_commit(_RemoveFileUnlessCommitted(storage, stored_name))
            document.save(force_insert=True)
            record_activity(
                "common.document.create",
                actor=uploaded_by,
                organisation=owner,
                subject=document,
                changes={
                    "original_name": [None, clean_name],
                    "kind": [None, kind],
                    "size": [None, size],
                    "content_type": [None, document.content_type],
                },
            )
    except BaseException:
        if stored_name and storage.exists(stored_name):
            storage.delete(stored_name)
        raise
    return document


def delete_document(document: Document, *, actor) -> None:
    """Delete ``document``: its row now, its file once the deletion commits.

    Records ``common.document.delete``.
    """
    storage = private_storage()
    stored_name = document.file.name
    with transaction.atomic():
        record_activity(
            "common.document.delete",
            actor=actor,
            organisation=document.owner,
            subject=document,
            changes={"original_name": [document.original_name, None]},
        )
        Document.objects.filter(pk=document.pk).delete()
        transaction.on_commit(lambda: storage.delete(stored_name), robust=True)


def held_files(names: Iterable[str], *, using: str | None = None) -> set[str]:
    """Return those of ``names`` that a Document row holds (one query per 500 names)."""
    held: set[str] = set()
    for batch in itertools.batched(names, 500):
        held.update(
            Document.objects.using(using).filter(file__in=batch).values_list("file", flat=True)
        )
    return held


def _stored_names(storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a local storage before its first document
        return
    for name in sorted(files):
        yield f"{folder}/{name}"
    for name in sorted(folders):
        yield from _stored_names(storage, f"{folder}/{name}")


def _written_at(storage, name: str) -> dt.datetime | None:
    """Return when ``name`` was last written; None if it went away meanwhile.

    A file listed a moment ago may be gone: a document's deletion removes its
    file once the deletion commits.
    """
    try:
        return storage.get_modified_time(name)
    except FileNotFoundError:
        return None
    except Exception:  # S3 says a missing object with its own error class
        if not storage.exists(name):
            return None
        raise


def remove_orphan_files(*, now: dt.datetime | None = None) -> int:
    """Delete the files of the documents folder that no Document row holds, a day old or more.

    Such a file is left by a process killed after writing a document's file
    and before committing its row (or after committing a deletion and before
    removing the file). A file younger than ``ORPHAN_AGE`` is kept: its row
    may be in a transaction still in flight. Works on any storage that lists
    folders (the local folder, an S3 bucket); reads the age of orphans only.
    Logs each file deleted; returns how many.
    """
    now = now or timezone.now()
    storage = private_storage()
    removed = 0
    for batch in itertools.batched(_stored_names(storage, DOCUMENTS_FOLDER), 500):
        held = held_files(batch)
        for name in batch:
            if name in held:
                continue
            written_at = _written_at(storage, name)
            if written_at is None or written_at > now - ORPHAN_AGE:
                continue
            storage.delete(name)
            logger.warning("Removed %s from the private storage: no document holds it.", name)
            removed += 1
    return removed
