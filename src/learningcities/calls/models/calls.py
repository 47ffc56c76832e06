from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from learningcities.common.languages import language_choices
from learningcities.common.translated import TranslatableContent

from ..enums import WITHOUT_ENDORSEMENT, CallKind, DeadlineAction, DocumentKind
from ..validators import validate_time_zone

# The longest public description or guidelines of a call, in characters.
TEXT_MAX = 20_000


def default_required_documents() -> list[str]:
    return [DocumentKind.COMMITMENT_LETTER.value]


class Call(TranslatableContent):
    """A call for applications (membership), nominations (award) or presentations (of an event).

    Each setting's default, limits and help text are defined here only: the
    secretariat's form and ``domain.calls`` read them (``common.model_fields``).

    ``framework`` pins one framework version: the questions of every
    submission to this call stay the same whatever is loaded later.
    ``opens_at`` and ``closes_at`` are instants; ``time_zone`` is the zone the
    call announces its deadline in. Its rules are data; a call for
    presentations has no endorsement (``needs_endorsement``), so its
    endorsement window, reminder, deadline action and quota do not apply.
    """

    # Written in ``language``; the secretariat translates them (common.translated).
    translated_fields = ("title", "description", "guidelines")

    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices)
    title = models.CharField(_("title"), max_length=200)
    framework = models.ForeignKey(
        "frameworks.Framework",
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=60,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("IANA name, such as Europe/Paris; the deadline is announced in it."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=language_choices,
        default="en",
        help_text=_(
            "The language the title, description and guidelines are written in; translate "
            "them into the others from the call's page."
        ),
    )
    endorsement_days = models.PositiveSmallIntegerField(
        _("endorsement window (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Days the National Commission has to act after a city submits."),
    )
    endorsement_reminder_days = models.PositiveSmallIntegerField(
        _("reminder before the endorsement deadline (days)"),
        null=True,
        blank=True,
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(364)],
        help_text=_(
            "The National Commission is reminded this many days before its deadline. "
            "Empty: no reminder."
        ),
    )
    deadline_action = models.CharField(
        _("at the endorsement deadline"),
        max_length=10,
        choices=DeadlineAction.choices,
        default=DeadlineAction.DECLINE,
    )
    quota_per_country = models.PositiveSmallIntegerField(
        _("endorsements per country"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Empty: no quota."),
    )
    # Eligibility rules, each off when empty.
    population_minimum = models.PositiveBigIntegerField(
        _("minimum population"), null=True, blank=True
    )
    require_not_member = models.BooleanField(_("only cities not yet members"), default=False)
    member_for_months = models.PositiveSmallIntegerField(
        _("member for more than (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1200)],
    )
    not_winner_within_years = models.PositiveSmallIntegerField(
        _("not a winner within (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    required_documents = models.JSONField(
        _("required documents"),
        default=default_required_documents,
        blank=True,
        help_text=_("Kinds of document every submission must carry."),
    )
    manual_checks = models.JSONField(
        _("manual checks"),
        default=list,
        blank=True,
        # Written for the secretariat's form, which takes them as lines of text.
        help_text=_("One check per line, such as “Mayor's letter signed”."),
    )
    motivation_word_limit = models.PositiveIntegerField(_("motivation word limit"), default=200)
    implementation_word_limit = models.PositiveIntegerField(
        _("implementation word limit"), default=200
    )
    min_reviews = models.PositiveSmallIntegerField(
        _("minimum reviews per submission"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many jurors review each submission (the call's minimum)."),
    )
    # What the public reads about the call (the public call page): plain text,
    # paragraphs separated by an empty line.
    description = models.TextField(
        _("public description"),
        blank=True,
        max_length=TEXT_MAX,
        help_text=_(
            "What the call is for and who may answer it, shown on the public call page. "
            "Plain text; an empty line starts a new paragraph."
        ),
    )
    guidelines = models.TextField(
        _("guidelines"),
        blank=True,
        max_length=TEXT_MAX,
        help_text=_(
            "How to prepare and submit an application, shown on the public call page. "
            "Plain text; an empty line starts a new paragraph."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Bumped (in the writer's transaction) by every write that changes what the
    # call's lists show: a submission started or moved (``transition``, which
    # also takes and gives back quota slots). Pages drawn from the call's
    # submissions are cached under it (calls.domain.revision).
    revision = models.PositiveBigIntegerField(_("revision"), default=0, editable=False)

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="calls_call_opens_before_closing",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_endorsement(self) -> bool:
        """Whether the city's National Commission endorses each submission.

        Not in a call of a kind ``WITHOUT_ENDORSEMENT`` (presentations): the
        city's proposal goes straight to the secretariat's screening, no
        endorsement deadline runs and no quota counts it.
        """
        return self.kind not in WITHOUT_ENDORSEMENT
