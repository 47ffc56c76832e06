from django.core.management.base import BaseCommand, CommandError

from learningcities.accounts.domain.errors import AccountsError
from learningcities.demo.domain.accounts import ensure_demo_accounts


class Command(BaseCommand):
    help = (
        "Create one demo account per role (coordinator, endorser, secretariat, juror, admin) "
        "and print their credentials. Safe to run again. Refused in production."
    )

    def handle(self, *args, **options):
        try:
            accounts = ensure_demo_accounts()
        except AccountsError as error:
            raise CommandError(str(error)) from None
        rows = [("role", "e-mail", "password", "TOTP secret")]
        rows += [(a.role, a.email, a.password, a.totp_secret or "-") for a in accounts]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                "Demo accounts, for trying the platform only: they must never exist in production."
            )
        )
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
        self.stdout.write(
            "Privileged accounts log in with a code: add the TOTP secret to an authenticator app, "
            "or run `learningcities demo-totp EMAIL` for the current code."
        )
        self.stdout.write("")
