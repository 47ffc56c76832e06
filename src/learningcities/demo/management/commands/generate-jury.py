import time

from django.core.management.base import BaseCommand, CommandError

from learningcities.accounts.enums import Role
from learningcities.accounts.models import User
from learningcities.calls.domain.errors import SubmissionError
from learningcities.calls.models import Call
from learningcities.demo.domain.synthetic_call import SYNTHETIC_TITLE
from learningcities.demo.domain.synthetic_jury import (
    generate_jury,
    generate_scores,
    open_call_for_review,
)
from learningcities.reviews.domain.assignments import auto_assign
from learningcities.reviews.domain.errors import ReviewError


class Command(BaseCommand):
    help = (
        "Generate a reproducible synthetic jury panel for a call (by default the latest "
        "synthetic call: run generate-call first); optionally make its submissions eligible, "
        "assign jurors automatically and submit a synthetic review for every assignment."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, help="the call's id (the latest synthetic call)")
        parser.add_argument("--jurors", type=int, default=60, help="how many (60)")
        parser.add_argument("--seed", type=int, default=1, help="the random seed (1)")
        parser.add_argument("--max-load", type=int, default=60, help="per juror (60)")
        parser.add_argument(
            "--eligible",
            action="store_true",
            help="make every submission of the synthetic call eligible first",
        )
        parser.add_argument(
            "--scores",
            action="store_true",
            help="assign jurors automatically and submit a review for every assignment",
        )

    def handle(self, *args, call, jurors, seed, max_load, eligible, scores, **options):
        if jurors < 1:
            raise CommandError("--jurors must be 1 or more.")
        found = (
            Call.objects.filter(pk=call).first()
            if call
            else Call.objects.filter(title__startswith=SYNTHETIC_TITLE).order_by("-pk").first()
        )
        if found is None:
            raise CommandError("No such call: run generate-call first, or give --call.")
        started = time.monotonic()
        try:
            made_eligible = open_call_for_review(found) if eligible else 0
            panel = generate_jury(found, jurors=jurors, seed=seed, max_load=max_load)
            lines = [
                f"Generated the jury of call {found.pk}: panel {panel.pk}, {jurors} jurors"
                + (f"; {made_eligible} submissions made eligible" if eligible else "")
                + f" in {time.monotonic() - started:.1f} s."
            ]
            if scores:
                secretary = (
                    User.objects.filter(is_active=True, affiliations__role=Role.SECRETARIAT)
                    .order_by("pk")
                    .first()
                )
                if secretary is None:
                    raise CommandError("Assigning needs a secretariat member: run generate-call.")
                report = auto_assign(panel, actor=secretary)
                lines.append(report.summary() + f" ({report.seconds:.1f} s)")
                started = time.monotonic()
                count = generate_scores(panel, seed=seed)
                lines.append(f"Submitted {count} scores in {time.monotonic() - started:.1f} s.")
        except (ReviewError, SubmissionError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write("\n".join(lines))
