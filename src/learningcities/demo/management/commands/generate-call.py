import time

from django.core.management.base import BaseCommand, CommandError

from learningcities.calls.domain.errors import SubmissionError
from learningcities.demo.domain.synthetic_call import generate_call


class Command(BaseCommand):
    help = (
        "Generate a reproducible synthetic membership call on the key-features framework, "
        "its submissions from member cities of a synthetic network (run generate-network "
        "first), an endorser and a secretariat member with TOTP, for tests and benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--submissions", type=int, default=1000, help="how many (1000)")
        parser.add_argument("--seed", type=int, default=1, help="the random seed (1)")

    def handle(self, *args, submissions, seed, **options):
        if submissions < 1:
            raise CommandError("--submissions must be 1 or more.")
        started = time.monotonic()
        try:
            result = generate_call(submissions=submissions, seed=seed)
        except SubmissionError as error:
            raise CommandError(str(error)) from None
        states = ", ".join(f"{state} {n}" for state, n in sorted(result.states.items()))
        self.stdout.write(
            f"Generated call {result.call.pk} with {result.submissions} submissions "
            f"({states}) and {result.answers} answers in {time.monotonic() - started:.1f} s.\n"
            f"Endorser ({result.busy_country}): {result.endorser_email}; secretariat: "
            f"{result.secretariat_email}; password {result.password}; "
            f"TOTP secret {result.totp_secret}."
        )
