"""Registrations for the desk, badge and letter tests, made directly with the ORM.

The registration domain (its own module) makes them in the application; here
a registration is simply a row in the wanted state, with a fresh badge code.
"""

import factory
from django.utils import timezone

from learningcities.events.domain.checkin import new_badge_code
from learningcities.events.enums import RegistrationStatus
from learningcities.events.models import Registration
from tests.events.factories_events import CategoryFactory
from tests.factories import country


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration in a new city-delegate category of a new event (Ireland)."""

    class Meta:
        model = Registration

    category = factory.SubFactory(CategoryFactory)
    event = factory.SelfAttribute("category.event")
    name = factory.Sequence(lambda n: f"Delegate {n}")
    email = factory.Sequence(lambda n: f"delegate{n}@example.org")
    country = factory.LazyFunction(lambda: country("IE"))
    status = RegistrationStatus.CONFIRMED
    registered_at = factory.LazyFunction(timezone.now)
    badge_code = factory.LazyFunction(new_badge_code)
    language = "en"
