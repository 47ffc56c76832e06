import os
import shutil
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat

from learningcities.common.domain.backups import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write the whole installation (every database row and every stored document) into one "
        "archive; FILE '-' writes it to standard output. Restore it with `restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write (a zip file), or '-'")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                with tempfile.TemporaryDirectory() as folder:
                    path = os.path.join(folder, "backup.zip")
                    summary = write_backup(path)
                    with open(path, "rb") as archive:
                        shutil.copyfileobj(archive, sys.stdout.buffer)
                    sys.stdout.buffer.flush()
                out = self.stderr
            else:
                summary = write_backup(file)
                out = self.stdout
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(f"The database could not be read or written: {error}") from error
        except OSError as error:
            raise CommandError(f"The backup could not be written: {error}") from error
        out.write(
            f"Backup written to {'standard output' if file == '-' else summary.path}: "
            f"{summary.rows} rows of {len(summary.models)} models, "
            f"{len(summary.files)} files ({filesizeformat(summary.file_bytes)})."
        )
