"""Backup and restore: a rich installation comes back row for row and byte for byte.

The installation under test is this test's database. The archive it makes is
restored by the real commands, run as separate processes, into a second,
freshly migrated and empty installation (its own database and folders); that
installation is then backed up too and the two archives compared row by row
(every field, as serialized) and file by file.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.defaultfilters import filesizeformat

from learningcities.accounts.enums import Role
from learningcities.calls.enums import SubmissionState
from learningcities.common.domain.backups import open_archive
from learningcities.common.domain.documents import store_document
from learningcities.common.domain.outbox import queue_message
from learningcities.common.models import Document, OutboxMessage
from learningcities.frameworks.enums import AnswerType
from learningcities.network.models import City
from tests.accounts.factories import person_with_role
from tests.calls.factories import Cast, submission_in
from tests.common.backup_compare import compare_archives
from tests.common.files import PDF, png
from tests.factories import CityFactory
from tests.reviews.factories import assign, make_juror, make_panel, submitted_review

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_SERVER = os.environ.get("LC_TEST_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")


# The installation -------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def installation(private_root, media_root, fast_password_hashing):
    """A call with submissions, answers and documents, a jury with reviews, mail, TOTP users."""
    cast = Cast()
    in_review = submission_in(cast, SubmissionState.IN_REVIEW)
    other = Cast(call=cast.call, country_code="FR")
    submission_in(other, SubmissionState.ENDORSED)
    Cast(call=cast.call, country_code="JP").draft(complete=False)
    panel = make_panel(cast.call)
    jurors = [make_juror(panel, nationality) for nationality in ("DE", "JP")]
    ratings = {
        criterion: 2
        for criterion in cast.call.framework.criteria.all()
        if criterion.answer_type == AnswerType.RATING
    }
    for juror in jurors:
        submitted_review(assign(panel, in_review, juror), ratings, comment="Strong plan — été")
    person_with_role(Role.SECRETARIAT, totp=True)
    queue_message(
        "common.notification",
        recipients=["someone@example.org"],
        context={"subject": "Bonjour", "name": "Zoë", "text": "Ünïcode", "site_name": "LC"},
        related_object=in_review,
    )
    storages["default"].save("logos/city.png", ContentFile(png()))
    assert Document.objects.count() >= 4
    assert OutboxMessage.objects.count() >= 2
    return cast


# Running the commands in a second installation --------------------------------


def command(*args: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "learningcities", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def environment(folder: Path, database_url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LC_", "PYTEST_", "DJANGO_"))
    }
    env.update(
        LC_DATA_DIR=str(folder),
        LC_DATABASE_URL=database_url,
        LC_PRIVATE_ROOT=str(folder / "private"),
        LC_SECRET_KEY="backup-tests-" + "x" * 50,
        PYTHONPATH=str(ROOT),
    )
    return env


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An empty, freshly migrated SQLite database, made once and copied by each test."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "db.sqlite3"
    command("migrate", "-v0", env=environment(folder, f"sqlite:///{path}"))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def empty_sqlite(migrated_sqlite, tmp_path) -> dict:
    """The environment of an empty installation on SQLite."""
    folder = tmp_path / "second"
    folder.mkdir()
    shutil.copy(migrated_sqlite, folder / "db.sqlite3")
    return environment(folder, f"sqlite:///{folder / 'db.sqlite3'}")


def postgres_database(name: str) -> str:
    """Create (again) an empty PostgreSQL database; return its URL (skip without a server)."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip(f"no PostgreSQL server at {POSTGRES_SERVER}")
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES_SERVER}/{name}"


@pytest.fixture
def empty_postgres(tmp_path, worker_id) -> dict:
    """The environment of an empty installation on PostgreSQL."""
    folder = tmp_path / "second"
    folder.mkdir()
    env = environment(folder, postgres_database(f"lc_backup_restore_{worker_id}"))
    command("migrate", "-v0", env=env)
    return env


