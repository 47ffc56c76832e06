"""Take a snapshot of the open data now (an operator's; releases and cycles take their own)."""

from django.core.management.base import BaseCommand

from learningcities.opendata.domain.snapshots import take_snapshot
from learningcities.opendata.enums import Occasion
from learningcities.opendata.models import Snapshot


class Command(BaseCommand):
    help = "Keep every open dataset as it is now (CSV and JSON), listed on the snapshots page."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-none", action="store_true", help="only if no snapshot was ever taken"
        )

    def handle(self, *args, if_none=False, **options):
        if if_none and Snapshot.objects.exists():
            self.stdout.write("A snapshot exists already: none taken.")
            return
        snapshot = take_snapshot(Occasion.MANUAL)
        files = snapshot.files.count()
        self.stdout.write(f"Snapshot {snapshot.pk} taken: {files} files.")
