from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.translated import TranslatableContent

from ..enums import Approval, CategoryKind, DelegationKind, RegistrationStatus
from .events import Event


class ParticipantCategory(TranslatableContent):
    """Who may register for an event as what: its form, places, deadline and approval rule.

    ``places_taken`` counts the registrations that hold a place (pending,
    confirmed, offered); it is raised only by a conditional UPDATE
    (``domain.places``), so concurrent registrations never oversell.
    """

    translated_fields = ("name", "description")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="categories"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CategoryKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    questionnaire = models.ForeignKey(
        "frameworks.Framework",
        verbose_name=_("registration form"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The questions a participant of this category answers."),
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    places_taken = models.PositiveIntegerField(_("places taken"), default=0, editable=False)
    closes_at = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Empty: the event's own deadline."),
    )
    approval = models.CharField(
        _("approval"), max_length=30, choices=Approval.choices, default=Approval.AUTOMATIC
    )
    counts_in_quotas = models.BooleanField(_("counts in the city and country quotas"), default=True)
    is_open_to_public = models.BooleanField(
        _("anyone may register"),
        default=False,
        help_text=_("Otherwise only a coordinator, a National Commission or the secretariat."),
    )
    list_is_public = models.BooleanField(
        _("participants listed publicly"),
        default=False,
        help_text=_(
            "Fixed before registration opens: participants consent to it when they register."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["event", "order", "pk"]
        verbose_name = _("participant category")
        verbose_name_plural = _("participant categories")
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="events_one_category_per_kind"),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True)
                | models.Q(places_taken__lte=models.F("capacity")),
                name="events_category_never_oversold",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Quota(models.Model):
    """The places taken by one city or one country at an event, within the event's limit.

    One row per (event, city) or (event, country), made on the first
    registration; ``places`` overrides the event's own limit for this city or
    country (a host country's larger delegation).
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="quotas"
    )
    city = models.ForeignKey(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.ForeignKey(
        "network.Country",
        verbose_name=_("country"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    places = models.PositiveSmallIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: the event's limit.")
    )
    taken = models.PositiveIntegerField(_("taken"), default=0, editable=False)

    class Meta:
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "city"],
                condition=models.Q(city__isnull=False),
                name="events_one_quota_per_city",
            ),
            models.UniqueConstraint(
                fields=["event", "country"],
                condition=models.Q(city__isnull=True),
                name="events_one_quota_per_country",
            ),
            models.CheckConstraint(
                condition=models.Q(city__isnull=True) | models.Q(country__isnull=True),
                name="events_quota_city_or_country",
            ),
        ]

    def __str__(self) -> str:
        return str(self.city or self.country)


class Delegation(models.Model):
    """The participants a city or a country sends to an event, under one head of delegation."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="delegations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DelegationKind.choices)
    city = models.ForeignKey(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.ForeignKey(
        "network.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation of the head"),
        on_delete=models.PROTECT,
        related_name="delegations",
        help_text=_("Its members manage the delegation with its head."),
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head of delegation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_delegations",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["event", "country", "city"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "city"],
                condition=models.Q(kind="city"),
                name="events_one_delegation_per_city",
            ),
            models.UniqueConstraint(
                fields=["event", "country"],
                condition=models.Q(kind="country"),
                name="events_one_national_delegation",
            ),
        ]

    def __str__(self) -> str:
        return str(self.city or self.country)


class Registration(models.Model):
    """One person's participation in an event, in one category.

    The personal fields (name, e-mail, title, passport number, answers) are
    what the event needs and no more; they are erased on the event's
    retention date, leaving the counts (``domain.retention``). ``places``
    state: see ``enums.HOLDS_PLACE``.
    """

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    category = models.ForeignKey(
        ParticipantCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    job_title = models.CharField(_("position"), max_length=200, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    city = models.ForeignKey(
        "network.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    city_name = models.CharField(_("city (if not in the register)"), max_length=200, blank=True)
    country = models.ForeignKey(
        "network.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(
        _("language"), max_length=10, choices=language_choices, default="en"
    )
    needs_visa_letter = models.BooleanField(_("needs a visa-support letter"), default=False)
    nationality = models.ForeignKey(
        "network.Country",
        verbose_name=_("nationality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    passport_number = models.CharField(
        _("passport number"),
        max_length=40,
        blank=True,
        help_text=_("Only for a visa-support letter."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, db_index=True
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registered"), db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    substitute_for = models.OneToOneField(
        "self",
        verbose_name=_("in place of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substituted_by",
    )
    badge_code = models.CharField(_("badge code"), max_length=16, unique=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    check_in_desk = models.CharField(_("desk"), max_length=60, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["event", "registered_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [models.Index(fields=["event", "status"], name="events_reg_event_status")]

    def __str__(self) -> str:
        return self.name


class RegistrationAnswer(models.Model):
    """A participant's answer to one question of the category's form (the questionnaire engine)."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    criterion = models.ForeignKey(
        "frameworks.Criterion",
        verbose_name=_("question"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text_value = models.TextField(_("text"), blank=True)
    number_value = models.DecimalField(
        _("number"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    rating_value = models.SmallIntegerField(_("rating"), null=True, blank=True)
    boolean_value = models.BooleanField(_("yes or no"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration answer")
        verbose_name_plural = _("registration answers")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "criterion"], name="events_one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration} · {self.criterion.code}"
