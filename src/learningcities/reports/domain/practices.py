"""Sharing a good practice from a report: a narrative becomes a draft of the library.

The practice is the library's (``practices``): the city completes it, ticks
the consent to publish and submits it, and the secretariat publishes it as it
does any other. The report keeps the link, so the same answer is shared once
and the report lists what it gave the library.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from learningcities.accounts.models import Organisation
from learningcities.practices.domain.practices import (
    SUMMARY_CHARACTERS,
    create_practice,
    first_words,
)
from learningcities.practices.enums import PracticeSource

from ..models import ProgressReport, ReportPractice
from .errors import ReportError


@transaction.atomic
def practice_from_report(report: ProgressReport, criterion, *, actor):
    """Start a draft practice from the city's answer to ``criterion``; return the practice.

    The answer's text becomes the description, its first sentences the
    summary, its area the practice's area. An answer already shared returns
    its practice. Refused (ReportError) for a question of another report or
    an answer without text; the practices app refuses anyone but the city's
    coordinators.
    """
    if criterion.framework_id != report.cycle.framework_id:
        raise ReportError(
            _("%(code)s is not a question of this report.") % {"code": criterion.code}
        )
    existing = ReportPractice.objects.filter(report=report, criterion=criterion).first()
    if existing is not None:
        return existing.practice
    answer = report.answers.filter(criterion=criterion).first()
    text = (answer.text_value if answer else "").strip()
    if not text:
        raise ReportError(_("Only an answer with text can become a practice."), code="invalid")
    organisation = Organisation.objects.filter(city_id=report.city_id).first()
    if organisation is None:
        raise ReportError(_("This city has no organisation to write practices for it."))
    data = {
        "title": first_words(f"{report.city.name}: {criterion.area.title}", 200).rstrip(" …"),
        "summary": first_words(text, SUMMARY_CHARACTERS),
        "body": text,
        "language": report.cycle.language,
        "framework": criterion.framework,
        "areas": [criterion.area],
    }
    practice = create_practice(
        organisation=organisation,
        actor=actor,
        data=data,
        source=PracticeSource.REPORT,
        source_criterion=criterion,
    )
    ReportPractice.objects.create(report=report, criterion=criterion, practice=practice)
    return practice
