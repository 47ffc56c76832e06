from django.core.management.base import BaseCommand, CommandError

from learningcities.common.errors import RuleError
from learningcities.demo.domain.calls import ensure_demo_call
from learningcities.demo.domain.practices import ensure_demo_practices
from learningcities.demo.domain.reports import ensure_demo_reports


class Command(BaseCommand):
    help = (
        "Make the demo call: an open membership call with sample applications from cities that "
        "are not members (draft, submitted, endorsed, eligible, in review) and its jury, the "
        "demo juror assigned; the sample practices of the library, one per language; and two "
        "sample reporting cycles of the demo members' progress reports. "
        "Run load-demo and create-demo-accounts first. Safe to run "
        "again: nothing changes. Refused in production."
    )

    def handle(self, *args, **options):
        try:
            result = ensure_demo_call()
            practices = ensure_demo_practices()
            reports = ensure_demo_reports()
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
        languages = ", ".join(sorted({practice.language for practice in practices.practices}))
        self.stdout.write(
            f"Sample practices: {len(practices.practices)} in the library "
            f"({practices.created} made now; languages: {languages or 'none'})."
        )
        made = f" ({', '.join(reports.created)} made now)" if reports.changed else ""
        self.stdout.write(
            f"Sample reporting cycles: {', '.join(c.code for c in reports.cycles)}{made}; "
            f"the demo coordinator's city ({reports.coordinator_city or 'none'}) has a draft "
            "with answers carried over."
        )
