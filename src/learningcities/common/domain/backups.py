"""Backups: the whole installation (database rows and stored files) in one archive.

The archive is a zip file:

- ``manifest.json``: format and version, when and from what it was made
  (application, Django, database vendor, the applied migrations), every data
  member with its row count, size and SHA-256, every stored file with its
  storage, name, size and SHA-256;
- ``data/<app>.<model>.jsonl``: the rows of one model, one JSON object a line
  (Django's ``jsonl`` serializer), in primary-key order, models in dependency
  order;
- ``files/<storage>/<name>``: the files of the private documents storage and of
  the default (media) storage. Of the private storage's documents folder, the
  archive holds exactly the files its document rows name, found from the rows
  (read in the same transaction), not from a listing: a row whose file is
  missing from the storage, or does not match the size and SHA-256 the row
  records, fails the backup (unless missing files are explicitly allowed, and
  then they are named in the manifest); an orphan left by a killed upload is
  personal data nobody can see or delete: it is not carried along.

What is in it, and why:

- Every model of every installed app, with its own primary keys. Content
  types and permissions are kept too (not rebuilt by natural keys): a restore
  replaces the ones ``migrate`` made in the target with the archive's, so every
  row that points at a content type (documents, the activity log, admin
  history, permissions) keeps pointing at the same thing and every row comes
  back identical.
- Failed-login records (axes) are kept: a lock in force is still in force after
  a restore, and the record of attempts is part of the security history.
- Sessions are left out: logins do not survive a restore, everyone signs in
  again (a session is a credential, and an archive is often kept elsewhere).

A restore happens only into an installation that holds no data of its own yet
(freshly migrated: only the reference data ``migrate`` installs), checks every
checksum before it changes anything, loads every row in one transaction (rows
are inserted as they are: no ``save()``, no signals, timestamps untouched),
writes the files, checks the row counts, and on any failure rolls back and
removes the files it wrote.
"""

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.files.base import File
from django.core.files.storage import storages
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import DatabaseError
from django.dispatch import Signal
from django.utils import timezone

import learningcities

from ..errors import RuleError
from ..models import Document
from .documents import DOCUMENTS_FOLDER

FORMAT = "learningcities-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK_ROWS = 2000
CHUNK_BYTES = 1024 * 1024
# Storages whose files are part of an installation (settings.STORAGES aliases).
FILE_STORAGES = ("private", "default")
# How many documents a message names before "and N more".
NAMED_DOCUMENTS = 10
# Left out: a login is a credential and does not survive a restore.
EXCLUDED_MODELS = {"sessions.session"}
# Left out: the queue of background jobs (LC_TASKS=database). A job only carries
# ids and re-reads the database; replaying old results or queued jobs into
# another installation would run work twice. Mail waits in the outbox (kept)
# and due reminders are found again by `run-scheduled`.
EXCLUDED_APPS = {"django_tasks_database"}
# Filled by ``migrate`` itself (post_migrate: content types, permissions, the
# country list, the shipped mail templates and frameworks) or by a migration (the
# thematic clusters, the library's revision row). An installation
# whose other tables are empty, and whose activity log records only these
# installs, holds no data of its own.
SETUP_APPS = {"contenttypes", "frameworks"}
SETUP_MODELS = {
    "auth.permission",
    "common.messagetemplate",
    "network.country",
    "network.networkrevision",
    "practices.cluster",
    "practices.practicesrevision",
    "common.activitylogentry",
}
SETUP_ACTIONS = {"network.countries.sync", "frameworks.shipped.install"}


class BackupError(RuleError):
    """A backup or restore was refused or failed; the message says why."""


@dataclass
class ModelEntry:
    label: str
    member: str
    rows: int
    size: int
    sha256: str


@dataclass
class FileEntry:
    storage: str
    name: str
    member: str
    size: int
    sha256: str


@dataclass
class DocumentProblem:
    """A document whose file is not where its row says, or not what its row records."""

    id: str
    original_name: str
    name: str
    problem: str

    def __str__(self) -> str:
        return f"{self.id} “{self.original_name}” ({self.name}): {self.problem}"


