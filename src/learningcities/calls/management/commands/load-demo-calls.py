from django.core.management.base import BaseCommand, CommandError

from learningcities.accounts.domain.errors import AccountsError
from learningcities.calls.domain.demo import ensure_demo_call
from learningcities.calls.domain.errors import SubmissionError
from learningcities.frameworks.domain.errors import FrameworkError
from learningcities.reviews.domain.errors import ReviewError


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
        except (SubmissionError, ReviewError, AccountsError, FrameworkError) as error:
            raise CommandError(str(error)) from None
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
