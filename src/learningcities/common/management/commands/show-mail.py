from django.core.management.base import BaseCommand, CommandError

from learningcities.common.models import OutboxMessage


class Command(BaseCommand):
    help = (
        "Print an outbox message in full, including one that carries a personal link "
        "(for operators of an installation that sends no mail, such as the demo)."
    )

    def add_arguments(self, parser):
        parser.add_argument("message_id", type=int)

    def handle(self, *args, message_id, **options):
        message = OutboxMessage.objects.filter(pk=message_id).first()
        if message is None:
            raise CommandError(f"There is no outbox message {message_id}.")
        self.stdout.write(f"To: {', '.join(message.recipients)}")
        self.stdout.write(f"Subject: {message.subject}")
        self.stdout.write(f"Status: {message.status}")
        self.stdout.write("")
        self.stdout.write(message.body)
