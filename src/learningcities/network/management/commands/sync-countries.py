from django.core.management.base import BaseCommand

from learningcities.network.domain.countries import sync_countries


class Command(BaseCommand):
    help = "Create or update the countries (ISO 3166-1) with their UNESCO status and region."

    def handle(self, *args, **options):
        changed = sync_countries()
        self.stdout.write(f"{changed} countries created or updated.")
