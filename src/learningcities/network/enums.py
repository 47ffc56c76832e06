from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Region(models.TextChoices):
    """UNESCO's regions, as every cohort list of the network uses them."""

    AFRICA = "africa", _("Africa")
    ARAB_STATES = "arab_states", _("Arab States")
    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    EUROPE_NORTH_AMERICA = "europe_north_america", _("Europe and North America")
    LATIN_AMERICA_CARIBBEAN = "latin_america_caribbean", _("Latin America and the Caribbean")


# The English names are part of the stable API (`by_region` keys); never translated.
REGION_API_NAMES = {
    Region.AFRICA: "Africa",
    Region.ARAB_STATES: "Arab States",
    Region.ASIA_PACIFIC: "Asia and the Pacific",
    Region.EUROPE_NORTH_AMERICA: "Europe and North America",
    Region.LATIN_AMERICA_CARIBBEAN: "Latin America and the Caribbean",
}
REGION_BY_API_NAME = {name: region for region, name in REGION_API_NAMES.items()}


class UnescoStatus(models.TextChoices):
    MEMBER = "member", _("Member State")
    ASSOCIATE = "associate", _("Associate Member")
    NONE = "none", _("Not a member of UNESCO")


class DatePrecision(models.TextChoices):
    YEAR = "year", pgettext_lazy("date precision", "Year")
    MONTH = "month", pgettext_lazy("date precision", "Month")
    DAY = "day", pgettext_lazy("date precision", "Day")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("membership", "Active")
    LAPSED = "lapsed", pgettext_lazy("membership", "Lapsed")
    WITHDRAWN = "withdrawn", pgettext_lazy("membership", "Withdrawn")


# Allowed transitions of a membership; everything else is refused by the domain.
MEMBERSHIP_TRANSITIONS: dict[str, set[str]] = {
    MembershipStatus.ACTIVE: {MembershipStatus.LAPSED, MembershipStatus.WITHDRAWN},
    MembershipStatus.LAPSED: set(),
    MembershipStatus.WITHDRAWN: set(),
}


class LocationSource(models.TextChoices):
    GAZETTEER = "gazetteer", _("Offline gazetteer (GeoNames)")
    SUPPLEMENT = "supplement", _("Project gazetteer supplement")
    IMPORTED = "imported", _("Given in the imported file")
    MANUAL = "manual", _("Entered by the secretariat")
    SYNTHETIC = "synthetic", _("Synthetic")
    UNKNOWN = "", _("Unknown")


class LocationIssue(models.TextChoices):
    """Why the gazetteer could not place a city (the codes are gazetteer.Status's)."""

    NONE = "", _("None")
    NO_MATCH = "no_match", _("No place of this name in the gazetteer")
    AMBIGUOUS = "ambiguous", _("Several places of this name")
    NOT_IN_AREA = "not_in_area", _("No place of this name in the given administrative area")
    NO_COORDINATES = "no_coordinates", _("Known to the gazetteer without coordinates")


# The activity log's label of each action code this app records (common.activity_labels).
ACTIVITY_LABELS = {
    "network.city.create": _("City added to the register"),
    "network.city.update": _("City changed"),
    "network.cohort.create": _("Cohort created"),
    "network.cohort.update": _("Cohort changed"),
    "network.countries.sync": _("Countries updated"),
    "network.membership.admit": _("City admitted"),
    "network.membership.correct": _("Membership corrected"),
    "network.membership.end": _("Membership ended"),
    "network.membership.hold": _("Membership put on hold"),
    "network.membership.restore": _("Membership taken off hold"),
    "network.synthetic.generate": _("Demo data generated"),
}
