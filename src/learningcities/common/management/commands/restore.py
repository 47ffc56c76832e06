from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat

from learningcities.common.domain.backups import BackupError, describe_documents, restore_backup


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
            f"Restored {summary.rows} rows of {summary.models} models, "
            f"{summary.documents} documents ({filesizeformat(summary.document_bytes)}) and "
            f"{summary.other_files} other files ({filesizeformat(summary.other_file_bytes)}) "
            f"from {file}."
        )
        if summary.problems:
            self.stderr.write(
                self.style.ERROR(
                    f"WARNING: the archive does not hold the files of {len(summary.problems)} "
                    f"of {summary.documents} documents; their rows are restored, their files "
                    "answer 404 until they are put back:\n"
                    f"{describe_documents(summary.problems)}"
                )
            )
