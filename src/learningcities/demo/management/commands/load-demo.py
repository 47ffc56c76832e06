import contextlib
import datetime as dt
import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from learningcities.demo.domain.events import ensure_demo_events
from learningcities.network.domain.cohorts import create_cohort
from learningcities.network.domain.imports import MembersImportError, import_members
from learningcities.network.interfaces.members_csv import read_members_file
from learningcities.network.models import NetworkRevision

DEMO_CSV = Path(__file__).resolve().parents[2] / "data" / "gnlc_members.csv"

# The cohorts of the reference network, as announced (FACTS.md).
DEMO_COHORTS = (
    ("2019 cohort", dt.date(2019, 7, 17), "38 cities in 23 countries, July 2019."),
    ("2020 cohort", dt.date(2020, 9, 22), "55 cities in 27 countries, September 2020."),
    ("2022 cohort", dt.date(2022, 9, 2), "77 cities in 44 countries, September 2022."),
    ("2024 cohort", dt.date(2024, 2, 14), "64 cities in 35 countries, February 2024."),
    ("2025 cohort", dt.date(2025, 12, 4), "72 cities in 46 countries, December 2025."),
)


class Command(BaseCommand):
    help = (
        "Load the demo network: the reference network's cohorts and its member cities as public "
        "sources document them (demo/data/gnlc_members.csv). Safe to run again: nothing changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_CSV), help="the member list to load")
        parser.add_argument(
            "--force", action="store_true", help="import even if the list is known to be loaded"
        )

    def handle(self, *args, file, force=False, **options):
        path = Path(file)
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
        stamp_file = Path(settings.DATA_DIR) / "demo-loaded"
        stamp = f"{_database_identity()} {digest}"
        # Loaded before and the register unchanged since: nothing would change.
        if not force and digest and _read_stamp(stamp_file) == f"{stamp} {_revision()}":
            self.stdout.write("Demo network already loaded; nothing changed.")
            ensure_demo_events()  # loaded with the network; nothing to make if it is in place
            return
        for name, announced_on, description in DEMO_COHORTS:
            create_cohort(name=name, announced_on=announced_on, description=description)
        result, undated = self._import(path)
        # The conferences' host cities join the register (not as members) before the stamp.
        ensure_demo_events()
        with contextlib.suppress(OSError):  # the stamp is only a shortcut for the next run
            stamp_file.write_text(f"{stamp} {_revision()}\n", encoding="utf-8")
        self._report(result, undated, verbose=options.get("verbosity", 1) >= 2)

    def _import(self, path: Path):
        """Import the member list; return the result and the rows left out for want of a date."""
        try:
            # The demo lists some members whose joining date no source gives
            # (demo/data/SOURCES.md); the register needs one, so they wait.
            undated: list = []
            rows = read_members_file(path, undated=undated)
            return import_members(rows), undated
        except MembersImportError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{path}: refused, {len(error.errors)} problem(s); the demo was not loaded."
            ) from None

    def _report(self, result, undated: list, *, verbose: bool) -> None:
        self.stdout.write(
            f"Demo network: {result.created} cities created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {len(result.unresolved)} without coordinates"
            + (f", {len(undated)} rows without a joining date left out." if undated else ".")
        )
        if undated and verbose:
            for line, city, code in undated:
                self.stdout.write(f"  line {line}: {city} ({code}): no joining date")


def _database_identity() -> str:
    params = connection.settings_dict
    return hashlib.sha256(
        f"{params['ENGINE']}|{params.get('HOST')}|{params.get('PORT')}|{params['NAME']}".encode()
    ).hexdigest()[:16]


def _revision() -> str:
    """Return the register's revision and when it changed: any write changes both."""
    row = NetworkRevision.objects.filter(pk=1).values_list("number", "changed_at").first()
    return f"{row[0]}@{row[1].isoformat()}" if row else "0"


def _read_stamp(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
