from django.core.management.base import BaseCommand, CommandError

from learningcities.common.errors import RuleError
from learningcities.demo.domain.events import ensure_demo_events


class Command(BaseCommand):
    help = (
        "Make the demo events: the six International Conferences on Learning Cities as held "
        "(their history as published) and, outside production, a demo members' meeting with "
        "registration open, hosted by the demo city. Run load-demo first. Safe to run again: "
        "nothing changes."
    )

    def handle(self, *args, **options):
        try:
            result = ensure_demo_events()
        except RuleError as error:  # any app's refusal: the demo spans them all
            raise CommandError(error.message) from None
        if not result.changed:
            self.stdout.write("Demo events already in place; nothing changed.")
        else:
            self.stdout.write(
                f"Demo events: {len(result.created)} objects made"
                + (
                    f", host cities added to the register: {', '.join(result.cities_created)}."
                    if result.cities_created
                    else "."
                )
            )
        for event in result.events:
            self.stdout.write(f"  {event.starts_on:%Y-%m-%d} {event.title} ({event.status})")
