from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat

from learningcities.common.domain.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty, freshly migrated installation: "
        "every row and every stored document come back, or nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by `learningcities backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data this installation holds (it is deleted first)",
        )

    def handle(self, *args, file, force=False, **options):
        try:
            summary = restore_backup(file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(f"The database could not be read or written: {error}") from error
        except OSError as error:
            raise CommandError(f"The restore failed: {error}") from error
        self.stdout.write(
            f"Restored {summary.rows} rows of {summary.models} models and {summary.files} files "
            f"({filesizeformat(summary.file_bytes)}) from {file}."
        )
