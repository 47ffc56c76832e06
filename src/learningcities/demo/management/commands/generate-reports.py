import time

from django.core.management.base import BaseCommand, CommandError

from learningcities.common.errors import RuleError
from learningcities.demo.domain.synthetic_reports import generate_reports


class Command(BaseCommand):
    help = (
        "Generate reproducible synthetic reporting cycles (the latest covering 2024-2025) and "
        "the progress reports of the cities of a synthetic network (run generate-network "
        "first), for tests and benchmarks: the same --seed gives the same reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycles", type=int, default=5, help="how many cycles (5)")
        parser.add_argument("--seed", type=int, default=1, help="the random seed (1)")
        parser.add_argument(
            "--every-city",
            action="store_true",
            help="every synthetic member reports in every cycle, whatever its admission date",
        )

    def handle(self, *args, cycles, seed, every_city=False, **options):
        if cycles < 1:
            raise CommandError("--cycles must be 1 or more.")
        started = time.monotonic()
        try:
            result = generate_reports(cycles=cycles, seed=seed, every_city=every_city)
        except RuleError as error:  # the reports' or the network's refusal
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Generated {len(result.cycles)} synthetic cycles, {result.reports} reports and "
            f"{result.answers} answers ({result.on_hold} cities on hold, {result.lapsed} "
            f"lapsed) in {time.monotonic() - started:.1f} s."
        )
        for cycle in result.cycles:
            states = ", ".join(f"{k} {n}" for k, n in sorted(result.states[cycle.code].items()))
            self.stdout.write(f"  {cycle.code}: {states}")
