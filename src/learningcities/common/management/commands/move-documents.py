from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat

from learningcities.common.domain.backups import describe_documents
from learningcities.common.domain.document_moves import copy_document_files
from learningcities.common.storage import PrivateFileSystemStorage, private_storage


def store_errors() -> tuple[type[BaseException], ...]:
    """The errors of the storages that mean "could not read or write" (not a bug of ours)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # boto3 is only installed where LC_S3_BUCKET is used
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


def folder_storage(folder: Path) -> PrivateFileSystemStorage:
    """Return a storage of ``folder`` as the settings make one of LC_PRIVATE_ROOT."""
    return PrivateFileSystemStorage(
        location=str(folder), directory_permissions_mode=0o700, file_permissions_mode=0o600
    )


def described(storage) -> str:
    """Name a storage for the operator: a folder's path, a bucket's name and prefix."""
    if bucket := getattr(storage, "bucket_name", None):
        prefix = getattr(storage, "location", "")
        return f"the bucket {bucket}" + (f" (prefix {prefix}/)" if prefix else "")
    return f"the folder {storage.location}"


class Command(BaseCommand):
    help = (
        "Copy the file of every document between a folder and the configured private storage "
        "(LC_S3_BUCKET or LC_PRIVATE_ROOT), under the same names, each checked against the "
        "size and SHA-256 its row records. Files already there intact are left as they are, so "
        "running it again copies nothing. Fails naming the documents whose file is missing or "
        "damaged in the source. Nothing is deleted from the source."
    )

    def add_arguments(self, parser):
        direction = parser.add_mutually_exclusive_group(required=True)
        direction.add_argument(
            "--from-folder",
            metavar="DIR",
            type=Path,
            help="copy from this folder (the old LC_PRIVATE_ROOT) to the configured storage",
        )
        direction.add_argument(
            "--to-folder",
            metavar="DIR",
            type=Path,
            help="copy from the configured storage to this folder (to leave a bucket)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and count what would be copied; write nothing",
        )

    def handle(self, *args, from_folder=None, to_folder=None, dry_run=False, **options):
        configured = private_storage()
        if from_folder is not None:
            if not from_folder.is_dir():
                raise CommandError(f"The folder {from_folder} does not exist.")
            source, target = folder_storage(from_folder.resolve()), configured
        else:
            source, target = configured, folder_storage(to_folder.resolve())
        try:
            report = copy_document_files(source=source, target=target, dry_run=dry_run)
        except DatabaseError as error:
            raise CommandError(f"The database could not be read: {error}") from error
        except store_errors() as error:
            raise CommandError(f"A file could not be read or written: {error}") from error
        self.stdout.write(
            f"{'Dry run: would copy' if dry_run else 'Copied'} {report.copied} documents "
            f"({filesizeformat(report.copied_bytes)}) from {described(source)} to "
            f"{described(target)}; {report.present} already there intact; "
            f"{report.documents} documents in all." + (" Nothing was written." if dry_run else "")
        )
        if report.replaced:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(report.replaced)} damaged copies in the target "
                    f"{'would be' if dry_run else 'were'} replaced:\n"
                    f"{describe_documents(report.replaced)}"
                )
            )
        if report.problems:
            raise CommandError(
                f"{len(report.problems)} of {report.documents} documents could not be copied:\n"
                f"{describe_documents(report.problems)}"
            )
