import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learningcities.network.domain.queries.members import member_rows_for_export
from learningcities.network.interfaces.members_csv import write_members_csv, write_members_json


class Command(BaseCommand):
    help = (
        "Export the member cities as CSV or JSON, one row per membership period (a city that "
        "rejoined has a row per period, with status and ended), to FILE or standard output. "
        "Either file imports back with import-members (docs/import-export.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the file to write (default: standard output)")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, file=None, format="csv", **options):
        write = write_members_json if format == "json" else write_members_csv
        rows = member_rows_for_export()
        if not file or file == "-":
            buffer = io.StringIO()
            write(rows, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        try:
            with Path(file).open("w", encoding="utf-8", newline="") as out:
                count = write(rows, out)
        except OSError as error:
            raise CommandError(f"Cannot write {file}: {error.strerror or error}") from None
        self.stderr.write(f"{count} memberships written to {file}.")
