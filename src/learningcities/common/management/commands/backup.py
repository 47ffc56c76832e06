import os
import shutil
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat

from learningcities.common.domain.backups import BackupError, describe_documents, write_backup


class Command(BaseCommand):
    help = (
        "Write the whole installation (every database row and every stored document) into one "
        "archive; FILE '-' writes it to standard output. Restore it with `restore FILE`. "
        "Fails, writing nothing, if a document's file is missing or does not match its row."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive to write (a zip file), or '-'")
        parser.add_argument(
            "--allow-missing",
            action="store_true",
            help=(
                "write the archive even if documents' files are missing (left out) or do not "
                "match their row (copied as found); they are named in a warning and the manifest"
            ),
        )

    def handle(self, *args, file, allow_missing=False, **options):
        try:
            if file == "-":
                with tempfile.TemporaryDirectory() as folder:
                    path = os.path.join(folder, "backup.zip")
                    summary = write_backup(path, allow_missing=allow_missing)
                    with open(path, "rb") as archive:
                        shutil.copyfileobj(archive, sys.stdout.buffer)
                    sys.stdout.buffer.flush()
                out = self.stderr
            else:
                summary = write_backup(file, allow_missing=allow_missing)
                out = self.stdout
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(f"The database could not be read or written: {error}") from error
        except OSError as error:
            raise CommandError(f"The backup could not be written: {error}") from error
        others = summary.other_files
        out.write(
            f"Backup written to {'standard output' if file == '-' else summary.path}: "
            f"{summary.rows} rows of {len(summary.models)} models, "
            f"{summary.documents} documents ({filesizeformat(summary.document_bytes)}), "
            f"{len(others)} other files ({filesizeformat(sum(e.size for e in others))})."
        )
        if summary.problems:
            self.stderr.write(
                self.style.ERROR(
                    f"WARNING: {len(summary.problems)} of {summary.documents} documents are "
                    "missing from the private storage or do not match their row; the archive "
                    "does not hold them as their rows record (--allow-missing):\n"
                    f"{describe_documents(summary.problems)}"
                )
            )