def describe_documents(problems: list[DocumentProblem], *, limit: int = NAMED_DOCUMENTS) -> str:
    """Return the documents as lines ("- id “name” (path): problem"), at most ``limit`` named."""
    lines = [f"- {problem}" for problem in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"- and {len(problems) - limit} more")
    return "\n".join(lines)


def checked_size_and_digest(size: int, sha256: str, *, expected_size: int, expected: str) -> str:
    """Return what is wrong with a file of ``size`` and ``sha256`` ("" if it is as expected)."""
    if size != expected_size:
        return f"damaged: {size} bytes, its row records {expected_size}"
    if sha256 != expected:
        return "damaged: its SHA-256 differs from the one its row records"
    return ""


@dataclass
class BackupSummary:
    path: str
    models: list[ModelEntry] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    # Counted from the document rows of the snapshot.
    documents: int = 0
    document_files: set[str] = field(default_factory=set)
    # Left out (missing) or copied as found (damaged): only with allow_missing.
    problems: list[DocumentProblem] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(entry.rows for entry in self.models)

    @property
    def document_bytes(self) -> int:
        return sum(e.size for e in self.files if self._is_document(e))

    @property
    def other_files(self) -> list[FileEntry]:
        return [entry for entry in self.files if not self._is_document(entry)]

    @property
    def file_bytes(self) -> int:
        return sum(entry.size for entry in self.files)

    def _is_document(self, entry: FileEntry) -> bool:
        return entry.storage == "private" and entry.name in self.document_files


# Which models -----------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """Return every model whose rows go into a backup, each before the models that need it."""
    ordered = serializers.sort_dependencies(
        [(config, None) for config in apps.get_app_configs()], allow_cycles=True
    )
    return [
        model
        for model in ordered
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in EXCLUDED_MODELS
        and model._meta.app_label not in EXCLUDED_APPS
    ]


def check_migrated(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise BackupError if the database lacks migrations of this version of the code."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        raise BackupError(
            f"The database is not migrated ({len(plan)} migrations to apply: {names}); "
            "run `learningcities migrate` first."
        )


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """Return the applied migrations of the database, by app, sorted."""
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {label: sorted(names) for label, names in sorted(applied.items())}


# Writing ----------------------------------------------------------------------


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder without its rounding: times keep their microseconds."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


class _HashingWriter:
    """A text sink for the serializer: encodes, counts and hashes what it passes on."""

    def __init__(self, binary):
        self.binary = binary
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> None:
        data = text.encode()
        self.digest.update(data)
        self.size += len(data)
        self.binary.write(data)


@contextlib.contextmanager
def _snapshot(using: str):
    """Read everything inside one transaction, so the archive is one moment's state."""
    connection = connections[using]
    if connection.in_atomic_block:  # called inside a transaction already (tests)
        yield
        return
    if connection.vendor == "sqlite":
        # A deferred (read) transaction: writers go on working while the
        # snapshot is read (WAL); Django's atomic() would take the write lock.
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _storage_files(storage, folder: str = "", *, skip: str = "") -> Iterator[str]:
    """Yield the name of every file in ``storage``, folders walked depth first, sorted.

    The top-level folder ``skip`` is not walked.
    """
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        if not folder and name == skip:
            continue
        yield from _storage_files(storage, f"{folder}/{name}" if folder else name)


def _write_documents(archive: zipfile.ZipFile, storage, summary: BackupSummary, using: str) -> None:
    """Copy the file of every document row (of the snapshot) into the archive.

    Records in ``summary`` the rows counted, the files copied and the
    documents whose file is missing (left out) or does not match its row
    (copied as found: the manifest records what it holds).
    """
    rows = (
        Document.objects.using(using)
        .order_by("file", "pk")
        .values_list("pk", "original_name", "file", "size", "sha256")
    )
    for pk, original_name, name, size, sha256 in rows.iterator(chunk_size=CHUNK_ROWS):
        summary.documents += 1
        if name in summary.document_files:  # two rows naming one file: copied once
            continue
        try:
            if not name:
                raise FileNotFoundError(name)
            entry = _write_file(archive, "private", storage, name)
        except FileNotFoundError:
            summary.problems.append(
                DocumentProblem(str(pk), original_name, name, "missing from the storage")
            )
            continue
        summary.files.append(entry)
        summary.document_files.add(name)
        if problem := checked_size_and_digest(
            entry.size, entry.sha256, expected_size=size, expected=sha256
        ):
            summary.problems.append(DocumentProblem(str(pk), original_name, name, problem))


