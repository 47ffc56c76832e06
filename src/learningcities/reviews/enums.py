"""Choices of the jury: what a review phase allows, ties, recommendations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OtherReviews(models.TextChoices):
    """When a juror may read the other jurors' reviews of a submission."""

    NEVER = "never", _("Never")
    AFTER_OWN = "after_own", _("After submitting their own review")
    ALWAYS = "always", _("Always")


class TieKind(models.TextChoices):
    """Why a juror is tied to a country or a city.

    Nationality and affiliations are read from the person's account; these
    are the ties recorded on top of them.
    """

    RESIDENCE = "residence", _("Country of residence")
    WORK = "work", _("Country of work")
    DECLARED = "declared", _("Declared tie")


class TieSource(models.TextChoices):
    JUROR = "juror", _("Declared by the juror")
    SECRETARIAT = "secretariat", _("Added by the secretariat")


class ConflictReason(models.TextChoices):
    """Why a juror may not see a submission (computed, see ``domain.queries.conflicts``)."""

    NATIONALITY = "nationality", _("Nationality")
    RESIDENCE = "residence", _("Country of residence")
    WORK = "work", _("Country of work")
    DECLARED = "declared", _("Declared tie")
    ORGANISATION = "organisation", _("Belongs to an organisation of the city or country")
    RECUSAL = "recusal", _("Recused")


class AssignmentMethod(models.TextChoices):
    MANUAL = "manual", _("Manual")
    AUTOMATIC = "automatic", _("Automatic")


class ReviewState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("review state", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("review state", "Submitted")


class Recommendation(models.TextChoices):
    ADMIT = "admit", _("Admit")
    DO_NOT_ADMIT = "do_not_admit", _("Do not admit")
    ABSTAIN = "abstain", _("Abstain")


# The activity log's label of each action code this app records (common.activity_labels).
ACTIVITY_LABELS = {
    "reviews.panel.create": _("Jury panel created"),
    "reviews.panel.update": _("Jury panel changed"),
    "reviews.phase.add": _("Review phase added"),
    "reviews.phase.update": _("Review phase changed"),
    "reviews.phase.remove": _("Review phase removed"),
    "reviews.phase.advance": _("Review phase closed and the next one opened"),
    "reviews.phase.reminder": _("Jurors reminded of the phase's end"),
    "reviews.panel.reviews_per_submission": _("Reviews per submission changed"),
    "reviews.panel.juror_add": _("Juror added to the panel"),
    "reviews.decision.few_reviews": _("Accepted with fewer reviews than required"),
    "reviews.assignment.add": _("Juror assigned"),
    "reviews.assignment.remove": _("Juror unassigned"),
    "reviews.assignment.auto": _("Automatic assignment run"),
    "reviews.recusal.add": _("Juror stepped back"),
    "reviews.tie.add": _("Juror's tie recorded"),
    "reviews.tie.remove": _("Juror's tie removed"),
    "reviews.review.open": _("Review started"),
    "reviews.review.submit": _("Review submitted"),
    "reviews.synthetic.generate": _("Demo jury generated"),
    "reviews.synthetic.scores": _("Demo scores generated"),
}