def backup_here(path: Path) -> Path:
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def stored_files(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


def assert_round_trip(archive: Path, target: dict, tmp_path: Path) -> None:
    command("restore", str(archive), env=target)
    again = tmp_path / "again.zip"
    command("backup", str(again), env=target)

    assert compare_archives(archive, again) == []
    folder = Path(target["LC_DATA_DIR"])
    assert stored_files(folder / "private") == stored_files(Path(settings.LC_PRIVATE_ROOT))
    assert stored_files(folder / "media") == stored_files(Path(settings.MEDIA_ROOT))


# Round trips ------------------------------------------------------------------


def test_backup_restore_gives_identical_rows_and_documents(installation, empty_sqlite, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")

    assert_round_trip(archive, empty_sqlite, tmp_path)


def test_backup_manifest_lists_models_and_files(installation, tmp_path):
    archive, manifest = open_archive(backup_here(tmp_path / "backup.zip"))
    with archive:
        rows = {entry["label"]: entry["rows"] for entry in manifest["models"]}
        files = sorted((entry["storage"], entry["name"]) for entry in manifest["files"])

    assert manifest["format_version"] == 1
    assert manifest["database_vendor"] == connection.vendor
    assert rows["network.city"] == City.objects.count()
    assert rows["common.document"] == Document.objects.count()
    assert "sessions.session" not in rows
    assert files == sorted(
        [("private", document.file.name) for document in Document.objects.all()]
        + [("default", "logos/city.png")]
    )


def test_backup_leaves_out_document_files_no_row_holds(private_root, media_root, tmp_path):
    document = store_document(
        ContentFile(PDF, name="letter.pdf"), owner=None, uploaded_by=None, kind="evidence"
    )
    private = storages["private"]
    # Left by an upload killed before its commit: personal data nobody can see.
    private.save("documents/0f/0f3e-orphan.pdf", ContentFile(PDF))
    # Not a document's: kept, whoever wrote it.
    private.save("exports/register.csv", ContentFile(b"city;country\n"))

    archive, manifest = open_archive(backup_here(tmp_path / "backup.zip"))
    with archive:
        names = archive.namelist()

    assert [(entry["storage"], entry["name"]) for entry in manifest["files"]] == [
        ("private", document.file.name),
        ("private", "exports/register.csv"),
    ]
    assert "files/private/documents/0f/0f3e-orphan.pdf" not in names


def two_documents() -> list[Document]:
    return [
        store_document(ContentFile(PDF, name=name), owner=None, uploaded_by=None, kind="evidence")
        for name in ("letter.pdf", "plan.pdf")
    ]


def test_backup_counts_documents_from_their_rows(private_root, media_root, tmp_path):
    two_documents()
    private = storages["private"]
    private.save("documents/0f/0f3e-orphan.pdf", ContentFile(PDF))
    private.save("exports/register.csv", ContentFile(b"city;country\n"))
    output = io.StringIO()

    call_command("backup", str(tmp_path / "backup.zip"), stdout=output)

    assert output.getvalue().endswith(
        f" models, 2 documents ({filesizeformat(2 * len(PDF))}), 1 other files (13\xa0bytes).\n"
    )


def test_backup_fails_naming_a_document_whose_file_is_missing_and_writes_nothing(
    private_root, media_root, tmp_path
):
    _kept, lost = two_documents()
    storages["private"].delete(lost.file.name)
    folder = tmp_path / "backups"
    folder.mkdir()

    with pytest.raises(CommandError) as failed:
        call_command("backup", str(folder / "backup.zip"), stdout=io.StringIO())

    assert str(failed.value).splitlines()[:2] == [
        "1 of 2 documents are missing from the private storage or do not match their row; "
        "no backup was written.",
        f"- {lost.pk} “plan.pdf” ({lost.file.name}): missing from the storage",
    ]
    assert list(folder.iterdir()) == []


def test_backup_fails_on_a_document_file_that_does_not_match_its_row(
    private_root, media_root, tmp_path
):
    damaged, _intact = two_documents()
    (private_root / damaged.file.name).write_bytes(PDF[:-1] + b"X")

    with pytest.raises(CommandError) as failed:
        call_command("backup", str(tmp_path / "backup.zip"), stdout=io.StringIO())

    assert str(failed.value).splitlines()[1] == (
        f"- {damaged.pk} “letter.pdf” ({damaged.file.name}): "
        "damaged: its SHA-256 differs from the one its row records"
    )
    assert not (tmp_path / "backup.zip").exists()


def test_backup_names_at_most_ten_missing_documents(private_root, media_root, tmp_path):
    documents = [
        store_document(ContentFile(PDF, name=f"{n}.pdf"), owner=None, uploaded_by=None, kind="e")
        for n in range(12)
    ]
    for document in documents:
        storages["private"].delete(document.file.name)

    with pytest.raises(CommandError) as failed:
        call_command("backup", str(tmp_path / "backup.zip"), stdout=io.StringIO())

    lines = str(failed.value).splitlines()
    assert (len([line for line in lines if line.startswith("- ")]), lines[11]) == (
        11,
        "- and 2 more",
    )


def test_backup_allow_missing_writes_the_archive_and_warns(private_root, media_root, tmp_path):
    kept, lost = two_documents()
    storages["private"].delete(lost.file.name)
    output, errors = io.StringIO(), io.StringIO()

    call_command(
        "backup", str(tmp_path / "backup.zip"), allow_missing=True, stdout=output, stderr=errors
    )
    archive, manifest = open_archive(tmp_path / "backup.zip")
    archive.close()

    assert ", 2 documents (" in output.getvalue()
    assert errors.getvalue().splitlines() == [
        "WARNING: 1 of 2 documents are missing from the private storage or do not match their "
        "row; the archive does not hold them as their rows record (--allow-missing):",
        f"- {lost.pk} “plan.pdf” ({lost.file.name}): missing from the storage",
    ]
    assert [entry["name"] for entry in manifest["files"]] == [kept.file.name]
    assert [entry["id"] for entry in manifest["missing_documents"]] == [str(lost.pk)]


def test_restore_counts_documents_and_names_those_whose_file_the_archive_lacks(
    private_root, media_root, tmp_path, empty_sqlite
):
    _kept, lost = two_documents()
    storages["private"].delete(lost.file.name)
    call_command(
        "backup",
        str(tmp_path / "backup.zip"),
        allow_missing=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    result = command("restore", str(tmp_path / "backup.zip"), env=empty_sqlite)

    assert f" models, 2 documents ({filesizeformat(len(PDF))}) and 0 other files" in (result.stdout)
    assert result.stderr.splitlines()[-1] == (
        f"- {lost.pk} “plan.pdf” ({lost.file.name}): its file is not in the archive"
    )


def test_backup_restore_into_postgresql_gives_identical_rows(
    installation, empty_postgres, tmp_path
):
    # From this test's database (SQLite or PostgreSQL) into PostgreSQL.
    archive = backup_here(tmp_path / "backup.zip")

    assert_round_trip(archive, empty_postgres, tmp_path)


def test_restore_into_postgresql_resets_sequences(installation, empty_postgres, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")
    command("restore", str(archive), env=empty_postgres)

    result = command(
        "shell",
        "-v0",
        "-c",
        "from tests.factories import CityFactory; from tests.accounts.factories import make_user; "
        "city = CityFactory(); user = make_user(); print(city.pk, user.pk)",
        env=empty_postgres,
    )

    city_pk, user_pk = map(int, result.stdout.split())
    assert city_pk == max(City.objects.values_list("pk", flat=True)) + 1
    assert user_pk > 0


def test_backup_to_standard_output_is_the_same_archive(installation, empty_sqlite, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "learningcities", "backup", "-"],
        env=empty_sqlite,
        cwd=ROOT,
        capture_output=True,
        timeout=600,
    )
    archive = tmp_path / "stdout.zip"
    archive.write_bytes(result.stdout)

    assert result.returncode == 0
    assert zipfile.is_zipfile(archive)
    assert open_archive(archive)[1]["format_version"] == 1


# Refusals ---------------------------------------------------------------------


def rewrite(archive: Path, target: Path, *, manifest=None, drop=(), replace=None) -> Path:
    """Copy ``archive`` with its manifest changed, members dropped or replaced."""
    replace = replace or {}
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            if name in drop:
                continue
            data = replace.get(name, source.read(name))
            if name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data)))
            copy.writestr(name, data)
    return target


