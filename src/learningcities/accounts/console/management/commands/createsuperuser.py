"""Django's createsuperuser, plus a verified address so the operator can log in.

Logins require a verified e-mail address (allauth); an operator created at the
console has proved nothing by e-mail, but whoever runs this command is trusted.
The operator sets up an authenticator app at the first login
(accounts.middleware), as every operator must.
"""

from django.contrib.auth.management.commands.createsuperuser import Command as BaseCommand
from django.db import transaction

from learningcities.accounts.domain.users import mark_email_verified
from learningcities.accounts.models import User
from learningcities.common.domain.activity import record_activity


class Command(BaseCommand):
    help = (
        "Create an operator (a superuser) with a verified e-mail address, recorded in the "
        "activity log; the operator sets up an authenticator app at the first login. "
        "Without a terminal: --noinput --email ADDRESS, the password in "
        "DJANGO_SUPERUSER_PASSWORD."
    )

    def handle(self, *args, **options):
        known = set(User.objects.filter(is_superuser=True).values_list("pk", flat=True))
        super().handle(*args, **options)
        with transaction.atomic():
            for user in User.objects.filter(is_superuser=True).exclude(pk__in=known):
                mark_email_verified(user)
                record_activity(
                    "accounts.user.create",
                    actor=None,
                    subject=user,
                    changes={"email": [None, user.email], "is_superuser": [False, True]},
                )
