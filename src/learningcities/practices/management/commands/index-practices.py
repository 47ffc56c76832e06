from django.core.management.base import BaseCommand

from learningcities.practices.domain.search import timed_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the library's search index from the published practices, in one transaction "
        "(searches see the old index until it commits). Run it after restoring a backup or "
        "loading practices by other means than the library's own pages."
    )

    def handle(self, *args, **options):
        count, seconds = timed_rebuild()
        self.stdout.write(f"Indexed {count} published practices in {seconds:.2f} s.")