def _write_model(archive: zipfile.ZipFile, model, using: str) -> ModelEntry:
    label = model._meta.label_lower
    member = f"data/{label}.jsonl"
    queryset = model._base_manager.using(using).order_by("pk")
    many_to_many = [
        f.name for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created
    ]
    if many_to_many:
        queryset = queryset.prefetch_related(*many_to_many)
    rows = 0

    def counted():
        nonlocal rows
        for obj in queryset.iterator(chunk_size=CHUNK_ROWS):
            rows += 1
            yield obj

    with archive.open(member, "w", force_zip64=True) as binary:
        sink = _HashingWriter(binary)
        serializers.serialize("jsonl", counted(), stream=sink, cls=_ExactEncoder)
    return ModelEntry(label, member, rows, sink.size, sink.digest.hexdigest())


def _write_file(archive: zipfile.ZipFile, storage_alias: str, storage, name: str) -> FileEntry:
    member = f"files/{storage_alias}/{name}"
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as source, archive.open(member, "w", force_zip64=True) as target:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return FileEntry(storage_alias, name, member, size, digest.hexdigest())


def _check_documents(summary: BackupSummary) -> None:
    """Raise BackupError naming the documents whose file is missing or does not match."""
    if summary.problems:
        raise BackupError(
            f"{len(summary.problems)} of {summary.documents} documents "
            "are missing from the private storage or do not match their "
            "row; no backup was written.\n"
            f"{describe_documents(summary.problems)}\n"
            "If the documents were kept elsewhere before (another "
            "LC_PRIVATE_ROOT, or before LC_S3_BUCKET was set), bring them "
            "over with `learningcities move-documents`; to back up "
            "everything else meanwhile, use `backup --allow-missing`."
        )


def _write_storage(
    archive: zipfile.ZipFile, alias: str, summary: BackupSummary, *, using: str, allow_missing: bool
) -> None:
    """Copy the files of the storage ``alias`` into the archive, recording them in ``summary``.

    Of the private storage, the documents folder holds exactly the files the
    document rows name (see _write_documents); the rest is copied as listed.
    """
    storage = storages[alias]
    skip = ""
    if alias == "private":
        _write_documents(archive, storage, summary, using)
        if not allow_missing:
            _check_documents(summary)
        skip = DOCUMENTS_FOLDER
    for name in _storage_files(storage, skip=skip):
        summary.files.append(_write_file(archive, alias, storage, name))


def _manifest(summary: BackupSummary, using: str) -> dict:
    """Return the manifest of an archive holding what ``summary`` records."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "app_version": learningcities.__version__,
        "django_version": django.get_version(),
        "database_vendor": connections[using].vendor,
        "migrations": applied_migrations(using),
        "models": [entry.__dict__ for entry in summary.models],
        "files": [entry.__dict__ for entry in summary.files],
        "missing_documents": [problem.__dict__ for problem in summary.problems],
    }


def write_backup(
    path: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, allow_missing: bool = False
) -> BackupSummary:
    """Write the whole installation into the archive ``path``.

    Effects: writes a temporary file beside ``path`` and renames it over
    ``path`` once complete (an interrupted or failed backup leaves nothing
    behind); reads every row in one read-only transaction (REPEATABLE READ on
    PostgreSQL, one read transaction on SQLite), and the document files those
    rows name. Raises BackupError naming the documents whose file is missing
    or does not match its row's size and SHA-256, unless ``allow_missing``:
    then a missing file is left out, a mismatching one copied as found, and
    both are listed in the summary and the manifest (``missing_documents``).
    Changes nothing in the database or the storages.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    check_migrated(using)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    summary = BackupSummary(path=str(target))
    try:
        with (
            zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive,
            _snapshot(using),
        ):
            for model in backed_up_models():
                summary.models.append(_write_model(archive, model, using))
            # Files are copied after the rows they belong to; the manifest
            # lists exactly what was copied. The documents' files are the ones
            # the rows of the snapshot name: a file whose row commits after
            # the snapshot is left out with the row.
            for alias in FILE_STORAGES:
                _write_storage(archive, alias, summary, using=using, allow_missing=allow_missing)
            manifest = _manifest(summary, using)
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        os.chmod(temporary, 0o600)  # it holds personal data and password hashes
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return summary


