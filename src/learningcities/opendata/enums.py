"""Open data: the download formats and the licence every dataset carries."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Occasion(models.TextChoices):
    """Why a snapshot of the open data was taken."""

    RELEASE = "release", _("Decisions released")
    CYCLE = "cycle", _("Reporting cycle closed")
    MANUAL = "manual", _("Taken by an operator")


# Formats a snapshot keeps (in English: codes and names as the register holds them).
SNAPSHOT_FORMATS = ("csv", "json")
# A release or a cycle's due date older than this when first seen gets no snapshot:
# the data of that day is gone, a snapshot now would not show it.
SNAPSHOT_WINDOW_DAYS = 7

# Format -> (file extension, media type, label). The order is the page's.
FORMATS = {
    "csv": ("csv", "text/csv", _("CSV")),
    "json": ("json", "application/json", _("JSON")),
    "xlsx": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _("Excel workbook"),
    ),
    "geojson": ("geojson", "application/geo+json", "GeoJSON"),
}

# What the open data page calls each Table Schema type.
TYPE_LABELS = {
    "string": _("text"),
    "integer": _("whole number"),
    "number": _("number"),
    "boolean": _("yes or no"),
    "date": _("date (YYYY-MM-DD)"),
    "datetime": _("date and time (UTC)"),
    "year": _("year"),
    "list": _("list"),
}

# Who publishes the datasets and what they are, as the data package and the catalogue say.
PUBLISHER = "Learning cities network"
DESCRIPTION = (
    "The register of the network's member cities, their memberships, countries "
    "and cohorts, the Learning City Award's winners, the thematic clusters, the "
    "library of good practices and the reporting rates."
)

LICENCE_NAME = "CC-BY-4.0"
LICENCE_TITLE = "Creative Commons Attribution 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"

# Frictionless Data Package v2 profiles.
DATAPACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
DATARESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLESCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


class WebhookEvent(models.TextChoices):
    """What an organisation may hear of through a webhook."""

    MEMBER_ADMITTED = "member.admitted", _("A city is admitted to the network")
    REPORT_SUBMITTED = "report.submitted", _("A progress report is submitted")
    PRACTICE_PUBLISHED = "practice.published", _("A good practice is published")
    REGISTRATION_APPROVED = "registration.approved", _("A registration to an event is confirmed")


# Tokens' usage logs and webhooks' finished deliveries are kept this long.
INTEGRATION_LOG_DAYS = 90


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", pgettext_lazy("webhook delivery", "Failed")


# After the n-th failed attempt, the next is this many minutes later; past the
# last, the delivery stays failed (about a day of retries in all).
WEBHOOK_BACKOFF_MINUTES = (1, 5, 30, 120, 720)
# How long the receiver has to answer, and how much of its answer is kept.
WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_RESPONSE_KEPT = 2000
# A signature older than this is refused by a receiver that checks the time.
WEBHOOK_TOLERANCE_SECONDS = 300


ACTIVITY_LABELS = {
    "opendata.snapshot.take": _("Open data snapshot taken"),
    "opendata.webhook.create": _("Webhook added"),
    "opendata.webhook.delete": _("Webhook removed"),
}
