import time

from django.core.management.base import BaseCommand, CommandError

from learningcities.demo.domain.synthetic_network import generate_network
from learningcities.network.exceptions import NetworkError


class Command(BaseCommand):
    help = (
        "Generate a reproducible synthetic network (cities marked synthetic) for tests and "
        "benchmarks: the same --seed gives the same cities. Real rows are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cities", type=int, required=True, help="how many cities")
        parser.add_argument("--seed", type=int, required=True, help="the random seed")
        parser.add_argument("--cohorts", type=int, default=10, help="how many cohorts (10)")
        parser.add_argument(
            "--replace", action="store_true", help="delete earlier synthetic cities first"
        )

    def handle(self, *args, cities, seed, cohorts=10, replace=False, **options):
        if cities < 1:
            raise CommandError("--cities must be 1 or more.")
        if cohorts < 1:
            raise CommandError("--cohorts must be 1 or more.")
        started = time.monotonic()
        try:
            network = generate_network(cities=cities, seed=seed, cohorts=cohorts, replace=replace)
        except NetworkError as error:
            raise CommandError(str(error)) from None
        replaced = (
            f" (replaced {network.deleted_cities} earlier synthetic cities)" if replace else ""
        )
        self.stdout.write(
            f"Generated {network.cities} synthetic cities{replaced}, {network.memberships} "
            f"memberships in {network.cohorts} cohorts ({network.lapsed} lapsed, "
            f"{network.readmitted} re-admitted) in {time.monotonic() - started:.1f} s."
        )
