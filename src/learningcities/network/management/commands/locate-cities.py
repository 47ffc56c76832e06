from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from learningcities.network.domain.locations import locate_cities
from learningcities.network.gazetteer import write_unresolved_csv


class Command(BaseCommand):
    help = (
        "Fill in missing coordinates and populations of cities from the offline gazetteer, "
        "and list the cities still without coordinates (CSV with --report) to complete by hand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--report", metavar="FILE", help="write the unresolved cities as CSV")
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be filled in; write nothing"
        )

    def handle(self, *args, report=None, dry_run=False, **options):
        result = locate_cities(dry_run=dry_run)
        verb = "would fill in" if dry_run else "filled in"
        for city, fields in result.filled:
            if options.get("verbosity", 1) >= 2:
                self.stdout.write(f"{city.name} ({city.country_id}): {', '.join(fields)}")
        self.stdout.write(
            f"{'Dry run: ' if dry_run else ''}{verb} {len(result.filled)} cities; "
            f"{len(result.unresolved)} still without coordinates."
        )
        for place in result.unresolved:
            self.stdout.write(f"  {place.city} ({place.country}): {place.reason}")
        if report:
            try:
                with Path(report).open("w", encoding="utf-8", newline="") as out:
                    write_unresolved_csv(result.unresolved, out)
            except OSError as error:
                raise CommandError(f"Cannot write {report}: {error.strerror or error}") from None
            self.stdout.write(f"Unresolved cities written to {report}.")
