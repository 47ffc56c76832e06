"""Moving the documents' files from one storage to another (a folder, an S3 bucket).

Setting ``LC_S3_BUCKET`` points the private storage at a bucket; the files of
the documents stored before are still in the old folder (``LC_PRIVATE_ROOT``)
and answer 404 until they are copied over. ``copy_document_files`` copies the
file of every document row, under the same name, checking each against the
size and SHA-256 its row records.
"""

import hashlib
from dataclasses import dataclass, field

from ..models import Document
from .backups import DocumentProblem, checked_size_and_digest

CHUNK_BYTES = 1024 * 1024


@dataclass
class DocumentCopyReport:
    documents: int = 0
    # Already in the target with the size and SHA-256 of their row: left as they are.
    present: int = 0
    # Copied (or, in a dry run, to be copied), and how many bytes.
    copied: int = 0
    copied_bytes: int = 0
    # Copies in the target that did not match their row, replaced by a good one.
    replaced: list[DocumentProblem] = field(default_factory=list)
    # Missing from the source or not matching their row there: not copied.
    problems: list[DocumentProblem] = field(default_factory=list)


def _size_and_digest(handle) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _stored_problem(storage, document: Document) -> str | None:
    """Return None if ``storage`` holds the document's file as its row records, else why not."""
    name = document.file.name
    try:
        size = storage.size(name)
        if size != document.size:
            return checked_size_and_digest(
                size, "", expected_size=document.size, expected=document.sha256
            )
        with storage.open(name, "rb") as handle:
            size, sha256 = _size_and_digest(handle)
    except FileNotFoundError:
        return "missing"
    return (
        checked_size_and_digest(size, sha256, expected_size=document.size, expected=document.sha256)
        or None
    )


def copy_document_files(*, source, target, dry_run: bool = False) -> DocumentCopyReport:
    """Copy the file of every document from storage ``source`` to ``target``, same names.

    A file the target already holds with its row's size and SHA-256 is left
    as it is, so a second run copies nothing and an interrupted run resumes.
    A source file is read once into the copy and checked against its row
    first: a missing or mismatching one is not copied but reported. A copy
    in the target that does not match its row is replaced by a good one (and
    reported). Files no document row names are not copied. With
    ``dry_run``, checks the same and writes nothing. Streams every file in
    chunks (a bucket's file is spooled to a temporary file by its storage).
    Changes no row.
    """
    report = DocumentCopyReport()
    documents = Document.objects.order_by("file", "pk").only(
        "pk", "original_name", "file", "size", "sha256"
    )
    done: set[str] = set()
    for document in documents.iterator(chunk_size=500):
        report.documents += 1
        name = document.file.name
        if name in done:  # two rows naming one file: copied once
            continue
        done.add(name)
        _copy_document(document, source=source, target=target, report=report, dry_run=dry_run)
    return report


def _problem(document: Document, text: str) -> DocumentProblem:
    return DocumentProblem(str(document.pk), document.original_name, document.file.name, text)


def _copy_document(
    document: Document, *, source, target, report: DocumentCopyReport, dry_run: bool
) -> None:
    """Copy the document's file unless the target holds it already; record what was done."""
    name = document.file.name
    in_target = _stored_problem(target, document) if name else "missing"
    if in_target is None:
        report.present += 1
        return
    try:
        if not name:
            raise FileNotFoundError(name)
        handle = source.open(name, "rb")
    except FileNotFoundError:
        report.problems.append(_problem(document, "missing from the source"))
        return
    with handle:
        _copy_checked(document, handle, in_target, target=target, report=report, dry_run=dry_run)


def _copy_checked(
    document: Document, handle, in_target: str, *, target, report: DocumentCopyReport, dry_run: bool
) -> None:
    """Copy the open source file to the target if it matches its row; record what was done.

    ``in_target`` says what is wrong with the target's copy ("missing" if there is none).
    """
    name = document.file.name
    size, sha256 = _size_and_digest(handle)
    if mismatch := checked_size_and_digest(
        size, sha256, expected_size=document.size, expected=document.sha256
    ):
        report.problems.append(_problem(document, f"in the source: {mismatch}"))
        return
    if in_target != "missing":
        report.replaced.append(_problem(document, f"the copy in the target was {in_target}"))
    report.copied += 1
    report.copied_bytes += size
    if dry_run:
        return
    if in_target != "missing":
        target.delete(name)  # a good copy is in hand: the damaged one goes
    handle.seek(0)
    saved = target.save(name, handle)
    if saved != name:  # someone else wrote the name meanwhile; theirs stays
        target.delete(saved)
        report.copied -= 1
        report.copied_bytes -= size
        report.problems.append(_problem(document, "the target holds another file under its name"))
