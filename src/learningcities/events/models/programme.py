from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.translated import TranslatableContent

from ..enums import SessionKind, SignupStatus
from .events import Event, Room
from .registrations import Registration


class ProgrammeSession(TranslatableContent):
    """One item of an event's programme: a plenary, a parallel session, a site visit...

    A session with ``capacity`` takes sign-ups (``places_taken`` is raised
    only by a conditional UPDATE, as for categories) and keeps a waiting list.
    """

    translated_fields = ("title", "description")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=SessionKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("For a site visit: where it goes.")
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no sign-up needed.")
    )
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)

    class Meta:
        ordering = ["event", "starts_at", "pk"]
        verbose_name = _("programme session")
        verbose_name_plural = _("programme sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="events_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True)
                | models.Q(places_taken__lte=models.F("capacity")),
                name="events_session_never_oversold",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Presentation(models.Model):
    """A city's presentation at an event, by speakers of the platform.

    ``session`` None: not placed yet (an accepted proposal of the event's call
    for presentations, or a presentation whose session was removed); only
    placed presentations are in the public programme.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="presentations"
    )
    session = models.ForeignKey(
        ProgrammeSession,
        verbose_name=_("session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presentations",
    )
    title = models.CharField(_("title"), max_length=300)
    city = models.ForeignKey(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="presentations",
    )
    speakers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("speakers"), blank=True, related_name="+"
    )
    submission = models.OneToOneField(
        "calls.Submission",
        verbose_name=_("proposal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presentation",
        help_text=_("The accepted proposal of a call for presentations."),
    )
    practice = models.ForeignKey(
        "practices.Practice",
        verbose_name=_("good practice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="presentations",
        help_text=_("The practice of the library the presentation is about."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["session", "order", "pk"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")

    def __str__(self) -> str:
        return self.title


class SessionSignup(models.Model):
    """A participant's place in a session that has a capacity, or on its waiting list."""

    session = models.ForeignKey(
        ProgrammeSession,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="signups",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="signups",
    )
    status = models.CharField(_("status"), max_length=20, choices=SignupStatus.choices)
    created_at = models.DateTimeField(_("created"), db_index=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)

    class Meta:
        ordering = ["session", "created_at", "pk"]
        verbose_name = _("session sign-up")
        verbose_name_plural = _("session sign-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "registration"], name="events_one_signup_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration} · {self.session}"
