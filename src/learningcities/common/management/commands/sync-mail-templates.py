from django.core.management.base import BaseCommand

from learningcities.common.domain.outbox import sync_mail_templates


class Command(BaseCommand):
    help = (
        "Load the shipped mail templates (<app>/mail_templates/<code>.<language>.txt); "
        "templates edited by the secretariat are kept."
    )

    def handle(self, *args, **options):
        changed = sync_mail_templates()
        self.stdout.write(f"{changed} mail templates created or updated.")
