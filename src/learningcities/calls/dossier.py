"""The dossier of a submission: one PDF with its profile, answers and document list.

For the jury and the archive. Rendered by WeasyPrint on each request (nothing
is cached: the dossier shows the submission as it is now). Non-Latin scripts
render with the Noto fonts the CSS names by family (Debian's fonts-noto-core
and fonts-noto-cjk).
"""

import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from learningcities.frameworks.domain.queries.frameworks import criteria_for_framework
from learningcities.frameworks.enums import AnswerType

from .enums import Challenge, DocumentKind
from .models import Answer, Submission, SubmissionDocument

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "data_year",
    "population",
    "area_km2",
    "gdp_per_capita_city",
    "gdp_per_capita_country",
    "schooling_years_men",
    "schooling_years_women",
    "contact_name",
    "contact_email",
    "contact_phone",
    "communication_language",
)


@dataclass
class DossierCriterion:
    criterion: object
    answer: object
    documents: list = field(default_factory=list)

    @property
    def value(self) -> object:
        """Return the answer's value for the criterion's type (None: not answered)."""
        if self.answer is None:
            return None
        return {
            AnswerType.TEXT: self.answer.text_value or None,
            AnswerType.NUMBER: self.answer.number_value,
            AnswerType.RATING: self.answer.rating_value,
            AnswerType.YES_NO: self.answer.boolean_value,
        }.get(self.criterion.answer_type)


@dataclass
class DossierArea:
    area: object
    criteria: list[DossierCriterion] = field(default_factory=list)


@dataclass
class DossierSection:
    section: object
    areas: list[DossierArea] = field(default_factory=list)


# What an anonymous dossier leaves out: who the city is and who speaks for it.
IDENTIFYING_FIELDS = frozenset({"contact_name", "contact_email", "contact_phone"})


def dossier_context(
    submission: Submission, *, anonymous: bool = False, staged_visible: bool = False
) -> dict:
    """Return what the dossier template shows: the answers by section, area and criterion.

    Three queries (criteria with their areas and sections, answers, documents);
    ``submission`` should come with its call, city and country (as
    ``submissions_for_user`` gives it). Reads only. ``anonymous`` (for a jury
    phase that hides identities) leaves out the city, country, contact person
    and the mayor's commitment letter, and numbers the documents instead of
    naming their files; the dossier is titled "Application N".
    ``staged_visible`` (the secretariat): the state as it is, reviewed or
    decided included; everyone else reads the state the city knows.
    """
    answers = {
        answer.criterion_id: answer for answer in Answer.objects.filter(submission=submission)
    }
    documents = SubmissionDocument.objects.filter(submission=submission)
    if anonymous:
        documents = documents.exclude(kind=DocumentKind.COMMITMENT_LETTER)
    documents = list(
        documents.select_related("document", "criterion").order_by("kind", "created_at", "pk")
    )
    evidence: dict[int, list] = {}
    for number, link in enumerate(documents, start=1):
        # A file's name often holds the city's: an anonymous dossier numbers them.
        link.shown_name = (
            _("Document %(number)s") % {"number": number}
            if anonymous
            else link.document.original_name
        )
        if link.criterion_id:
            evidence.setdefault(link.criterion_id, []).append(link)
    sections: list[DossierSection] = []
    for criterion in criteria_for_framework(submission.call.framework):
        area = criterion.area
        if not sections or sections[-1].section.pk != area.section_id:
            sections.append(DossierSection(area.section))
        areas = sections[-1].areas
        if not areas or areas[-1].area.pk != area.pk:
            areas.append(DossierArea(area))
        areas[-1].criteria.append(
            DossierCriterion(criterion, answers.get(criterion.pk), evidence.get(criterion.pk, []))
        )
    profile = [
        (Submission._meta.get_field(name).verbose_name, _display(submission, name))
        for name in PROFILE_FIELDS
        if not (anonymous and name in IDENTIFYING_FIELDS)
    ]
    challenges = [
        (challenge.label, (submission.challenges or {}).get(challenge.value))
        for challenge in Challenge
    ]
    return {
        "submission": submission,
        "anonymous": anonymous,
        "state_label": (
            submission.get_state_display() if staged_visible else submission.state_for_city_display
        ),
        "call": submission.call,
        "city": None if anonymous else submission.city,
        "country": None if anonymous else submission.country,
        "profile": profile,
        "challenges": challenges,
        "sections": sections,
        "documents": documents,
        "generated_at": timezone.now(),
    }


# Quantities shown with the reader's digit grouping ("224,004", "224 004"); not the year.
GROUPED_FIELDS = frozenset(
    {"population", "area_km2", "gdp_per_capita_city", "gdp_per_capita_country"}
)


def profile_value(name: str, value: object) -> object:
    """Return a profile value for reading in the active language; other values as they are.

    Quantities with the language's digit grouping and decimal separator
    ("224,004" and "12.1" in English, "224 004" and "12,1" in French); the year
    of the data as it is.
    """
    if name != "data_year" and isinstance(value, int | Decimal) and not isinstance(value, bool):
        return number_format(value, force_grouping=name in GROUPED_FIELDS)
    return value


def _display(submission: Submission, name: str) -> object:
    display = getattr(submission, f"get_{name}_display", None)
    value = getattr(submission, name)
    if display and value:
        return display()
    return profile_value(name, value)


def render_dossier(
    submission: Submission, *, anonymous: bool = False, staged_visible: bool = False
) -> bytes:
    """Return the dossier of ``submission`` as PDF bytes; logs how long it took.

    ``anonymous``: without the city's identity; ``staged_visible``: the state
    as the secretariat knows it (see ``dossier_context``).
    No side effects besides the log line (``learningcities.calls.dossier``, INFO).
    """
    from weasyprint import HTML  # heavy import, only when a dossier is asked for

    started = time.perf_counter()
    html = render_to_string(
        "calls/dossier/dossier.html",
        dossier_context(submission, anonymous=anonymous, staged_visible=staged_visible),
    )
    pdf = HTML(string=html).write_pdf()
    logger.info(
        "dossier of submission %s rendered in %.0f ms (%d bytes)",
        submission.pk,
        (time.perf_counter() - started) * 1000,
        len(pdf),
    )
    return pdf
