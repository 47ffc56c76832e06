"""The states and kinds of events, registrations, programme sessions and outcome documents."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("International conference")
    MEMBERS_MEETING = "members_meeting", _("Members' meeting")
    REGIONAL_MEETING = "regional_meeting", _("Regional meeting")
    CLUSTER_MEETING = "cluster_meeting", _("Cluster meeting")
    WEBINAR = "webinar", _("Webinar")


class EventStatus(models.TextChoices):
    """Where an event stands; the secretariat moves it forward (``domain.events``)."""

    PLANNED = "planned", pgettext_lazy("event status", "Planned")
    REGISTRATION_OPEN = "registration_open", _("Registration open")
    REGISTRATION_CLOSED = "registration_closed", _("Registration closed")
    HELD = "held", pgettext_lazy("event status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("event status", "Cancelled")


EVENT_TRANSITIONS = {
    EventStatus.PLANNED: frozenset({EventStatus.REGISTRATION_OPEN, EventStatus.CANCELLED}),
    EventStatus.REGISTRATION_OPEN: frozenset(
        {EventStatus.REGISTRATION_CLOSED, EventStatus.CANCELLED}
    ),
    EventStatus.REGISTRATION_CLOSED: frozenset(
        {EventStatus.REGISTRATION_OPEN, EventStatus.HELD, EventStatus.CANCELLED}
    ),
    EventStatus.HELD: frozenset(),
    EventStatus.CANCELLED: frozenset(),
}
EVENT_ACTORS = {state: frozenset({"secretariat"}) for state in EventStatus.values}


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class CategoryKind(models.TextChoices):
    """The participant categories of an event; each has its own form, capacity and approval."""

    CITY_DELEGATE = "city_delegate", _("City delegate")
    MAYOR = "mayor", _("Mayor")
    NATIONAL_COMMISSION = "national_commission", _("National Commission")
    SPEAKER = "speaker", _("Speaker")
    OBSERVER = "observer", _("Observer from a city or country not yet in the network")
    PRESS = "press", _("Press")
    STAFF = "staff", _("Staff")


class Approval(models.TextChoices):
    """Who confirms a registration in a category."""

    AUTOMATIC = "automatic", _("Automatic")
    SECRETARIAT = "secretariat", _("By the secretariat")
    NATIONAL_COMMISSION = "national_commission", _("By the National Commission of the country")


class RegistrationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("registration status", "Awaiting approval")
    CONFIRMED = "confirmed", pgettext_lazy("registration status", "Confirmed")
    WAITING = "waiting", pgettext_lazy("registration status", "On the waiting list")
    OFFERED = "offered", pgettext_lazy("registration status", "Place offered")
    DECLINED = "declined", pgettext_lazy("registration status", "Declined")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("registration status", "Offer expired")


# A registration in one of these states holds a place (of its category and of
# its city's and country's quotas); an offered place is held until it expires.
HOLDS_PLACE = frozenset(
    {RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED}
)
OPEN_REGISTRATION = HOLDS_PLACE | {RegistrationStatus.WAITING}

REGISTRATION_TRANSITIONS = {
    RegistrationStatus.PENDING: frozenset(
        {RegistrationStatus.CONFIRMED, RegistrationStatus.DECLINED, RegistrationStatus.CANCELLED}
    ),
    RegistrationStatus.CONFIRMED: frozenset({RegistrationStatus.CANCELLED}),
    RegistrationStatus.WAITING: frozenset(
        {RegistrationStatus.OFFERED, RegistrationStatus.CANCELLED}
    ),
    RegistrationStatus.OFFERED: frozenset(
        {
            RegistrationStatus.PENDING,
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.EXPIRED,
            RegistrationStatus.CANCELLED,
        }
    ),
    RegistrationStatus.DECLINED: frozenset(),
    RegistrationStatus.CANCELLED: frozenset(),
    RegistrationStatus.EXPIRED: frozenset(),
}
REGISTRATION_ACTORS = {
    RegistrationStatus.PENDING: frozenset({"participant", "system"}),
    RegistrationStatus.CONFIRMED: frozenset({"secretariat", "endorser", "participant", "system"}),
    RegistrationStatus.WAITING: frozenset({"system"}),
    RegistrationStatus.OFFERED: frozenset({"system"}),
    RegistrationStatus.DECLINED: frozenset({"secretariat", "endorser"}),
    RegistrationStatus.CANCELLED: frozenset({"participant", "head", "secretariat", "endorser"}),
    RegistrationStatus.EXPIRED: frozenset({"system"}),
}


class DelegationKind(models.TextChoices):
    CITY = "city", _("City delegation")
    COUNTRY = "country", _("National delegation")


class SessionKind(models.TextChoices):
    OPENING = "opening", _("Opening")
    PLENARY = "plenary", _("Plenary")
    PARALLEL = "parallel", _("Parallel session")
    THEMATIC_FORUM = "thematic_forum", _("Thematic forum")
    REGIONAL_FORUM = "regional_forum", _("Regional forum")
    SITE_VISIT = "site_visit", _("Site visit")
    CULTURAL = "cultural", _("Cultural event")
    AWARD_CEREMONY = "award_ceremony", _("Award ceremony")
    CLOSING = "closing", _("Closing")


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    WAITING = "waiting", pgettext_lazy("sign-up status", "On the waiting list")
    OFFERED = "offered", pgettext_lazy("sign-up status", "Place offered")
    CANCELLED = "cancelled", pgettext_lazy("sign-up status", "Cancelled")
    EXPIRED = "expired", pgettext_lazy("sign-up status", "Offer expired")


SIGNUP_HOLDS_PLACE = frozenset({SignupStatus.SIGNED_UP, SignupStatus.OFFERED})


class OutcomeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("outcome document status", "Draft for comment")
    ADOPTED = "adopted", pgettext_lazy("outcome document status", "Adopted")


# The activity log's label of each action code this app records (common.activity_labels).
ACTIVITY_LABELS = {
    "events.event.create": _("Event created"),
    "events.event.update": _("Event updated"),
    "events.event.status": _("Event status changed"),
    "events.registration.create": _("Registration received"),
    "events.registration.status": _("Registration status changed"),
    "events.registration.substitute": _("Delegate substituted"),
    "events.registration.check_in": _("Participant checked in"),
    "events.registration.erase": _("Personal data of an event erased"),
    "events.delegation.create": _("Delegation registered"),
    "events.signup.status": _("Session sign-up changed"),
    "events.session.create": _("Programme session added"),
    "events.session.update": _("Programme session changed"),
    "events.session.delete": _("Programme session removed"),
    "events.presentation.create": _("Presentation added"),
    "events.presentation.update": _("Presentation changed"),
    "events.presentation.delete": _("Presentation removed"),
    "events.outcome.update": _("Outcome document updated"),
    "events.outcome.endorse": _("Outcome document endorsed"),
}