# Reading ----------------------------------------------------------------------


def open_archive(path: str | os.PathLike) -> tuple[zipfile.ZipFile, dict]:
    """Open an archive and return it with its manifest; BackupError if it is not one of ours."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as error:
        raise BackupError(f"{path}: no such file.") from error
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(
            f"{path} is not a learningcities backup (not a zip archive, or truncated: {error})."
        ) from error
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        archive.close()
        raise BackupError(
            f"{path} is not a learningcities backup: it has no {MANIFEST}."
        ) from error
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        archive.close()
        raise BackupError(f"{path}: the manifest cannot be read ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        raise BackupError(f"{path} is not a learningcities backup (unknown manifest format).")
    if manifest.get("format_version") != FORMAT_VERSION:
        archive.close()
        raise BackupError(
            f"{path} has backup format version {manifest.get('format_version')!r}; "
            f"this version of learningcities reads version {FORMAT_VERSION}."
        )
    return archive, manifest


def _member_digest(archive: zipfile.ZipFile, member: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with archive.open(member) as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def verify_archive(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Check every member the manifest lists: present, of its size and checksum.

    Raises BackupError naming the first member that is missing or damaged.
    """
    try:
        entries = [*manifest["models"], *manifest["files"]]
        known = set(archive.namelist())
        for entry in entries:
            member = entry["member"]
            if member not in known:
                raise BackupError(f"The archive is incomplete: {member} is missing.")
            try:
                size, sha256 = _member_digest(archive, member)
            except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as error:
                raise BackupError(f"The archive is damaged: {member} ({error}).") from error
            if size != entry["size"] or sha256 != entry["sha256"]:
                raise BackupError(f"The archive is damaged: {member} does not match its checksum.")
    except (KeyError, TypeError) as error:
        raise BackupError(f"The manifest is incomplete ({error}).") from error


# Restoring --------------------------------------------------------------------


def _model_for(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError) as error:
        raise BackupError(
            f"The archive holds rows of {label}, which this installation does not have."
        ) from error


