"""The network's events, and the outcome documents adopted at them."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from learningcities.common.translated import shown
from learningcities.events.domain.queries.events import public_events
from learningcities.events.domain.revision import events_revision
from learningcities.events.enums import Attendance, EventKind, EventStatus, OutcomeStatus
from learningcities.events.models import OutcomeDocument
from learningcities.network.models.countries import localised_country_name

from .base import Dataset, Field, register
from .network import register_revision


def _revision() -> str:
    """The register's (host cities' names) and the events' (their outcome documents too)."""
    return f"{register_revision()}-{events_revision()}"


def _events():
    events = public_events().order_by("starts_on", "pk")
    for event in events.iterator(chunk_size=500):
        country = event.host_country or (event.host_city.country if event.host_city else None)
        yield {
            "slug": event.slug,
            "kind": event.kind,
            "title": str(shown(event, "title")),
            "edition": event.edition,
            "theme": str(shown(event, "theme")),
            "status": event.status,
            "starts_on": event.starts_on,
            "ends_on": event.ends_on,
            "time_zone": event.time_zone,
            "attendance": event.attendance,
            "host_city_id": event.host_city_id,
            "host_city": event.host_city.name if event.host_city else "",
            "host_country_code": country.code if country else "",
            "host_country": localised_country_name(country.code) if country else "",
            "languages": list(event.languages or []),
        }


register(
    Dataset(
        name="events",
        title=_("Events"),
        description=_(
            "The International Conferences on Learning Cities and the network's other "
            "meetings and webinars, with their dates, hosts and languages."
        ),
        fields=(
            Field(
                "slug",
                "string",
                _("Address name"),
                _("The event's name in its web address: stable, unique."),
                required=True,
            ),
            Field(
                "kind",
                "string",
                _("Kind"),
                _("What sort of event it is."),
                required=True,
                enum=tuple(EventKind.values),
            ),
            Field("title", "string", _("Title"), _("The event's title."), required=True),
            Field(
                "edition",
                "integer",
                _("Edition"),
                _("Its number in a series, such as the sixth conference (empty: none)."),
            ),
            Field("theme", "string", _("Theme"), _("The event's theme.")),
            Field(
                "status",
                "string",
                _("Status"),
                _(
                    "Where the event stands: planned, registration open or closed, held or "
                    "cancelled."
                ),
                required=True,
                enum=tuple(EventStatus.values),
            ),
            Field("starts_on", "date", _("First day"), _("The first day, where it is held.")),
            Field("ends_on", "date", _("Last day"), _("The last day, where it is held.")),
            Field(
                "time_zone",
                "string",
                _("Time zone"),
                _("The IANA time zone of the programme's times, such as Asia/Shanghai."),
            ),
            Field(
                "attendance",
                "string",
                _("Attendance"),
                _("In person, online or both."),
                enum=tuple(Attendance.values),
            ),
            Field(
                "host_city_id",
                "integer",
                _("Host city ID"),
                _("The host city's ID in the member cities dataset (empty: none)."),
            ),
            Field("host_city", "string", _("Host city"), _("The host city's name.")),
            Field(
                "host_country_code",
                "string",
                _("Host country code"),
                _("The host country's ISO 3166-1 alpha-2 code."),
            ),
            Field("host_country", "string", _("Host country"), _("The host country's name.")),
            Field(
                "languages",
                "string",
                _("Languages"),
                _("The working languages, as language codes."),
                separator=";",
            ),
        ),
        rows=_events,
        revision=_revision,
        primary_key=("slug",),
        keywords=("International Conference on Learning Cities", "events"),
    )
)


def _outcomes():
    outcomes = (
        OutcomeDocument.objects.filter(status=OutcomeStatus.ADOPTED, event__is_synthetic=False)
        .select_related("event")
        .prefetch_related("files")
        .annotate(n_endorsements=Count("endorsements", distinct=True))
        .order_by("adopted_on", "pk")
    )
    for outcome in outcomes.iterator(chunk_size=500):
        yield {
            "id": outcome.pk,
            "title": str(shown(outcome, "title")),
            "summary": str(shown(outcome, "summary")),
            "event": outcome.event.slug,
            "event_title": str(shown(outcome.event, "title")),
            "adopted_on": outcome.adopted_on,
            "languages": sorted(file.language for file in outcome.files.all()),
            "endorsements": outcome.n_endorsements,
            "source": outcome.source,
        }


register(
    Dataset(
        name="outcome-documents",
        title=_("Outcome documents"),
        description=_(
            "The declarations, statements and calls to action adopted at the network's "
            "events, with the number of cities that endorse each."
        ),
        fields=(
            Field("id", "integer", _("ID"), _("The document's number: stable."), required=True),
            Field("title", "string", _("Title"), _("The document's title."), required=True),
            Field("summary", "string", _("Summary"), _("What the document says, in brief.")),
            Field(
                "event",
                "string",
                _("Event"),
                _("The event that adopted it, by its address name in the events dataset."),
                required=True,
            ),
            Field("event_title", "string", _("Event title"), _("The event's title.")),
            Field("adopted_on", "date", _("Adopted on"), _("The day it was adopted.")),
            Field(
                "languages",
                "string",
                _("Languages"),
                _("The languages its text is published in, as language codes."),
                separator=";",
            ),
            Field(
                "endorsements",
                "integer",
                _("Endorsements"),
                _("How many member cities endorse it."),
                unit=_("cities"),
            ),
            Field("source", "string", _("Published at"), _("Where the text is published.")),
        ),
        rows=_outcomes,
        revision=_revision,
        primary_key=("id",),
        keywords=("outcome documents", "declarations"),
    )
)
