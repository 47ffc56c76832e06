from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.translated import TranslatableContent

from ..enums import Attendance, EventKind, EventStatus


class Event(TranslatableContent):
    """A conference, meeting or webinar of the network.

    Its dates are days in the event's own time zone (``time_zone``); the times
    of its programme are aware datetimes shown in that zone. Title, theme and
    description are written in ``language`` and translated by the secretariat.
    """

    translated_fields = ("title", "theme", "description")

    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    slug = models.SlugField(_("address name"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    edition = models.PositiveSmallIntegerField(
        _("edition"), null=True, blank=True, help_text=_("For a series: 6 for the 6th conference.")
    )
    theme = models.CharField(_("theme"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    host_city = models.ForeignKey(
        "network.City",
        verbose_name=_("host city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
    )
    host_country = models.ForeignKey(
        "network.Country",
        verbose_name=_("host country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_events",
    )
    co_organisers = models.TextField(
        _("co-organisers"), blank=True, help_text=_("One organisation a line.")
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(_("time zone"), max_length=60, default="UTC")
    attendance = models.CharField(
        _("attendance"), max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    online_url = models.URLField(
        _("online access"),
        blank=True,
        help_text=_("Shown to confirmed participants only."),
    )
    languages = models.JSONField(
        _("working languages"), default=list, blank=True, help_text=_("Language codes.")
    )
    interpretation = models.JSONField(
        _("interpretation into"), default=list, blank=True, help_text=_("Language codes.")
    )
    status = models.CharField(
        _("status"), max_length=30, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    places_per_city = models.PositiveSmallIntegerField(
        _("places per city"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    places_per_country = models.PositiveSmallIntegerField(
        _("places per country"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to take up an offered place"),
        default=72,
        validators=[MinValueValidator(1)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before"),
        default=7,
        help_text=_("Confirmed participants get a reminder this many days before the first day."),
    )
    retention_until = models.DateField(
        _("personal data kept until"),
        null=True,
        blank=True,
        help_text=_(
            "After this day the participants' personal data is erased; only counts remain."
        ),
    )
    personal_data_erased_at = models.DateTimeField(
        _("personal data erased"), null=True, blank=True, editable=False
    )
    award_call = models.ForeignKey(
        "calls.Call",
        verbose_name=_("award conferred"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ceremonies",
        limit_choices_to={"kind": "award"},
    )
    presentation_call = models.OneToOneField(
        "calls.Call",
        verbose_name=_("call for presentations"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presentation_event",
        limit_choices_to={"kind": "presentations"},
        help_text=_(
            "Cities propose presentations through this call; its accepted proposals join "
            "the programme, to be placed in sessions."
        ),
    )
    organisers = models.ManyToManyField(
        "accounts.Organisation",
        verbose_name=_("host organisers"),
        blank=True,
        related_name="organised_events",
        help_text=_(
            "Organisations (the host city) that see the participants with the secretariat."
        ),
    )
    # What the network reported of a past event held before the platform.
    reported_participants = models.CharField(
        _("participants (as reported)"), max_length=100, blank=True
    )
    reported_countries = models.PositiveSmallIntegerField(
        _("countries (as reported)"), null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated for tests and benchmarks.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [("manage_events", "Can manage events")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="events_event_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"slug": self.slug})


class Venue(models.Model):
    """A place where an event happens: a conference centre, a school visited."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="venues"
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)

    class Meta:
        ordering = ["event", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=200)
    capacity = models.PositiveIntegerField(_("seats"), null=True, blank=True)

    class Meta:
        ordering = ["venue", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return f"{self.name} ({self.venue})"