def assert_refused(archive: Path, target: dict, message: str) -> None:
    result = command("restore", str(archive), env=target, check=False)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert stored_files(Path(target["LC_DATA_DIR"]) / "private") == {}


def assert_refused_here(archive: Path, message: str) -> None:
    """The archive is refused before the installation is looked at (here: not an empty one)."""
    cities, documents = City.objects.count(), Document.objects.count()
    files = stored_files(Path(settings.LC_PRIVATE_ROOT))

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())

    assert message in str(refused.value)
    assert (City.objects.count(), Document.objects.count()) == (cities, documents)
    assert stored_files(Path(settings.LC_PRIVATE_ROOT)) == files


def test_restore_refuses_damaged_document_and_changes_nothing(installation, empty_sqlite, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")
    document = Document.objects.first()
    damaged = rewrite(
        archive,
        tmp_path / "damaged.zip",
        replace={f"files/private/{document.file.name}": b"%PDF-1.4 changed"},
    )

    # Refused before anything is written (the failure after writing is tested below).
    assert_refused(damaged, empty_sqlite, "does not match its checksum")


def test_restore_failing_midway_removes_written_files_and_rows(
    installation, empty_sqlite, tmp_path
):
    archive = backup_here(tmp_path / "backup.zip")

    def miscounted(manifest):
        for entry in manifest["models"]:
            if entry["label"] == "network.city":
                entry["rows"] += 1
        return manifest

    assert_refused(
        rewrite(archive, tmp_path / "miscounted.zip", manifest=miscounted),
        empty_sqlite,
        "the manifest says",
    )
    assert stored_files(Path(empty_sqlite["LC_DATA_DIR"]) / "media") == {}
    # The rows were rolled back too: the good archive still restores (into an empty installation).
    assert_round_trip(archive, empty_sqlite, tmp_path)


def test_restore_refuses_truncated_archive(installation, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    assert_refused_here(truncated, "not a learningcities backup")


def test_restore_refuses_a_file_that_is_no_archive(installation, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not an archive")

    assert_refused_here(text, "not a learningcities backup")


def test_restore_refuses_other_format_version(installation, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")
    newer = rewrite(archive, tmp_path / "newer.zip", manifest=lambda m: {**m, "format_version": 99})

    assert_refused_here(newer, "has backup format version 99")


def test_restore_refuses_missing_member(installation, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")
    incomplete = rewrite(archive, tmp_path / "incomplete.zip", drop={"data/network.city.jsonl"})

    assert_refused_here(incomplete, "data/network.city.jsonl is missing")


def test_restore_refuses_other_migrations(installation, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")

    def older(manifest):
        manifest["migrations"]["network"] = manifest["migrations"]["network"][:1]
        return manifest

    assert_refused_here(
        rewrite(archive, tmp_path / "older.zip", manifest=older),
        "other migrations than this installation has (apps: network)",
    )


def test_restore_refuses_non_empty_installation(installation, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")
    cities = City.objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(archive), stdout=io.StringIO())

    assert str(refused.value).startswith("This installation is not empty")
    assert f"network.city ({cities} rows)" in str(refused.value)
    assert City.objects.count() == cities


def test_restore_force_replaces_the_installation_with_the_archive(installation, tmp_path):
    archive = backup_here(tmp_path / "backup.zip")
    cities = City.objects.count()
    CityFactory(name="Added after the backup")

    call_command("restore", str(archive), force=True, stdout=io.StringIO())

    assert City.objects.count() == cities
    assert not City.objects.filter(name="Added after the backup").exists()
    assert compare_archives(archive, backup_here(tmp_path / "again.zip")) == []
