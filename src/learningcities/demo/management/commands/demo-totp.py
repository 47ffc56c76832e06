from django.core.management.base import BaseCommand, CommandError

from learningcities.accounts.domain.errors import AccountsError
from learningcities.demo.domain.accounts import current_demo_code


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo account (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="the demo account's e-mail address")

    def handle(self, *args, email, **options):
        try:
            self.stdout.write(current_demo_code(email))
        except AccountsError as error:
            raise CommandError(str(error)) from None
