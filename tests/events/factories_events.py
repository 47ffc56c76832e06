"""factory_boy factories for events: Event, Venue, Room, ParticipantCategory.

Other test modules import these; keep the names and defaults stable:
an event is an international conference with registration open, in
Europe/Paris, starting 60 days from today; a category is a city delegate
category with automatic approval and no capacity limit.
"""

import datetime as dt

import factory

from learningcities.events.enums import Approval, CategoryKind, EventKind, EventStatus
from learningcities.events.models import Event, ParticipantCategory, Room, Venue


def _starts_on() -> dt.date:
    return dt.date.today() + dt.timedelta(days=60)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = EventKind.CONFERENCE
    slug = factory.Sequence(lambda n: f"test-event-{n}")
    title = factory.Sequence(lambda n: f"Test event {n}")
    status = EventStatus.REGISTRATION_OPEN
    time_zone = "Europe/Paris"
    starts_on = factory.LazyFunction(_starts_on)
    ends_on = factory.LazyAttribute(lambda event: event.starts_on + dt.timedelta(days=2))
    language = "en"

    @factory.post_generation
    def organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisers.set(extracted)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Conference centre {n}")
    address = "1 Main Street"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    venue = factory.SubFactory(VenueFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 50


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantCategory

    event = factory.SubFactory(EventFactory)
    kind = CategoryKind.CITY_DELEGATE
    name = factory.LazyAttribute(lambda category: str(CategoryKind(category.kind).label))
    approval = Approval.AUTOMATIC
    capacity = None
    language = "en"
