from django.core.management.base import BaseCommand, CommandError

from learningcities.common.errors import RuleError
from learningcities.demo.domain.calls import ensure_demo_call


class Command(BaseCommand):
    help = (
        "Make the demo call: an open membership call with sample applications from cities that "
        "are not members (draft, submitted, endorsed, eligible, in review) and its jury, the "
        "demo juror assigned. Run load-demo and create-demo-accounts first. Safe to run "
        "again: nothing changes. Refused in production."
    )

    def handle(self, *args, **options):
        try:
            result = ensure_demo_call()
        except RuleError as error:  # any app's refusal: the demo spans them all
            raise CommandError(error.message) from None
        call = result.call
        if not result.changed:
            self.stdout.write(f"Demo call “{call.title}” already in place; nothing changed.")
        else:
            made = sum(1 for application in result.applications if application.created)
            self.stdout.write(f"Demo call “{call.title}”: {made} sample applications made.")
        for application in result.applications:
            self.stdout.write(f"  {application.city} ({application.country}): {application.state}")
        self.stdout.write(
            f"The demo juror has {result.juror_assignments} application(s) to review. "
            f"The demo applicant ({result.applicant.organisation}) has a draft to complete: "
            f"{result.applicant.email}, password {result.applicant.password}."
        )
