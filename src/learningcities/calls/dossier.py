"""The dossier of a submission: one PDF with its profile, answers and document list.

For the jury and the archive. Rendered by WeasyPrint on each request (nothing
is cached: the dossier shows the submission as it is now), in the language of
whoever asks for it (the active language): its headings, dates and numbers,
and its direction (right to left in Arabic). Non-Latin scripts render with the
Noto fonts the CSS names by family (Debian's fonts-noto-core and fonts-noto-cjk).
"""

import logging
import time

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from learningcities.questionnaires.profile import ProfileKind, profile_rows
from learningcities.questionnaires.tree import (
    by_criterion,
    documents_by_criterion,
    questionnaire_tree,
)

from .domain.profile import asks_challenges, profile_names_for
from .enums import Challenge, DocumentKind
from .models import Answer, Submission, SubmissionDocument

logger = logging.getLogger(__name__)


def _long_text(field) -> bool:
    return field.kind == ProfileKind.LONG_TEXT


def _identifying_or_long(field) -> bool:
    return field.identifying or field.kind == ProfileKind.LONG_TEXT


def _documents(submission: Submission, *, anonymous: bool) -> list[SubmissionDocument]:
    """Return the submission's documents, each with the name the dossier shows (one query)."""
    documents = SubmissionDocument.objects.filter(submission=submission)
    if anonymous:
        documents = documents.exclude(kind=DocumentKind.COMMITMENT_LETTER)
    documents = list(
        documents.select_related("document", "criterion").order_by("kind", "created_at", "pk")
    )
    for number, link in enumerate(documents, start=1):
        # A file's name often holds the city's: an anonymous dossier numbers them.
        link.shown_name = (
            _("Document %(number)s") % {"number": number}
            if anonymous
            else link.document.original_name
        )
    return documents


def dossier_context(
    submission: Submission, *, anonymous: bool = False, staged_visible: bool = False
) -> dict:
    """Return what the dossier template shows: the answers by section, area and criterion.

    Three queries (criteria with their areas and sections, answers, documents);
    ``submission`` should come with its call, city and country (as
    ``submissions_for_user`` gives it). Reads only. ``anonymous`` (for a jury
    phase that hides identities) leaves out the city, country, contact person
    and the mayor's commitment letter, and numbers the documents instead of
    naming their files; the dossier is titled "Application N". Only the
    profile fields the call asks for are shown (``profile_fields_for``).
    ``staged_visible`` (the secretariat): the state as it is, reviewed or
    decided included; everyone else reads the state the city knows.
    """
    documents = _documents(submission, anonymous=anonymous)
    sections = questionnaire_tree(
        submission.call.framework_id,
        answers=by_criterion(Answer.objects.filter(submission=submission)),
        documents=documents_by_criterion(documents),
    )
    # The dossier shows the long texts and the challenges apart; an anonymous
    # one leaves out who speaks for the city; none shows what the call does
    # not ask for (a proposal for a presentation: no figures, no ratings).
    asked = profile_names_for(submission.call)
    left_out = _identifying_or_long if anonymous else _long_text
    profile = profile_rows(
        submission, exclude=lambda field: field.name not in asked or left_out(field)
    )
    challenges = (
        [
            (challenge.label, (submission.challenges or {}).get(challenge.value))
            for challenge in Challenge
        ]
        if asks_challenges(submission.call)
        else []
    )
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
        "asks_implementation": "implementation" in asked,
        "challenges": challenges,
        "sections": sections,
        "documents": documents,
        "generated_at": timezone.now(),
    }


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
