from django.conf import settings
from django.core.management.base import BaseCommand

from learningcities.common.domain.outbox import send_due_messages


class Command(BaseCommand):
    help = (
        "Send the outbox messages that are due (new, held before sending was configured, "
        "or failed and due for a retry). "
        "Run it from cron or a systemd timer, every minute or so."
    )

    def handle(self, *args, **options):
        if not settings.LC_MAIL_ENABLED:
            self.stdout.write("Sending mail is not configured (LC_EMAIL_URL); nothing sent.")
            return
        counts = send_due_messages()
        summary = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items())) or "none due"
        self.stdout.write(f"Outbox: {summary}.")
