from django.core.management.base import BaseCommand, CommandError

from learningcities.network.domain.imports import ImportResult, MembersImportError, import_members
from learningcities.network.interfaces.members_csv import read_members_file


class Command(BaseCommand):
    help = (
        "Import member cities from a UTF-8 CSV file, or the JSON that export-members writes "
        "(columns city, country, joined; optional population, latitude, longitude, local_name, "
        "admin_area, cohort, source, status, ended; see docs/import-export.md). All rows "
        "valid or nothing is imported; importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or JSON file")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and say what would change"
        )

    def handle(self, *args, file, dry_run=False, **options):
        try:
            rows = read_members_file(file)
            result = import_members(rows, dry_run=dry_run)
        except MembersImportError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{file}: refused, {len(error.errors)} problem(s); nothing was imported."
            ) from None
        write_summary(self, result, verbosity=options.get("verbosity", 1))


def _summary_line(result: ImportResult) -> str:
    """Return the one-line count of what an import changed (or, in a dry run, would have)."""
    prefix = "Dry run, nothing written: would have " if result.dry_run else ""
    parts = [f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged"]
    if result.cohorts_created:
        parts.append(f"new cohorts: {', '.join(result.cohorts_created)}")
    if result.same_place:
        parts.append(
            f"{len(result.same_place)} taken as a city of the register under another name "
            "(see below)"
        )
    if result.unresolved:
        parts.append(f"{len(result.unresolved)} without coordinates (see below)")
    return prefix + "; ".join(parts) + "."


def write_summary(command: BaseCommand, result: ImportResult, *, verbosity: int = 1) -> None:
    """Write what an import changed, and the locations it could not find, to stdout."""
    out = command.stdout
    if verbosity >= 2:
        for line, city, country, action, fields, unit in result.changes:
            out.write(f"{unit} {line}: {city} ({country}) {action}: {', '.join(fields)}")
    out.write(_summary_line(result))
    for same in result.same_place:
        out.write(
            f"  {same.unit} {same.line}: {same.city} ({same.country}) taken as {same.existing}, "
            f"the same place ({same.place})"
        )
    for place in result.unresolved:
        out.write(f"  {place.unit} {place.line}: {place.city} ({place.country}): {place.reason}")