def not_empty(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Return what holds data of the installation's own (empty list: nothing)."""
    from learningcities.common.models import ActivityLogEntry

    found = []
    for model in backed_up_models():
        label = model._meta.label_lower
        if model._meta.app_label in SETUP_APPS or label in SETUP_MODELS:
            continue
        count = model._base_manager.using(using).count()
        if count:
            found.append(f"{label} ({count} rows)")
    activity = (
        ActivityLogEntry.objects.using(using)
        .exclude(actor__isnull=True, action__in=SETUP_ACTIONS)
        .count()
    )
    if activity:
        found.append(f"{ActivityLogEntry._meta.label_lower} ({activity} rows)")
    return found


def _flush(using: str) -> None:
    """Empty every table (in the restore's transaction): what migrate made is replaced too."""
    connection = connections[using]
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _link_rows(obj, m2m_data: dict | None, through: dict) -> list:
    """Return the rows (unsaved) of the many-to-many tables that link ``obj``."""
    links = []
    for name, pks in (m2m_data or {}).items():
        relation = through[name]
        source_name = relation.m2m_field_name()
        target_name = relation.m2m_reverse_field_name()
        links.extend(
            relation.remote_field.through(**{f"{source_name}_id": obj.pk, f"{target_name}_id": pk})
            for pk in pks
        )
    return links


def _load_model(archive: zipfile.ZipFile, model, member: str, using: str) -> int:
    """Insert the rows of one member as they are; return how many."""
    meta = model._meta
    fields = meta.local_concrete_fields
    through = {
        f.name: f for f in meta.local_many_to_many if f.remote_field.through._meta.auto_created
    }
    rows = 0
    batch: list = []
    links: list = []

    def flush_batch():
        if batch:
            # Inserted as save() would, but raw (values as stored) and without
            # signals: a receiver must not touch rows while they come back.
            model._base_manager.using(using)._insert(batch, fields=fields, raw=True, using=using)
            batch.clear()
        for through_model, pairs in _group_links(links).items():
            through_model._base_manager.using(using).bulk_create(pairs)
        links.clear()

    with archive.open(member) as source:
        stream = io.TextIOWrapper(source, encoding="utf-8")
        for deserialized in serializers.deserialize("jsonl", stream, using=using):
            obj = deserialized.object
            if type(obj) is not model:
                raise BackupError(f"{member} holds a row of another model ({type(obj).__name__}).")
            batch.append(obj)
            links.extend(_link_rows(obj, deserialized.m2m_data, through))
            rows += 1
            if len(batch) >= 500:
                flush_batch()
        flush_batch()
    return rows


def _group_links(links) -> dict:
    grouped: dict = {}
    for row in links:
        grouped.setdefault(type(row), []).append(row)
    return grouped


def _stored_digest(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as source:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _reset_sequences(models_loaded, using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), models_loaded)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@dataclass
class RestoreSummary:
    rows: int
    models: int
    files: int
    file_bytes: int
    # Counted from the restored document rows; files: those not a document's.
    documents: int = 0
    document_bytes: int = 0
    other_files: int = 0
    other_file_bytes: int = 0
    # Restored rows whose file the archive does not hold.
    problems: list[DocumentProblem] = field(default_factory=list)


def _restored_documents(manifest: dict, using: str) -> tuple[int, set[str], list[DocumentProblem]]:
    """Return the restored document rows' count, their files the archive holds, the rows without."""
    archived = {e["name"] for e in manifest["files"] if e["storage"] == "private"}
    count = 0
    held = set()
    problems = []
    rows = Document.objects.using(using).order_by("file", "pk")
    for pk, original_name, name in rows.values_list("pk", "original_name", "file").iterator(
        chunk_size=CHUNK_ROWS
    ):
        count += 1
        if name in archived:
            held.add(name)
        else:
            problems.append(
                DocumentProblem(str(pk), original_name, name, "its file is not in the archive")
            )
    return count, held, problems


def _check_same_migrations(manifest: dict, using: str) -> None:
    """Raise BackupError unless this installation has the archive's migrations applied."""
    here = applied_migrations(using)
    there = manifest.get("migrations", {})
    if here == there:
        return
    differing = sorted(
        label for label in set(here) | set(there) if here.get(label) != there.get(label)
    )
    raise BackupError(
        "The archive was made with other migrations than this installation has "
        f"(apps: {', '.join(differing)}). Restore into an installation of the version "
        f"that made it ({manifest.get('app_version')}), then upgrade and migrate."
    )


def _check_empty(using: str) -> None:
    """Raise BackupError if this installation holds data of its own."""
    if holding := not_empty(using):
        raise BackupError(
            "This installation is not empty; restore only into a freshly migrated one. "
            f"It holds: {', '.join(holding)}."
        )


def _already_stored(entry: dict) -> bool:
    """Return whether the storage holds the file of ``entry`` byte for byte.

    Raises BackupError if the storage is unknown, or holds the name with other content.
    """
    if entry["storage"] not in FILE_STORAGES:
        raise BackupError(f"The archive names an unknown storage: {entry['storage']}.")
    storage = storages[entry["storage"]]
    if not storage.exists(entry["name"]):
        return False
    if _stored_digest(storage, entry["name"]) != entry["sha256"]:
        raise BackupError(
            f"The file {entry['name']} already exists in the {entry['storage']} "
            "storage with other content; restore into an installation without "
            "stored files."
        )
    return True


def _restore_files(archive: zipfile.ZipFile, entries: list[dict], written: list[tuple]) -> None:
    """Save the file of every entry into its storage, appending each to ``written``."""
    for entry in entries:
        storage = storages[entry["storage"]]
        with archive.open(entry["member"]) as source:
            content = File(source, name=entry["name"])
            content.size = entry["size"]
            saved = storage.save(entry["name"], content)
        written.append((storage, saved))
        if saved != entry["name"]:
            raise BackupError(f"The file {entry['name']} could not keep its name.")


def _load_rows(archive: zipfile.ZipFile, loaded_models: list[tuple], using: str) -> int:
    """Insert every member's rows (constraints checked once at the end); return how many."""
    connection = connections[using]
    rows = 0
    with connection.constraint_checks_disabled():
        for model, entry in loaded_models:
            count = _load_model(archive, model, entry["member"], using)
            if count != entry["rows"]:
                raise BackupError(
                    f"{entry['member']} holds {count} rows; the manifest says {entry['rows']}."
                )
            rows += count
    table_names = [model._meta.db_table for model, _entry in loaded_models]
    try:
        connection.check_constraints(table_names=table_names)
    except Exception as error:
        raise BackupError(f"The restored rows do not hold together: {error}") from error
    return rows


def _check_row_counts(loaded_models: list[tuple], using: str) -> None:
    """Raise BackupError if a model's table does not hold the rows the manifest counts."""
    for model, entry in loaded_models:
        count = model._base_manager.using(using).count()
        if count != entry["rows"]:
            raise BackupError(
                f"{entry['label']} has {count} rows after the restore; "
                f"the manifest says {entry['rows']}."
            )


def _remove_files(written: list[tuple]) -> None:
    """Delete the files a failed restore wrote (best effort)."""
    for storage, name in written:
        with contextlib.suppress(Exception):
            storage.delete(name)


def _split_documents(files: list[dict], held: set[str]) -> tuple[list[dict], list[dict]]:
    """Return the entries of the documents' files (the private ones in ``held``), and the others."""
    documents, others = [], []
    for entry in files:
        is_document = entry["storage"] == "private" and entry["name"] in held
        (documents if is_document else others).append(entry)
    return documents, others


def _restore_summary(
    manifest: dict, *, rows: int, models: int, documents: int, held: set[str], problems: list
) -> RestoreSummary:
    """Return the summary of a restore: the documents are the private files rows name."""
    files = manifest["files"]
    document_files, others = _split_documents(files, held)
    return RestoreSummary(
        rows=rows,
        models=models,
        files=len(files),
        file_bytes=sum(entry["size"] for entry in files),
        documents=documents,
        document_bytes=sum(entry["size"] for entry in document_files),
        other_files=len(others),
        other_file_bytes=sum(entry["size"] for entry in others),
        problems=problems,
    )


# Sent after a restore succeeded (``using``: the database alias). Data kept outside the
# models, which no archive holds (the library's search index), is rebuilt by the app
# that owns it (practices/apps.py).
restored = Signal()


def restore_backup(
    path: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, force: bool = False
) -> RestoreSummary:
    """Restore the archive ``path`` into this (empty) installation.

    Checks, before changing anything: the archive and its format version, every
    member's checksum, that this installation has the same migrations applied,
    that it holds no data of its own (unless ``force``) and that no stored file
    would be overwritten by a different one (an identical one is left as it is).
    Then writes the stored files and, in one transaction, empties every table
    (also the reference data ``migrate`` installed: the archive's copy replaces
    it), inserts every row as it was, resets the sequences (PostgreSQL) and
    checks the row counts against the manifest. On any failure the transaction
    is rolled back and the files it wrote are removed. After success the cache
    is cleared. Counts the restored documents from their rows; a row whose
    file the archive does not hold (an archive written with ``allow_missing``,
    or by a version that counted files, not rows) is restored and listed in
    the summary's ``problems``.
    """
    archive, manifest = open_archive(path)
    with archive:
        verify_archive(archive, manifest)
        check_migrated(using)
        loaded_models = [(_model_for(entry["label"]), entry) for entry in manifest["models"]]
        _check_same_migrations(manifest, using)
        if not force:
            _check_empty(using)
        # Files the storage holds already, byte for byte, are left as they are.
        missing = [entry for entry in manifest["files"] if not _already_stored(entry)]
        written: list[tuple] = []
        try:
            _restore_files(archive, missing, written)
            with transaction.atomic(using=using):
                _flush(using)
                rows = _load_rows(archive, loaded_models, using)
                _reset_sequences([model for model, _entry in loaded_models], using)
                _check_row_counts(loaded_models, using)
                documents, held, problems = _restored_documents(manifest, using)
        except BaseException as error:
            _remove_files(written)
            if isinstance(error, DatabaseError | DeserializationError):
                raise BackupError(f"The restore failed and was rolled back: {error}") from error
            raise
    cache.clear()
    ContentType.objects.clear_cache()  # ids may now name other models than before
    restored.send(sender=None, using=using)
    return _restore_summary(
        manifest,
        rows=rows,
        models=len(loaded_models),
        documents=documents,
        held=held,
        problems=problems,
    )
